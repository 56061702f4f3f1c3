import {
  CodeDeployClient,
  GetDeploymentCommand,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { silentLogger } from '@bg-replay/core/internal';
import { fakeLambdaContext } from '@bg-replay/test-utils';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
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

function run(
  config: Parameters<typeof createValidationHook>[0],
  verdict: ValidationReportLike['verdict'],
  s3?: S3Client,
  event:
    | 'AfterAllowTestTraffic'
    | 'BeforeInstall'
    | 'AfterInstall'
    | 'AfterAllowTraffic' = 'AfterAllowTestTraffic',
) {
  const codedeploy = new CodeDeployClient({ region: 'us-east-1' });
  const cd = mockClient(codedeploy);
  cd.on(GetDeploymentCommand).resolves({
    deploymentInfo: {
      applicationName: 'shop',
      computePlatform: 'ECS',
      revision: {
        revisionType: 'AppSpecContent',
        appSpecContent: {
          content: buildAppSpec({
            platform: 'ECS',
            taskDefinition: 't',
            containerName: 'c',
            containerPort: 80,
            hooks: { [event]: 'CodeDeployHook_validate' },
          }).content,
        },
      },
    },
  });
  cd.on(PutLifecycleEventHookExecutionStatusCommand).resolves({});
  const calls: ValidationRunOptions[] = [];
  const validate: ValidateFn = async (options) => {
    calls.push(options);
    return report(verdict);
  };
  const handler = createHookHandler(createValidationHook(config, { validate, ...(s3 ? { s3 } : {}) }), {
    clients: { codedeploy, lambda: new LambdaClient({ region: 'us-east-1' }) },
    logger: silentLogger,
    reserveMs: 10,
  });
  return {
    calls,
    status: async () => {
      const outcome = await handler(
        { DeploymentId: 'd-1', LifecycleEventHookExecutionId: 'e-1' },
        fakeLambdaContext({ functionName: 'CodeDeployHook_validate' }),
      );
      const put = cd.commandCalls(PutLifecycleEventHookExecutionStatusCommand);
      return { outcome, reported: put.map((c) => c.args[0].input.status) };
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
    const s3 = new S3Client({ region: 'us-east-1' });
    const mock = mockClient(s3);
    mock.on(PutObjectCommand).resolves({});
    await run(
      { ...CONFIG, report: { log: false, s3: { bucket: 'reports', prefix: 'runs/' } } },
      'pass',
      s3,
    ).status();
    const input = mock.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      Bucket: 'reports',
      Key: 'runs/d-1/AfterAllowTestTraffic.json',
      ContentType: 'application/json',
    });
    expect(JSON.parse(String(input?.Body)).verdict).toBe('pass');
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
      const h = run(CONFIG, 'pass', undefined, event);
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
    const codedeploy = new CodeDeployClient({ region: 'us-east-1' });
    const cd = mockClient(codedeploy);
    cd.on(GetDeploymentCommand).resolves({ deploymentInfo: { computePlatform: 'ECS' } });
    cd.on(PutLifecycleEventHookExecutionStatusCommand).resolves({});
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
        clients: { codedeploy, lambda: new LambdaClient({ region: 'us-east-1' }) },
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
    const codedeploy = new CodeDeployClient({ region: 'us-east-1' });
    const cd = mockClient(codedeploy);
    cd.on(GetDeploymentCommand).resolves({
      deploymentInfo: {
        computePlatform: 'Lambda',
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content: APPSPEC } },
      },
    });
    cd.on(PutLifecycleEventHookExecutionStatusCommand).resolves({});
    const calls: ValidationRunOptions[] = [];
    const handler = createHookHandler(
      createValidationHook(config, {
        validate: async (options) => {
          calls.push(options);
          return structuredClone(answer);
        },
      }),
      {
        clients: { codedeploy, lambda: new LambdaClient({ region: 'us-east-1' }) },
        logger: silentLogger,
        reserveMs: 10,
      },
    );
    return {
      calls,
      run: () =>
        handler(
          { DeploymentId: 'd-1', LifecycleEventHookExecutionId: 'e-1' },
          fakeLambdaContext({ functionName: 'CodeDeployHook_validate' }),
        ),
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
