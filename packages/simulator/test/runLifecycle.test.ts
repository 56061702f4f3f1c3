import {
  CodeDeployClient,
  ContinueDeploymentCommand,
  PutLifecycleEventHookExecutionStatusCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  FAKE_CREDENTIALS,
  type SimFunction,
  type StandInDeployment,
  startAwsStandIn,
} from '@bg-replay/aws-stand-in';
import { type HookStep, type LambdaHookRuntime, waitForDeployment } from '@bg-replay/codedeploy';
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '../src/createSimClock.js';
import {
  formatTimeline,
  type HarnessClients,
  type LifecycleHookSpec,
  runLifecycle,
  type TimelineEntry,
} from '../src/runLifecycle.js';

const ok: HookStep = async () => undefined;
const deploymentStatuses = (timeline: TimelineEntry[], id?: string) =>
  timeline.flatMap((e) => (e.kind === 'deployment' && (!id || e.deploymentId === id) ? [e.status] : []));
const actions = (timeline: TimelineEntry[]) =>
  timeline.flatMap((e) => (e.kind === 'action' ? [e.action] : []));
const ends = (timeline: TimelineEntry[]) =>
  timeline.filter((e) => e.kind === 'event-end').map((e) => `${e.event}:${e.status}:${e.how}`);

describe('runLifecycle (real SDK clients against the loopback stand-in)', () => {
  it('runs a passing ECS deployment through every hook in CodeDeploy order', async () => {
    const seen: string[] = [];
    const record: HookStep<unknown, LambdaHookRuntime> = async ({ deployment }) => {
      seen.push(
        `${deployment.lifecycleEvent}@${deployment.computePlatform}:${deployment.ecs?.LoadBalancerInfo.ContainerPort}`,
      );
      return undefined;
    };
    const result = await runLifecycle({
      platform: 'ECS',
      hooks: {
        BeforeInstall: { step: record },
        AfterInstall: { step: record },
        AfterAllowTestTraffic: { step: record },
        BeforeAllowTraffic: { step: record },
        AfterAllowTraffic: { step: record },
      },
    });
    expect(result.status).toBe('Succeeded');
    expect(seen).toEqual([
      'BeforeInstall@ECS:8080',
      'AfterInstall@ECS:8080',
      'AfterAllowTestTraffic@ECS:8080',
      'BeforeAllowTraffic@ECS:8080',
      'AfterAllowTraffic@ECS:8080',
    ]);
    expect(result.reports.map((r) => `${r.event}:${r.status}:${r.accepted}`)).toEqual([
      'BeforeInstall:Succeeded:true',
      'AfterInstall:Succeeded:true',
      'AfterAllowTestTraffic:Succeeded:true',
      'BeforeAllowTraffic:Succeeded:true',
      'AfterAllowTraffic:Succeeded:true',
    ]);
    const actions = result.timeline
      .filter((e) => e.kind === 'action')
      .map((e) => (e as { action: string }).action);
    expect(actions).toEqual([
      'create the replacement task set',
      'route test traffic to the replacement task set',
      'route production traffic to the replacement task set',
      'terminate the original task set',
    ]);
    expect(deploymentStatuses(result.timeline)).toEqual(['Created', 'InProgress', 'Succeeded']);
    expect(result.production).toBe('replacement');
  });

  it('fails a Lambda deployment when BeforeAllowTraffic reports Failed and never runs AfterAllowTraffic', async () => {
    let after = false;
    const result = await runLifecycle({
      platform: 'Lambda',
      hooks: {
        BeforeAllowTraffic: { step: async () => ({ status: 'Failed', reason: 'verdict fail' }) },
        AfterAllowTraffic: {
          step: async () => {
            after = true;
            return undefined;
          },
        },
      },
    });
    expect(result).toMatchObject({ status: 'Failed', failedEvent: 'BeforeAllowTraffic' });
    expect(after).toBe(false);
    expect(ends(result.timeline)).toEqual(['BeforeAllowTraffic:Failed:reported']);
    expect(formatTimeline(result.timeline)).toContainEqual(
      expect.stringMatching(/deployment d-SIM\w+ Failed: BeforeAllowTraffic hook reported Failed/),
    );
  });

  it('reports Failed for a hook that throws', async () => {
    const result = await runLifecycle({
      platform: 'ECS',
      hooks: {
        AfterAllowTestTraffic: {
          step: () => {
            throw new TypeError('cannot read properties of undefined');
          },
        },
      },
    });
    expect(result.status).toBe('Failed');
    expect(result.reports).toMatchObject([
      { event: 'AfterAllowTestTraffic', status: 'Failed', accepted: true },
    ]);
  });

  it('continues a hook past the Lambda limit in fresh invocations until it finishes', async () => {
    // Each invocation has 300 s before its Lambda timeout and keeps 100 s in reserve; each unit takes 60 s.
    const clock = createVirtualClock();
    const step: HookStep<{ done: number }> = async ({ continuation, checkpoint, signal }) => {
      let done = continuation?.done ?? 0;
      while (done < 6) {
        await clock.sleep(60_000, signal);
        if (signal.aborted) return undefined;
        done++;
        checkpoint({ done });
      }
      return { status: 'Succeeded' };
    };
    const result = await runLifecycle({
      platform: 'ECS',
      clock,
      hooks: {
        AfterAllowTestTraffic: {
          step: step as HookStep,
          timeoutMs: 300_000,
          handlerOptions: { reserveMs: 100_000 },
        },
      },
    });
    expect(result.status).toBe('Succeeded');
    const end = result.timeline.find((e) => e.kind === 'event-end' && e.event === 'AfterAllowTestTraffic');
    expect(end).toMatchObject({ status: 'Succeeded', how: 'reported' });
    // 200 s of budget per invocation: units at 60, 120, 180 s; the 4th would end past the deadline.
    expect((end as { invocations: number }).invocations).toBe(2);
    expect(result.invokes.length).toBe(1);
    expect(result.invokes[0]).toMatchObject({
      functionName: 'arn:aws:lambda:us-east-1:000000000000:function:CodeDeployHook_AfterAllowTestTraffic',
      invocationType: 'Event',
      payload: { bgReplay: { continuation: { done: 3 }, invocation: 2 } },
    });
    expect(result.reports.filter((r) => r.accepted)).toHaveLength(1);
  });

  it('answers a duplicate invocation with LifecycleEventAlreadyCompletedException, which the runtime accepts', async () => {
    const result = await runLifecycle({
      platform: 'Lambda',
      hooks: { BeforeAllowTraffic: { step: ok, duplicate: true } },
    });
    expect(result.status).toBe('Succeeded');
    expect(result.reports.map((r) => [r.status, r.accepted, r.error])).toEqual([
      ['Succeeded', true, undefined],
      ['Succeeded', false, 'LifecycleEventAlreadyCompletedException'],
    ]);
    expect(result.timeline.some((e) => e.kind === 'invoke-error')).toBe(false);
  });

  it('fails the deployment when a hook never reports', async () => {
    const result = await runLifecycle({
      platform: 'Lambda',
      clock: createVirtualClock(),
      hooks: {
        BeforeAllowTraffic: {
          handler: () => async () => {
            // A handler written without the runtime: returns without reporting.
          },
        },
      },
    });
    expect(result.status).toBe('Failed');
    expect(ends(result.timeline)).toEqual(['BeforeAllowTraffic:Failed:timeout']);
    // CodeDeploy's hour passed on the virtual clock.
    const end = result.timeline.find((e) => e.kind === 'event-end');
    expect(end && end.kind === 'event-end' ? end.durationMs : 0).toBe(3_600_000);
  });

  it('skips AfterAllowTestTraffic without a test listener', async () => {
    const result = await runLifecycle({
      platform: 'ECS',
      testListener: false,
      hooks: { AfterInstall: { step: ok } },
    });
    expect(ends(result.timeline)).toEqual([
      'BeforeInstall:Succeeded:no-hook',
      'AfterInstall:Succeeded:reported',
      'BeforeAllowTraffic:Succeeded:no-hook',
      'AfterAllowTraffic:Succeeded:no-hook',
    ]);
  });
});

