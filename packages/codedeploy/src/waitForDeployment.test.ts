import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import {
  type AwsStandInServices,
  createStandInClient,
  createStandInDeployment,
  type DeploymentProgress,
  type DeploymentStatus,
} from '@bg-replay/aws-stand-in';
import { describe, expect, it } from 'vitest';
import { startStandIn } from '../test/_hookWorld.js';
import { type WaitEvent, waitForDeployment } from './waitForDeployment.js';

/**
 * A stand-in CodeDeploy serving `deployments`, each moving one step per GetDeployment (the last step stays),
 * and the wait's options on a virtual clock.
 */
async function harness(deployments: Record<string, Array<Partial<DeploymentProgress>>>) {
  const standIn = await startStandIn();
  for (const [deploymentId, progress] of Object.entries(deployments))
    standIn.addDeployment(
      createStandInDeployment({ deploymentId, appSpecContent: 'version: 0.0', status: 'Created', progress }),
    );
  let t = 0;
  const sleeps: number[] = [];
  const events: WaitEvent[] = [];
  return {
    services: standIn.services as AwsStandInServices,
    sleeps,
    events,
    options: {
      codedeploy: createStandInClient(CodeDeployClient, standIn.url),
      now: () => t,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        t += ms;
      },
      initialDelayMs: 1000,
      maxDelayMs: 8000,
      onEvent: (e: WaitEvent) => events.push(e),
    },
  };
}

const info = (status: DeploymentStatus, extra: Partial<DeploymentProgress> = {}) => ({ status, ...extra });

