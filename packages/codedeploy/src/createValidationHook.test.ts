import { S3Client } from '@aws-sdk/client-s3';
import { createStandInClient } from '@bg-replay/aws-stand-in';
import { silentLogger } from '@bg-replay/core/internal';
import { fakeLambdaContext } from '@bg-replay/test-utils';
import { describe, expect, it } from 'vitest';
import { startHookWorld } from '../test/_hookWorld.js';
import { buildAppSpec } from './appSpec.js';
import { createHookHandler } from './createHookHandler.js';
import {
  createValidationHook,
  type ValidateFn,
  type ValidationReportLike,
  type ValidationRunOptions,
} from './createValidationHook.js';
import { loadValidationHookConfig, type ValidationHookConfigInput } from './validationHookConfig.js';

const CONFIG: ValidationHookConfigInput = {
  logGroup: '/ecs/shop',
  since: '30m',
  live: 'http://alb.internal',
  candidate: 'http://alb.internal:8080',
  allowInconclusive: false,
  report: { log: true },
};

const report = (verdict: ValidationReportLike['verdict']): ValidationReportLike => ({
  verdict,
  reasons:
    verdict === 'pass'
      ? []
      : [{ code: 'match-rate', message: 'GET /orders/:id matched 80% (< 99%)', route: 'GET /orders/:id' }],
  matchRate: verdict === 'pass' ? 1 : 0.8,
  routes: [],
});

const EVENT = { DeploymentId: 'd-1', LifecycleEventHookExecutionId: 'e-1' };

/** The validation hook, wired to `event` in the AppSpec, run by the hook runtime against the stand-in. */
function run(
  config: Parameters<typeof createValidationHook>[0],
  verdict: ValidationReportLike['verdict'],
  withS3 = false,
  event:
    | 'AfterAllowTestTraffic'
    | 'BeforeInstall'
    | 'AfterInstall'
    | 'AfterAllowTraffic' = 'AfterAllowTestTraffic',
) {
  const calls: ValidationRunOptions[] = [];
  const validate: ValidateFn = async (options) => {
    calls.push(options);
    return report(verdict);
  };
  return {
    calls,
    status: async () => {
      const world = await startHookWorld({ deploymentId: 'd-1', executionId: 'e-1', event });
      world.services.state.buckets.add('reports');
      const s3 = withS3 ? { s3: createStandInClient(S3Client, world.standIn.url) } : {};
      const handler = createHookHandler(createValidationHook(config, { validate, ...s3 }), {
        clients: { codedeploy: world.codedeploy, lambda: world.lambda },
        logger: silentLogger,
        reserveMs: 10,
      });
      const outcome = await handler(EVENT, fakeLambdaContext({ functionName: 'CodeDeployHook_validate' }));
      return { outcome, reported: world.reported().map((input) => input.status), world };
    },
  };
}

describe('createValidationHook', () => {
  it('runs validate with a CloudWatch source against live and the test endpoint and reports Succeeded on pass', async () => {
    const h = run(CONFIG, 'pass');
    expect((await h.status()).reported).toEqual(['Succeeded']);
    expect(h.calls[0]).toMatchObject({
      logs: [{ kind: 'cloudwatch', logGroup: '/ecs/shop' }],
      cloudwatch: { since: '30m' },
      live: 'http://alb.internal',
      candidate: 'http://alb.internal:8080',
    });
    expect(h.calls[0]?.signal).toBeInstanceOf(AbortSignal);
  });

  it('reads the last hour of CloudWatch logs when the config gives no window', async () => {
    const { since: _since, ...noWindow } = CONFIG;
    const h = run(noWindow, 'pass');
    await h.status();
    expect(h.calls[0]?.cloudwatch).toMatchObject({ since: '1h' });
  });

  it('reports Failed on a failing verdict with the first reason', async () => {
    const { outcome, reported } = await run(CONFIG, 'fail').status();
    expect(reported).toEqual(['Failed']);
    expect(outcome.reason).toBe('verdict fail: GET /orders/:id matched 80% (< 99%)');
  });

  it('fails closed on inconclusive unless allowInconclusive', async () => {
    expect((await run(CONFIG, 'inconclusive').status()).reported).toEqual(['Failed']);
    expect((await run({ ...CONFIG, allowInconclusive: true }, 'inconclusive').status()).reported).toEqual([
      'Succeeded',
    ]);
  });

  it('writes the report to S3 under the deployment id and lifecycle event', async () => {
    const { world } = await run(
      { ...CONFIG, report: { log: false, s3: { bucket: 'reports', prefix: 'runs/' } } },
      'pass',
      true,
    ).status();
    expect(world.services.callsOf('PutObject').map((c) => c.input)).toEqual([
      { Bucket: 'reports', Key: 'runs/d-1/AfterAllowTestTraffic.json' },
    ]);
    const stored = world.services.state.objects.get('reports/runs/d-1/AfterAllowTestTraffic.json');
    expect(stored?.contentType).toBe('application/json');
    expect(JSON.parse(String(stored?.body)).verdict).toBe('pass');
  });

  it('reports Failed with the configuration message when the config loaded at cold start is invalid', async () => {
    const config = loadValidationHookConfig({
      env: { BG_REPLAY_LOG_GROUP: '/x', BG_REPLAY_LIVE: 'http://a' },
    });
    config.catch(() => {});
    const h = run(config, 'pass');
    const { outcome, reported } = await h.status();
    expect(reported).toEqual(['Failed']);
    expect(outcome.reason).toMatch(/bg-replay hook configuration is invalid .*candidate/);
    expect(h.calls).toHaveLength(0);
  });

  it.each(['BeforeInstall', 'AfterInstall', 'AfterAllowTraffic'] as const)(
    'reports Failed before any request when wired to %s, naming the event and the right one',
    async (event) => {
      const h = run(CONFIG, 'pass', false, event);
      const { outcome, reported } = await h.status();
      expect(reported).toEqual(['Failed']);
      expect(outcome.reason).toMatch(
        new RegExp(
          `^the validation hook runs in ${event}, where .* same version and a replay would pass blindly: wire it to AfterAllowTestTraffic in the AppSpec$`,
        ),
      );
      expect(h.calls).toHaveLength(0);
    },
  );

  it('passes the hook a read budget from its remaining time and stops the replay before the deadline, judging what it compared', async () => {
    const world = await startHookWorld({ deploymentId: 'd-1', executionId: 'e-1' });
    const seen: ValidationRunOptions[] = [];
    const timers: number[] = [];
    const validate: ValidateFn = async (options) => {
      seen.push(options);
      // A long replay, cut by the abort; the timer below fires at once.
      const signal = options.signal as AbortSignal;
      if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve));
      return {
        verdict: 'inconclusive',
        reasons: [{ code: 'aborted', message: 'the run was interrupted after 40 of 400 records' }],
        matchRate: 1,
      };
    };
    const handler = createHookHandler(
      createValidationHook(CONFIG, {
        validate,
        timer: async (ms) => {
          timers.push(ms);
        },
      }),
      {
        clients: { codedeploy: world.codedeploy, lambda: world.lambda },
        logger: silentLogger,
        reserveMs: 10_000,
        now: () => T,
      },
    );
    const T = Date.parse('2026-11-30T12:00:00Z');
    const outcome = await handler(
      { DeploymentId: 'd-1', LifecycleEventHookExecutionId: 'e-1' },
      fakeLambdaContext({ functionName: 'CodeDeployHook_validate', timeoutMs: 910_000, now: () => T }),
    );
    expect(outcome.status).toBe('Failed');
    expect(outcome.reason).toBe(
      "verdict inconclusive: the run was interrupted after 40 of 400 records; the replay stopped 30 s before the hook's deadline; the verdict is judged on what was compared",
    );
    // 900 s left after the runtime's reserve: 30% for the read, the replay until 30 s before the end.
    expect(seen[0]?.cloudwatch?.budgetMs).toBe(270_000);
    expect(timers).toEqual([870_000]);
  });
});