describe('runLifecycle models the service: statuses, rollback, retries, the Lambda platform', () => {
  const failing: HookStep = async () => ({ status: 'Failed', reason: 'post-shift check failed' });

  it('rolls back a failure after the shift as a new deployment that returns production traffic', async () => {
    const result = await runLifecycle({
      platform: 'ECS',
      clock: createVirtualClock(),
      hooks: { AfterAllowTraffic: { step: failing } },
    });
    expect(result).toMatchObject({
      status: 'Failed',
      failedEvent: 'AfterAllowTraffic',
      production: 'original',
    });
    const rollbackId = result.rollbackDeploymentId as string;
    expect(rollbackId).toMatch(/^d-SIM/);
    expect(rollbackId).not.toBe(result.deploymentId);
    expect(deploymentStatuses(result.timeline, result.deploymentId)).toEqual([
      'Created',
      'InProgress',
      'Failed',
    ]);
    expect(deploymentStatuses(result.timeline, rollbackId)).toEqual(['Created', 'InProgress', 'Succeeded']);
    const [failed, rollback] = result.deployments;
    expect(failed?.rollbackInfo?.rollbackDeploymentId).toBe(rollbackId);
    expect(rollback?.rollbackInfo).toEqual({ rollbackTriggeringDeploymentId: result.deploymentId });
    expect(actions(result.timeline).slice(-3)).toEqual([
      'route production traffic to the replacement task set',
      'route production traffic back to the original task set',
      'terminate the replacement task set',
    ]);
    expect(formatTimeline(result.timeline)).toContainEqual(
      expect.stringMatching(
        new RegExp(`deployment ${rollbackId} Created \\(rollback of ${result.deploymentId}\\)`),
      ),
    );
  });

  it('leaves production on the replacement when a post-shift hook fails and auto-rollback is off', async () => {
    const result = await runLifecycle({
      platform: 'ECS',
      autoRollback: false,
      clock: createVirtualClock(),
      hooks: { AfterAllowTraffic: { step: failing } },
    });
    expect(result).toMatchObject({ status: 'Failed', production: 'replacement' });
    expect(result.rollbackDeploymentId).toBeUndefined();
    expect(result.deployments).toHaveLength(1);
    expect(actions(result.timeline).at(-1)).toBe(
      "no rollback (the group's auto-rollback is off): production traffic stays on the replacement task set",
    );
  });

  it('shows Queued while another deployment runs and waits the termination time before terminating', async () => {
    const result = await runLifecycle({
      platform: 'ECS',
      clock: createVirtualClock(),
      queuedMs: 90_000,
      terminationWaitMs: 5 * 60_000,
      hooks: { AfterAllowTraffic: { step: ok } },
    });
    expect(deploymentStatuses(result.timeline)).toEqual(['Created', 'Queued', 'InProgress', 'Succeeded']);
    const terminate = result.timeline.find(
      (e) => e.kind === 'action' && e.action === 'terminate the original task set',
    );
    const wait = result.timeline.find((e) => e.kind === 'action' && e.action.startsWith('wait 5 min'));
    expect(terminate && wait ? terminate.at - wait.at : 0).toBe(300_000);
  });

  it('retries a handler that throws as Lambda retries an asynchronous invocation: after 1 and 2 minutes', async () => {
    let calls = 0;
    const result = await runLifecycle({
      platform: 'Lambda',
      clock: createVirtualClock(),
      hooks: {
        BeforeAllowTraffic: {
          handler: (h) => async (event) => {
            calls++;
            if (calls < 3) throw new Error(`crash ${calls}`);
            const e = event as { DeploymentId: string; LifecycleEventHookExecutionId: string };
            await h.codedeploy.send(
              new PutLifecycleEventHookExecutionStatusCommand({
                deploymentId: e.DeploymentId,
                lifecycleEventHookExecutionId: e.LifecycleEventHookExecutionId,
                status: 'Succeeded',
              }),
            );
          },
        },
      },
    });
    expect(result.status).toBe('Succeeded');
    const invokes = result.timeline.flatMap((e) =>
      e.kind === 'invoke' ? [[e.invocation, e.retry ?? 0, e.at]] : [],
    );
    expect(invokes).toEqual([
      [1, 0, 0],
      [2, 1, 60_000],
      [3, 2, 180_000],
    ]);
    expect(result.timeline.filter((e) => e.kind === 'invoke-error')).toHaveLength(2);
  });

  it("fails the hook at CodeDeploy's hour when every retry throws too", async () => {
    const result = await runLifecycle({
      platform: 'Lambda',
      clock: createVirtualClock(),
      hooks: {
        BeforeAllowTraffic: {
          handler: () => async () => {
            throw new Error('always');
          },
        },
      },
    });
    expect(ends(result.timeline)).toEqual(['BeforeAllowTraffic:Failed:timeout']);
    expect(result.timeline.filter((e) => e.kind === 'invoke')).toHaveLength(3);
  });

  it('serves Invoke for both versions of a Lambda function and moves the alias with the deployment', async () => {
    const seen: string[] = [];
    const fn: SimFunction = {
      versions: {
        '1': (event) => ({ statusCode: 200, body: `blue ${(event as { rawPath: string }).rawPath}` }),
        '2': () => {
          throw new TypeError('green broke');
        },
      },
      aliases: {},
    };
    const invoke = async (h: HarnessClients, qualifier: string) => {
      // Every client a hook makes is instrumented: the virtual clock stands still while it waits for an answer.
      const lambda = h.clock.instrument(
        new LambdaClient({ endpoint: h.endpoint, region: 'us-east-1', credentials: FAKE_CREDENTIALS }),
      );
      const out = await lambda.send(
        new InvokeCommand({
          FunctionName: 'shop-api',
          Qualifier: qualifier,
          Payload: JSON.stringify({
            version: '2.0',
            rawPath: '/health',
            requestContext: { http: { method: 'GET' } },
          }),
        }),
      );
      lambda.destroy();
      return `${qualifier}→${out.ExecutedVersion} ${out.FunctionError ?? 'ok'} ${new TextDecoder().decode(out.Payload)}`;
    };
    const probe = (when: string) => (h: HarnessClients) => async (event: unknown) => {
      seen.push(`${when}: ${await invoke(h, 'live')}`);
      if (when === 'before') {
        seen.push(`${when}: ${await invoke(h, '1')}`);
        seen.push(`${when}: ${await invoke(h, '2')}`);
      }
      const e = event as { DeploymentId: string; LifecycleEventHookExecutionId: string };
      const codedeploy = h.clock.instrument(
        new CodeDeployClient({
          endpoint: h.endpoint,
          region: 'us-east-1',
          credentials: FAKE_CREDENTIALS,
        }),
      );
      await codedeploy.send(
        new PutLifecycleEventHookExecutionStatusCommand({
          deploymentId: e.DeploymentId,
          lifecycleEventHookExecutionId: e.LifecycleEventHookExecutionId,
          status: 'Succeeded',
        }),
      );
      codedeploy.destroy();
    };
    const result = await runLifecycle({
      platform: 'Lambda',
      clock: createVirtualClock(),
      lambdaFunction: { name: 'shop-api', alias: 'live', currentVersion: '1', targetVersion: '2', fn },
      hooks: {
        BeforeAllowTraffic: { handler: probe('before') },
        AfterAllowTraffic: { handler: probe('after') },
      },
    });
    expect(result).toMatchObject({ status: 'Succeeded', production: 'replacement', aliasVersion: '2' });
    expect(seen).toEqual([
      'before: live→1 ok {"statusCode":200,"body":"blue /health"}',
      'before: 1→1 ok {"statusCode":200,"body":"blue /health"}',
      'before: 2→2 Unhandled {"errorType":"TypeError","errorMessage":"green broke","trace":[]}',
      'after: live→2 Unhandled {"errorType":"TypeError","errorMessage":"green broke","trace":[]}',
    ]);
    expect(actions(result.timeline)).toEqual(['shift the alias to the target version']);
  });

  it('shifts the Lambda alias back in the rollback deployment when AfterAllowTraffic fails', async () => {
    const fn: SimFunction = { versions: { '1': () => 'one', '2': () => 'two' }, aliases: {} };
    const result = await runLifecycle({
      platform: 'Lambda',
      clock: createVirtualClock(),
      lambdaFunction: { name: 'shop-api', alias: 'live', currentVersion: '1', targetVersion: '2', fn },
      hooks: { AfterAllowTraffic: { step: failing } },
    });
    expect(result).toMatchObject({ status: 'Failed', production: 'original', aliasVersion: '1' });
    expect(actions(result.timeline)).toEqual([
      'shift the alias to the target version',
      'shift the alias back to version 1',
    ]);
  });

  it('stops the deployment when StopDeployment arrives, rolling back only when asked to', async () => {
    const stopping = (autoRollbackEnabled: boolean) => (h: HarnessClients) => async (event: unknown) => {
      const e = event as { DeploymentId: string; LifecycleEventHookExecutionId: string };
      // An operator stops the deployment while the hook runs; the hook still reports.
      await h.codedeploy.send(
        new StopDeploymentCommand({ deploymentId: e.DeploymentId, autoRollbackEnabled }),
      );
      await h.codedeploy.send(
        new PutLifecycleEventHookExecutionStatusCommand({
          deploymentId: e.DeploymentId,
          lifecycleEventHookExecutionId: e.LifecycleEventHookExecutionId,
          status: 'Succeeded',
        }),
      );
    };
    const kept = await runLifecycle({
      platform: 'ECS',
      clock: createVirtualClock(),
      hooks: { AfterAllowTestTraffic: { handler: stopping(false) }, AfterAllowTraffic: { step: ok } },
    });
    expect(kept).toMatchObject({
      status: 'Stopped',
      stoppedAfter: 'AfterAllowTestTraffic',
      production: 'original',
    });
    expect(deploymentStatuses(kept.timeline)).toEqual(['Created', 'InProgress', 'Stopped']);
    expect(kept.timeline.some((e) => e.kind === 'event-start' && e.event === 'AfterAllowTraffic')).toBe(
      false,
    );

    const rolled = await runLifecycle({
      platform: 'ECS',
      clock: createVirtualClock(),
      hooks: { AfterAllowTestTraffic: { handler: stopping(true) } },
    });
    expect(rolled.status).toBe('Stopped');
    expect(deploymentStatuses(rolled.timeline, rolled.rollbackDeploymentId)).toEqual([
      'Created',
      'InProgress',
      'Succeeded',
    ]);
  });

  it('serves what a CI wait reads: the failed deployment names its rollback, which succeeded', async () => {
    const clock = createVirtualClock();
    const failed: StandInDeployment = {
      deploymentId: 'd-FAILED001',
      applicationName: 'app',
      deploymentGroupName: 'group',
      computePlatform: 'ECS',
      appSpecContent: '{}',
      appSpecSha256: '0',
      status: 'Failed',
      rollbackInfo: { rollbackDeploymentId: 'd-ROLLBACK1' },
      errorInformation: { code: 'HOOK_EXECUTION_FAILURE', message: 'AfterAllowTraffic hook reported Failed' },
    };
    const standIn = await startAwsStandIn({ deployment: failed, clock });
    try {
      standIn.addDeployment({
        ...failed,
        deploymentId: 'd-ROLLBACK1',
        status: 'Succeeded',
        rollbackInfo: { rollbackTriggeringDeploymentId: 'd-FAILED001' },
      });
      const codedeploy = clock.instrument(
        new CodeDeployClient({ endpoint: standIn.url, region: 'us-east-1', credentials: FAKE_CREDENTIALS }),
      );
      const result = await waitForDeployment({
        deploymentId: 'd-FAILED001',
        codedeploy,
        now: clock.now,
        sleep: clock.sleep,
      });
      expect(result).toMatchObject({
        ok: false,
        status: 'Failed',
        errorInformation: { code: 'HOOK_EXECUTION_FAILURE' },
        rollback: { deploymentId: 'd-ROLLBACK1', status: 'Succeeded' },
      });
      codedeploy.destroy();
    } finally {
      await standIn.close();
    }
  });

  it('waits in Ready for ContinueDeployment before rerouting, and stops when none comes in time', async () => {
    const continuing: LifecycleHookSpec['handler'] = (h) => async (event) => {
      const e = event as { DeploymentId: string; LifecycleEventHookExecutionId: string };
      // An operator continues the deployment ten minutes after the tests passed.
      void h.clock
        .sleep(600_000)
        .then(() =>
          h.codedeploy.send(
            new ContinueDeploymentCommand({ deploymentId: e.DeploymentId, deploymentWaitType: 'READY_WAIT' }),
          ),
        );
      await h.codedeploy.send(
        new PutLifecycleEventHookExecutionStatusCommand({
          deploymentId: e.DeploymentId,
          lifecycleEventHookExecutionId: e.LifecycleEventHookExecutionId,
          status: 'Succeeded',
        }),
      );
    };
    const continued = await runLifecycle({
      platform: 'ECS',
      clock: createVirtualClock(),
      readyWaitMs: 3_600_000,
      hooks: { AfterAllowTestTraffic: { handler: continuing } },
    });
    expect(continued.status).toBe('Succeeded');
    expect(deploymentStatuses(continued.timeline)).toEqual([
      'Created',
      'InProgress',
      'Ready',
      'InProgress',
      'Succeeded',
    ]);
    const at = (status: string, n = 0) =>
      continued.timeline.filter((e) => e.kind === 'deployment' && e.status === status)[n]?.at ?? -1;
    // The driver looks every 10 s: the reroute starts at the first look after the 600 s ContinueDeployment.
    expect(at('InProgress', 1) - at('Ready')).toBe(610_000);

    const timedOut = await runLifecycle({
      platform: 'ECS',
      clock: createVirtualClock(),
      readyWaitMs: 3_600_000,
      hooks: { AfterAllowTestTraffic: { step: ok } },
    });
    expect(timedOut).toMatchObject({
      status: 'Stopped',
      stoppedAfter: 'AfterAllowTestTraffic',
      production: 'original',
    });
    expect(formatTimeline(timedOut.timeline)).toContainEqual(
      expect.stringMatching(
        /deployment d-SIM\w+ Stopped: no ContinueDeployment within the ready wait of 60 min/,
      ),
    );
  });
});
