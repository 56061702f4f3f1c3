import { PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { CONNECTION_RESET } from '@bg-replay/aws-stand-in';
import { BgReplayError } from '@bg-replay/core';
import type { HookStep } from '@bg-replay/core/hooks';
import { fakeLambdaContext } from '@bg-replay/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import { ecsAppSpec, startHookWorld } from '../test/_hookWorld.js';
import { createHookHandler, type HookHandlerOptions } from './createHookHandler.js';
import { createJsonLogger } from './createJsonLogger.js';

const EVENT = { DeploymentId: 'd-TEST0001', LifecycleEventHookExecutionId: 'exec-1' };
const APPSPEC = ecsAppSpec('AfterAllowTestTraffic', { AfterAllowTraffic: 'CodeDeployHook_cleanup' });

async function setup(extra: Partial<HookHandlerOptions> = {}) {
  const world = await startHookWorld({ deployment: { appSpecContent: APPSPEC } });
  const lines: Record<string, unknown>[] = [];
  const logger = createJsonLogger({ write: (l) => lines.push(JSON.parse(l)), level: 'debug' });
  const options: HookHandlerOptions = {
    clients: { codedeploy: world.codedeploy, lambda: world.lambda },
    logger,
    reserveMs: 50,
    ...extra,
  };
  return { ...world, lines, options };
}

/** Backoff sleeps return at once; the deadline timer (long) waits until the runtime cancels it. */
const quickSleep = (ms: number, signal?: AbortSignal) =>
  ms <= 1000
    ? Promise.resolve()
    : new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve()));

const ctx = (timeoutMs = 60_000) =>
  fakeLambdaContext({ functionName: 'CodeDeployHook_validate', qualifier: 'live', timeoutMs });