describe('createValidationHook in a Lambda deployment', () => {
  const APPSPEC = buildAppSpec({
    platform: 'Lambda',
    functionName: 'shop-api',
    alias: 'live',
    currentVersion: '7',
    targetVersion: '8',
    hooks: { BeforeAllowTraffic: 'CodeDeployHook_validate' },
  }).content;

  function runLambda(config: ValidationHookConfigInput, answer: ValidationReportLike) {
    const calls: ValidationRunOptions[] = [];
    return {
      calls,
      run: async () => {
        const world = await startHookWorld({
          deploymentId: 'd-1',
          executionId: 'e-1',
          event: 'BeforeAllowTraffic',
          deployment: { computePlatform: 'Lambda', appSpecContent: APPSPEC },
        });
        const handler = createHookHandler(
          createValidationHook(config, {
            validate: async (options) => {
              calls.push(options);
              return structuredClone(answer);
            },
          }),
          {
            clients: { codedeploy: world.codedeploy, lambda: world.lambda },
            logger: silentLogger,
            reserveMs: 10,
          },
        );
        return handler(EVENT, fakeLambdaContext({ functionName: 'CodeDeployHook_validate' }));
      },
    };
  }

  it("compares the AppSpec's CurrentVersion with its TargetVersion by invoking them, no next stage needed", async () => {
    const h = runLambda({ logGroup: '/aws/apigw/shop', lambdaPayload: '2.0' }, report('pass'));
    expect((await h.run()).status).toBe('Succeeded');
    expect(h.calls[0]).toMatchObject({
      live: 'lambda://shop-api:7?payload=2.0',
      candidate: 'lambda://shop-api:8?payload=2.0',
    });
    expect(typeof h.calls[0]?.lambdaInvoker).toBe('function');
  });

  it('refuses, before any request, a candidate endpoint that is the live base URL', async () => {
    const h = runLambda(
      {
        logGroup: '/aws/apigw/shop',
        live: 'https://api.example.com/prod',
        candidate: 'https://api.example.com/prod/',
      },
      report('pass'),
    );
    const outcome = await h.run();
    expect(outcome.status).toBe('Failed');
    expect(outcome.reason).toMatch(/^candidate https:\/\/api\.example\.com\/prod\/ is the live base URL/);
    expect(h.calls).toHaveLength(0);
  });

  it('fails a passing run whose two endpoints answered as one version while the AppSpec names two', async () => {
    const h = runLambda(
      {
        logGroup: '/aws/apigw/shop',
        live: 'https://api.example.com/prod',
        candidate: 'https://api.example.com/next',
      },
      { ...report('pass'), versions: { live: { version: '1.4.0' }, candidate: { version: '1.4.0' } } },
    );
    const outcome = await h.run();
    expect(outcome.status).toBe('Failed');
    expect(outcome.reason).toBe(
      'verdict fail: both endpoints answered as version 1.4.0 while the AppSpec shifts shop-api from 7 to 8: the candidate endpoint still reaches the live version',
    );
  });
});