describe('waitForDeployment', () => {
  it('resolves ok when the deployment succeeds, polling with growing delays', async () => {
    const h = await harness({
      'd-1': [info('Created'), info('InProgress'), info('InProgress'), info('InProgress'), info('Succeeded')],
    });
    const result = await waitForDeployment({ ...h.options, deploymentId: 'd-1' });
    expect(result).toMatchObject({
      ok: true,
      status: 'Succeeded',
      polls: 5,
      reason: 'deployment d-1 succeeded',
    });
    expect(h.sleeps).toEqual([1000, 1500, 2250, 3375]);
    expect(h.services.callsOf('GetDeployment')[0]?.input).toEqual({ deploymentId: 'd-1' });
    expect(h.events.filter((e) => e.type === 'status').map((e) => (e as { status: string }).status)).toEqual([
      'Created',
      'InProgress',
      'Succeeded',
    ]);
  });

  it('on Failed collects the error information and waits for the rollback deployment to finish', async () => {
    const h = await harness({
      'd-1': [
        info('InProgress'),
        info('Failed', {
          errorInformation: { code: 'HOOK_EXECUTION_FAILURE', message: 'AfterAllowTestTraffic hook failed' },
          rollbackInfo: { rollbackDeploymentId: 'd-RB' },
        }),
      ],
      'd-RB': [info('InProgress'), info('Succeeded')],
    });
    const result = await waitForDeployment({ ...h.options, deploymentId: 'd-1' });
    expect(result.ok).toBe(false);
    expect(result.status).toBe('Failed');
    expect(result.errorInformation).toEqual({
      code: 'HOOK_EXECUTION_FAILURE',
      message: 'AfterAllowTestTraffic hook failed',
    });
    expect(result.rollback).toEqual({ deploymentId: 'd-RB', status: 'Succeeded', timedOut: false });
    expect(result.reason).toBe(
      'deployment d-1 failed: HOOK_EXECUTION_FAILURE: AfterAllowTestTraffic hook failed; rollback d-RB succeeded',
    );
  });

  it('waits for the rollback id to appear when auto rollback is enabled', async () => {
    const h = await harness({
      'd-1': [
        info('Stopped', { autoRollbackConfiguration: { enabled: true } }),
        info('Stopped', { autoRollbackConfiguration: { enabled: true } }),
        info('Stopped', {
          autoRollbackConfiguration: { enabled: true },
          rollbackInfo: { rollbackDeploymentId: 'd-RB' },
        }),
      ],
      'd-RB': [info('Failed')],
    });
    const result = await waitForDeployment({ ...h.options, deploymentId: 'd-1' });
    expect(result).toMatchObject({
      ok: false,
      status: 'Stopped',
      rollback: { deploymentId: 'd-RB', status: 'Failed' },
    });
    expect(result.reason).toBe('deployment d-1 stopped; rollback d-RB failed');
  });

  it('reports a stopped deployment without rollback', async () => {
    const h = await harness({
      'd-1': [info('Stopped', { rollbackInfo: { rollbackMessage: 'rollback disabled' } })],
    });
    const result = await waitForDeployment({ ...h.options, deploymentId: 'd-1' });
    expect(result).toMatchObject({ ok: false, status: 'Stopped' });
    expect(result.rollback).toBeUndefined();
    expect(result.reason).toBe('deployment d-1 stopped; no rollback deployment (rollback disabled)');
  });

  it('backs off harder on ThrottlingException and keeps polling', async () => {
    const h = await harness({ 'd-1': [info('Succeeded')] });
    h.services.fail('GetDeployment', { type: 'ThrottlingException', message: 'Rate exceeded', times: 2 });
    const result = await waitForDeployment({ ...h.options, deploymentId: 'd-1' });
    expect(result.ok).toBe(true);
    expect(h.sleeps).toEqual([2000, 6000]);
    expect(h.events.filter((e) => e.type === 'retry')).toHaveLength(2);
  });

  it('times out with a result, not an exception', async () => {
    const h = await harness({ 'd-1': [info('InProgress')] });
    const result = await waitForDeployment({ ...h.options, deploymentId: 'd-1', timeoutMs: 20_000 });
    expect(result).toMatchObject({ ok: false, status: 'InProgress', timedOut: true });
    expect(result.reason).toBe(
      'deployment d-1 did not finish within 20 s (last status InProgress: in progress: installing, testing and shifting traffic)',
    );
    expect(result.stage).toBe('timeout');
    expect(h.sleeps.reduce((a, b) => a + b, 0)).toBe(20_000);
  });

  it('times out while waiting for the rollback', async () => {
    const h = await harness({
      'd-1': [info('Failed', { rollbackInfo: { rollbackDeploymentId: 'd-RB' } })],
      'd-RB': [info('InProgress')],
    });
    const result = await waitForDeployment({ ...h.options, deploymentId: 'd-1', timeoutMs: 10_000 });
    expect(result.rollback).toEqual({ deploymentId: 'd-RB', status: 'InProgress', timedOut: true });
    expect(result.reason).toMatch(/rollback d-RB did not finish within 10 s/);
  });

  it('throws E_INPUT for an unknown deployment id', async () => {
    const h = await harness({ 'd-1': [info('InProgress')] });
    await expect(waitForDeployment({ ...h.options, deploymentId: 'd-nope' })).rejects.toMatchObject({
      code: 'E_INPUT',
      message: expect.stringContaining('deployment d-nope was not found'),
    });
  });

  it('stops with success once production traffic is shifted and the termination wait has started', async () => {
    const h = await harness({
      'd-1': [
        info('Queued'),
        info('InProgress'),
        info('Baking'),
        info('InProgress', { instanceTerminationWaitTimeStarted: true }),
      ],
    });
    const result = await waitForDeployment({ ...h.options, deploymentId: 'd-1' });
    expect(result).toMatchObject({
      ok: true,
      stage: 'traffic-shifted',
      status: 'InProgress',
      polls: 4,
      reason:
        'deployment d-1 production traffic shifted; the original is kept for the termination wait (use --until complete to wait for it to end)',
    });
    expect(h.events.filter((e) => e.type === 'status').map((e) => (e as { where: string }).where)).toEqual([
      'queued behind another deployment of the group',
      'in progress: installing, testing and shifting traffic',
      'traffic shifted; baking (watched for alarms) before it completes',
      'production traffic shifted; the original is kept for the termination wait',
    ]);
  });

  it('with until complete waits through the termination wait to Succeeded', async () => {
    const h = await harness({
      'd-1': [
        info('InProgress', { instanceTerminationWaitTimeStarted: true }),
        info('InProgress', { instanceTerminationWaitTimeStarted: true }),
        info('Succeeded', { instanceTerminationWaitTimeStarted: true }),
      ],
    });
    const result = await waitForDeployment({ ...h.options, deploymentId: 'd-1', until: 'complete' });
    expect(result).toMatchObject({ ok: true, stage: 'succeeded', polls: 3 });
  });

  it('stops with success at Ready, saying the traffic waits to be rerouted', async () => {
    const h = await harness({ 'd-1': [info('Created'), info('Ready')] });
    const result = await waitForDeployment({ ...h.options, deploymentId: 'd-1' });
    expect(result).toMatchObject({
      ok: true,
      stage: 'ready',
      reason: 'deployment d-1 ready: waiting for traffic to be rerouted (aws deploy continue-deployment)',
    });
  });
});