describe('createHookHandler', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    env = await setup();
  });

  it('reports Succeeded with the exact ids when the step returns nothing', async () => {
    const outcome = await createHookHandler(async () => undefined, env.options)(EVENT, ctx());
    expect(outcome.status).toBe('Succeeded');
    expect(env.reported()).toEqual([
      { deploymentId: 'd-TEST0001', lifecycleEventHookExecutionId: 'exec-1', status: 'Succeeded' },
    ]);
  });

  it('resolves the lifecycle event, platform and ECS properties from the AppSpec for a qualified function', async () => {
    let seen: unknown;
    await createHookHandler(({ deployment }) => {
      seen = deployment;
      return undefined;
    }, env.options)(EVENT, ctx());
    expect(seen).toMatchObject({
      lifecycleEvent: 'AfterAllowTestTraffic',
      computePlatform: 'ECS',
      applicationName: 'shop',
      ecs: {
        TaskDefinition: 'arn:aws:ecs:us-east-1:1:task-definition/shop:7',
        LoadBalancerInfo: { ContainerName: 'web', ContainerPort: 8080 },
      },
    });
    expect(env.services.callsOf('GetApplicationRevision')[0]?.input).toEqual({
      applicationName: 'shop',
      revision: { revisionType: 'AppSpecContent', appSpecContent: { sha256: env.deployment.appSpecSha256 } },
    });
  });

  it('writes structured JSON log lines carrying the deployment id', async () => {
    await createHookHandler(async () => undefined, { ...env.options, name: 'validate' })(EVENT, ctx());
    const reportedLine = env.lines.find((l) => l.message === 'hook reported');
    expect(reportedLine).toMatchObject({
      level: 'info',
      hook: 'validate',
      deploymentId: 'd-TEST0001',
      status: 'Succeeded',
    });
  });

  describe('no code path leaves the hook unreported', () => {
    const paths: Array<[string, HookStep, number?]> = [
      [
        'the step throws',
        () => {
          throw new Error('boom');
        },
      ],
      ['the step rejects', async () => Promise.reject(new Error('nope'))],
      ['the step rejects with a non-error', async () => Promise.reject('a string')],
      ['the step returns Failed', async () => ({ status: 'Failed', reason: 'bad' })],
      [
        'the step throws a configuration error',
        async () => {
          throw new BgReplayError('E_CONFIG', 'bg-replay hook configuration is invalid: live: required');
        },
      ],
      ['the step never settles before the Lambda timeout', () => new Promise(() => {}), 200],
    ];
    it('cancels its deadline timer when the step throws, so nothing is left pending', async () => {
      const signals: AbortSignal[] = [];
      const sleep = (ms: number, signal?: AbortSignal) => {
        if (signal) signals.push(signal);
        return quickSleep(ms, signal);
      };
      const handler = createHookHandler(
        async () => {
          throw new Error('boom');
        },
        { ...env.options, sleep },
      );
      await handler(EVENT, ctx());
      expect(signals.length).toBeGreaterThan(0);
      expect(signals.every((s) => s.aborted)).toBe(true);
    });

    for (const [name, step, timeoutMs] of paths) {
      it(`reports Failed when ${name}`, async () => {
        const outcome = await createHookHandler(step, env.options)(EVENT, ctx(timeoutMs ?? 60_000));
        expect(outcome.status).toBe('Failed');
        expect(env.reported()).toEqual([
          { deploymentId: 'd-TEST0001', lifecycleEventHookExecutionId: 'exec-1', status: 'Failed' },
        ]);
      });
    }

    it('reports even when the injected logger throws', async () => {
      const throwing = () => {
        throw new Error('log sink down');
      };
      const logger = { debug: throwing, info: throwing, warn: throwing, error: throwing };
      const outcome = await createHookHandler(
        () => {
          throw new Error('boom');
        },
        { ...env.options, logger },
      )(EVENT, ctx());
      expect(outcome.status).toBe('Failed');
      expect(env.reported()).toHaveLength(1);
    });

    it('reports Failed when GetDeployment fails', async () => {
      env.services.fail('GetDeployment', {
        type: 'AccessDeniedException',
        message: 'AccessDenied',
        times: Number.POSITIVE_INFINITY,
      });
      const outcome = await createHookHandler(async () => undefined, env.options)(EVENT, ctx());
      expect(outcome.status).toBe('Failed');
      expect(outcome.reason).toMatch(
        /^cannot resolve the deployment context: AccessDeniedException on codedeploy:GetDeployment for deployment d-TEST0001: .*\(AWS: AccessDenied\)/,
      );
      expect(env.reported()).toHaveLength(1);
    });

    it('reports Failed when the continuation payload is malformed', async () => {
      const bad = { ...EVENT, bgReplay: { continuation: 1, startedAt: 'yesterday' } };
      const outcome = await createHookHandler(async () => undefined, env.options)(bad, ctx());
      expect(outcome.status).toBe('Failed');
      expect(outcome.reason).toMatch(/malformed hook event: bgReplay\.startedAt/);
      expect(env.reported()).toHaveLength(1);
    });

    it('reports Failed when the self-invocation for a continuation fails', async () => {
      env.services.fail('Invoke', { type: 'TooManyRequestsException', times: Number.POSITIVE_INFINITY });
      const outcome = await createHookHandler(async () => ({ status: 'continue', state: 1 }), env.options)(
        EVENT,
        ctx(),
      );
      expect(outcome).toMatchObject({ status: 'Failed' });
      expect(outcome.reason).toMatch(/cannot continue the hook/);
      expect(env.reported()).toEqual([
        { deploymentId: 'd-TEST0001', lifecycleEventHookExecutionId: 'exec-1', status: 'Failed' },
      ]);
    });
  });

  it('treats LifecycleEventAlreadyCompletedException as already reported', async () => {
    // A duplicate invocation already reported this hook execution.
    await env.codedeploy.send(
      new PutLifecycleEventHookExecutionStatusCommand({
        deploymentId: EVENT.DeploymentId,
        lifecycleEventHookExecutionId: EVENT.LifecycleEventHookExecutionId,
        status: 'Succeeded',
      }),
    );
    const outcome = await createHookHandler(async () => undefined, env.options)(EVENT, ctx());
    expect(outcome).toEqual({ status: 'Succeeded', alreadyCompleted: true, invocation: 1 });
  });

  it('resolves with reported: false when the report fails, instead of throwing into a Lambda retry', async () => {
    env.services.fail('PutLifecycleEventHookExecutionStatus', { type: CONNECTION_RESET });
    const outcome = await createHookHandler(async () => undefined, env.options)(EVENT, ctx());
    expect(outcome).toMatchObject({ status: 'Succeeded', reported: false });
    expect(env.reported()).toHaveLength(1);
  });

  it('continues in an asynchronous invocation of itself when the step returns continue', async () => {
    const now = Date.parse('2026-01-01T00:00:00.000Z');
    const handler = createHookHandler(async () => ({ status: 'continue', state: { page: 2 } }), {
      ...env.options,
      now: () => now,
    });
    const outcome = await handler(EVENT, ctx());
    expect(outcome).toEqual({ status: 'Continued', invocation: 1 });
    expect(env.reported()).toEqual([]);
    const invoke = env.standIn.invokes[0];
    expect(invoke?.functionName).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:CodeDeployHook_validate:live',
    );
    expect(invoke?.invocationType).toBe('Event');
    expect(invoke?.payload).toEqual({
      DeploymentId: 'd-TEST0001',
      LifecycleEventHookExecutionId: 'exec-1',
      bgReplay: { continuation: { page: 2 }, startedAt: '2026-01-01T00:00:00.000Z', invocation: 2 },
    });
  });

  it('hands the continuation state to the next invocation and keeps the first start time', async () => {
    let seen: unknown;
    const event = {
      ...EVENT,
      bgReplay: {
        continuation: { page: 2 },
        startedAt: new Date(Date.now() - 1000).toISOString(),
        invocation: 2,
      },
    };
    const outcome = await createHookHandler((c) => {
      seen = { continuation: c.continuation, invocation: c.invocation };
      return { status: 'Succeeded' };
    }, env.options)(event, ctx());
    expect(seen).toEqual({ continuation: { page: 2 }, invocation: 2 });
    expect(outcome).toEqual({ status: 'Succeeded', invocation: 2 });
  });

  it('continues from the last checkpoint when the Lambda deadline arrives first, and aborts the step', async () => {
    let aborted = false;
    let started!: () => void;
    const stepStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const step: HookStep<{ done: number }> = ({ checkpoint, signal }) =>
      new Promise(() => {
        checkpoint({ done: 10 });
        signal.addEventListener('abort', () => {
          aborted = true;
        });
        started();
      });
    // The deadline (virtual) arrives once the step runs, however slowly the machine reaches it.
    const sleep = (ms: number) => (ms <= 1000 ? Promise.resolve() : stepStarted);
    const outcome = await createHookHandler(step, { ...env.options, sleep })(EVENT, ctx());
    expect(outcome.status).toBe('Continued');
    expect(aborted).toBe(true);
    const payload = env.standIn.invokes[0]?.payload as { bgReplay: { continuation: unknown } };
    expect(payload.bgReplay.continuation).toEqual({ done: 10 });
  });

  it('reports Failed instead of continuing once the one-hour budget is spent', async () => {
    const startedAt = new Date(Date.now() - 56 * 60_000).toISOString();
    const outcome = await createHookHandler(async () => ({ status: 'continue', state: 1 }), env.options)(
      { ...EVENT, bgReplay: { continuation: 0, startedAt, invocation: 5 } },
      ctx(),
    );
    expect(outcome.status).toBe('Failed');
    expect(outcome.reason).toMatch(/past its budget/);
    expect(env.count('Invoke')).toBe(0);
  });

  it('reports Failed when the state is too large to carry', async () => {
    const outcome = await createHookHandler(
      async () => ({ status: 'continue', state: 'x'.repeat(300_000) }),
      env.options,
    )(EVENT, ctx());
    expect(outcome.reason).toMatch(/continuation state is \d+ bytes/);
    expect(env.reported()[0]?.status).toBe('Failed');
  });

  it('cannot report an event without ids and says so in the log', async () => {
    const outcome = await createHookHandler(async () => undefined, env.options)({ hello: 1 } as never, ctx());
    expect(outcome.status).toBe('Failed');
    expect(env.reported()).toEqual([]);
    expect(
      env.lines.some((l) => l.level === 'error' && String(l.message).includes('not a CodeDeploy hook event')),
    ).toBe(true);
  });

  it('reports nothing and invokes nothing when the step hands the report off to the state machine', async () => {
    const handedOff: HookStep = async () => ({
      status: 'handedOff',
      message: 'validation runs in arn:aws:states:us-east-1:1:execution:bg-replay:d-TEST0001',
    });
    const outcome = await createHookHandler(handedOff, env.options)(EVENT, ctx());
    expect(outcome).toEqual({
      status: 'HandedOff',
      reason: 'validation runs in arn:aws:states:us-east-1:1:execution:bg-replay:d-TEST0001',
      invocation: 1,
    });
    expect(env.reported()).toEqual([]);
    expect(env.count('Invoke')).toBe(0);
  });

  it('runs a portable step (the context of @bg-replay/core/hooks only) and reports its Failed reason', async () => {
    const portable: HookStep<{ page: number }> = ({ continuation, invocation, remainingMs }) =>
      continuation === undefined && invocation === 1 && remainingMs() > 0
        ? { status: 'Failed', reason: 'smoke test failed on the first invocation' }
        : undefined;
    const outcome = await createHookHandler(portable, env.options)(EVENT, ctx());
    expect(outcome).toEqual({
      status: 'Failed',
      reason: 'smoke test failed on the first invocation',
      invocation: 1,
    });
    expect(env.reported()).toEqual([
      { deploymentId: 'd-TEST0001', lifecycleEventHookExecutionId: 'exec-1', status: 'Failed' },
    ]);
  });
});
