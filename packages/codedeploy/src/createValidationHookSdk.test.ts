import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { BgReplayError, type Logger } from '@bg-replay/core';
import type { HookStep } from '@bg-replay/core/hooks';
import { fakeLambdaContext, startServer } from '@bg-replay/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OptionalAwsSdk } from './_loadAwsSdk.js';
import type { LambdaHookRuntime } from './createHookHandler.js';
import {
  createValidationHook,
  type ValidateFn,
  type ValidationReportLike,
  type ValidationRunOptions,
} from './createValidationHook.js';
import type { ValidationHookConfigInput } from './validationHookConfig.js';

const ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:bg-replay-validation';
const NOW = Date.parse('2026-11-30T12:00:00Z');
const ECS: ValidationHookConfigInput = {
  logGroup: '/ecs/shop',
  live: 'http://alb.internal',
  candidate: 'http://alb.internal:8080',
};

/** What Node's ESM loader throws for a package that is not installed. */
const missing = (name: string) => () =>
  Promise.reject(
    Object.assign(new Error(`Cannot find package '${name}' imported from /var/task/index.mjs`), {
      code: 'ERR_MODULE_NOT_FOUND',
    }),
  );

function recordingLogger() {
  const lines: Array<{ level: string; message: string; data?: Record<string, unknown> }> = [];
  const at =
    (level: string) =>
    (message: string, data?: Record<string, unknown>): void => {
      lines.push({ level, message, ...(data ? { data } : {}) });
    };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

/** The step's context as the Lambda runtime builds it, for an ECS or a Lambda deployment, `remainingMs` left. */
function contextOf(
  options: { platform?: 'ECS' | 'Lambda'; remainingMs?: number; logger?: Logger } = {},
): Parameters<HookStep<unknown, LambdaHookRuntime>>[0] {
  const remaining = options.remainingMs ?? 880_000;
  const lambda = options.platform === 'Lambda';
  return {
    deployment: {
      deploymentId: 'd-HANDOFF1',
      computePlatform: lambda ? 'Lambda' : 'ECS',
      lifecycleEvent: lambda ? 'BeforeAllowTraffic' : 'AfterAllowTestTraffic',
      lifecycleEvents: [lambda ? 'BeforeAllowTraffic' : 'AfterAllowTestTraffic'],
      deployment: {},
      ...(lambda ? { lambda: { Name: 'shop', Alias: 'live', CurrentVersion: '7', TargetVersion: '8' } } : {}),
    },
    continuation: undefined,
    invocation: 1,
    startedAt: new Date(NOW),
    deadline: NOW + remaining,
    remainingMs: () => remaining,
    signal: new AbortController().signal,
    checkpoint: () => {},
    logger: options.logger ?? recordingLogger().logger,
    event: { DeploymentId: 'd-HANDOFF1', LifecycleEventHookExecutionId: 'hook-exec-1' },
    lambdaContext: fakeLambdaContext({ functionName: 'CodeDeployHook_validate' }),
    clients: { codedeploy: {} as CodeDeployClient },
  };
}

function validateRecording(verdict: ValidationReportLike['verdict'] = 'pass') {
  const calls: ValidationRunOptions[] = [];
  const validate: ValidateFn = async (options) => {
    calls.push(options);
    return { verdict, reasons: [], matchRate: 1 };
  };
  return { calls, validate };
}

describe('the validation hook and its optional AWS SDK clients', () => {
  const cases: Array<[string, ValidationHookConfigInput, 'ECS' | 'Lambda', OptionalAwsSdk, string]> = [
    [
      'a CloudWatch log group',
      ECS,
      'ECS',
      'cloudwatchLogs',
      'logGroup /ecs/shop (BG_REPLAY_LOG_GROUP) needs the AWS SDK client @aws-sdk/client-cloudwatch-logs',
    ],
    [
      'a report bucket',
      { ...ECS, logGroup: undefined, logFile: 'access.log', report: { s3: { bucket: 'reports' } } },
      'ECS',
      's3',
      'report.s3.bucket reports (BG_REPLAY_REPORT_BUCKET) needs the AWS SDK client @aws-sdk/client-s3',
    ],
    [
      'a state machine',
      {
        ...ECS,
        logGroup: undefined,
        logFile: 'access.log',
        stateMachineArn: ARN,
        report: { log: true, s3: { bucket: 'reports' } },
      },
      'ECS',
      'sfn',
      `stateMachineArn ${ARN} (BG_REPLAY_STATE_MACHINE_ARN) needs the AWS SDK client @aws-sdk/client-sfn`,
    ],
    [
      "the AppSpec's two Lambda versions",
      { logFile: 'access.log' },
      'Lambda',
      'lambda',
      'comparing Lambda versions (no live/candidate base URLs, or lambda:// targets) needs the AWS SDK client @aws-sdk/client-lambda',
    ],
  ];
  for (const [what, config, platform, kind, message] of cases) {
    it(`fails before any request when ${what} needs a client that is not installed, naming the key and the npm line`, async () => {
      const { calls, validate } = validateRecording();
      const step = createValidationHook(config, {
        validate,
        importSdk: {
          [kind]: missing(`@aws-sdk/client-${kind === 'cloudwatchLogs' ? 'cloudwatch-logs' : kind}`),
        },
      });
      const error = await Promise.resolve()
        .then(() => step(contextOf({ platform })))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BgReplayError);
      expect((error as BgReplayError).code).toBe('E_CONFIG');
      expect((error as BgReplayError).message).toMatch(
        new RegExp(
          `^${message.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}, which is not installed: run \`npm i @aws-sdk/client-[a-z0-9-]+@\\^3\` beside @bg-replay/codedeploy$`,
        ),
      );
      expect(calls).toEqual([]);
    });
  }
});

describe('the validation hook hands off by its config alone', () => {
  const soak: ValidationHookConfigInput = {
    ...ECS,
    logGroup: undefined,
    logFile: 'access.log',
    // 90,000 records at 50 rps: 30 minutes, more than one invocation has.
    sample: 90_000,
    rps: 50,
    stateMachineArn: ARN,
    shards: 6,
    report: { log: true, s3: { bucket: 'reports' } },
  };

  function sfnRecording() {
    const started: Array<{ stateMachineArn?: string; name?: string; input?: string }> = [];
    const sfn = {
      send: async (command: { input: (typeof started)[number] }) => {
        started.push(command.input);
        return { executionArn: `${ARN.replace(':stateMachine:', ':execution:')}:run-1` };
      },
    } as never;
    return { started, sfn };
  }

  it('starts the state machine with the config and its shards, reports nothing itself, and logs why', async () => {
    const { calls, validate } = validateRecording();
    const { started, sfn } = sfnRecording();
    const { logger, lines } = recordingLogger();
    const result = await createValidationHook(soak, { validate, sfn })(contextOf({ logger }));

    expect(result).toEqual({
      status: 'handedOff',
      message: `validation handed off to 6 shards in state machine execution ${ARN.replace(':stateMachine:', ':execution:')}:run-1: expected 1830 s (2196 s with margin) exceeds the 880 s this invocation has left`,
    });
    expect(calls).toEqual([]);
    expect(started).toHaveLength(1);
    expect(started[0]?.stateMachineArn).toBe(ARN);
    expect(started[0]?.name).toBe('bg-replay-d-HANDOFF1-hook-exec-1');
    const input = JSON.parse(started[0]?.input ?? '{}');
    expect(input).toMatchObject({
      deploymentId: 'd-HANDOFF1',
      lifecycleEventHookExecutionId: 'hook-exec-1',
      lifecycleEvent: 'AfterAllowTestTraffic',
      shards: 6,
      // The hour is counted on the runtime's clock: its deadline less the time left.
      requestedAt: '2026-11-30T12:00:00.000Z',
    });
    expect(input.config).toMatchObject({ sample: 90_000, rps: 50, stateMachineArn: ARN, shards: 6 });
    expect(lines.map((l) => l.message)).toContain('validation handed off to Step Functions');
  });

  it('replays inline when the run fits, and says so in the log and in the report', async () => {
    const { calls, validate } = validateRecording();
    const { started, sfn } = sfnRecording();
    const { logger, lines } = recordingLogger();
    const result = await createValidationHook(
      { ...soak, sample: 400, rps: 100, report: { log: true }, stateMachineArn: undefined },
      { validate, sfn },
    )(contextOf({ logger }));
    expect(result).toEqual({ status: 'Succeeded' });
    expect(started).toEqual([]);
    expect(calls).toHaveLength(1);
    const reason = 'expected 35 s (42 s with margin) fits in the 880 s left';
    expect(lines.find((l) => l.message === 'validation runs inline')?.data).toEqual({ reason });
    expect(lines.find((l) => l.message === 'validation report')?.data?.execution).toEqual({
      mode: 'inline',
      fits: true,
      reason,
    });
  });

  it('runs a Lambda deployment that compares its two versions inline, and says the state machine cannot take it', async () => {
    const { validate } = validateRecording();
    const { started, sfn } = sfnRecording();
    const { logger, lines } = recordingLogger();
    await createValidationHook(
      {
        logFile: 'access.log',
        sample: 90_000,
        rps: 50,
        stateMachineArn: ARN,
        report: { s3: { bucket: 'r' } },
      },
      {
        validate,
        sfn,
        lambdaInvoker: async () => ({ statusCode: 200 }),
        s3: { send: async () => ({}) } as never,
      },
    )(contextOf({ platform: 'Lambda', logger }));
    expect(started).toEqual([]);
    const inline = lines.find((l) => l.message === 'validation runs inline');
    expect(inline?.level).toBe('warn');
    expect(inline?.data?.reason).toBe(
      'expected 1830 s (2196 s with margin) exceeds the 880 s this invocation has left, and the state machine (stateMachineArn) cannot take it: shards replay base URLs, and this run invokes Lambda versions: running inline anyway',
    );
  });
});

describe('lambdaEndpoint', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("invokes the AppSpec's Lambda versions through a client at lambdaEndpoint, not the runtime's", async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDLOCAL');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local-secret');
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    const lambda = await startServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-amz-executed-version', '7');
      res.end(JSON.stringify({ statusCode: 200, body: 'ok' }));
    });
    try {
      const answers: Array<{ statusCode?: number; payload?: string }> = [];
      const validate: ValidateFn = async (options) => {
        const out = await options.lambdaInvoker?.({
          functionName: 'shop',
          qualifier: '7',
          payload: new TextEncoder().encode('{"path":"/orders/1"}'),
        });
        answers.push({
          ...(out?.statusCode !== undefined ? { statusCode: out.statusCode } : {}),
          ...(out?.payload ? { payload: new TextDecoder().decode(out.payload) } : {}),
        });
        return { verdict: 'pass', reasons: [], matchRate: 1 };
      };
      const result = await createValidationHook(
        { logFile: 'access.log', lambdaEndpoint: lambda.url },
        { validate },
      )(contextOf({ platform: 'Lambda' }));
      expect(result).toEqual({ status: 'Succeeded' });
      expect(answers).toEqual([{ statusCode: 200, payload: '{"statusCode":200,"body":"ok"}' }]);
      expect(lambda.requests).toHaveLength(1);
      expect(lambda.requests[0]).toMatchObject({
        method: 'POST',
        url: '/2015-03-31/functions/shop/invocations?Qualifier=7',
        body: '{"path":"/orders/1"}',
      });
      expect(lambda.requests[0]?.headers['x-amz-invocation-type']).toBe('RequestResponse');
    } finally {
      await lambda.close();
    }
  });
});

describe('the CLI keys a hook takes for its CloudWatch read and its requests', () => {
  const config: ValidationHookConfigInput = {
    ...ECS,
    cloudwatchStrategy: 'insights',
    region: 'eu-west-1',
    endpoint: 'https://logs.eu-west-1.amazonaws.com',
    headers: ['Authorization: env:API_TOKEN'],
  };

  it('reads CloudWatch with the strategy, region and endpoint of the config, and injects env: headers', async () => {
    const { calls, validate } = validateRecording();
    const result = await createValidationHook(config, { validate, env: { API_TOKEN: 'Bearer t0k3n' } })(
      contextOf(),
    );
    expect(result).toEqual({ status: 'Succeeded' });
    expect(calls[0]?.cloudwatch).toMatchObject({
      since: '1h',
      strategy: 'insights',
      region: 'eu-west-1',
      endpoint: 'https://logs.eu-west-1.amazonaws.com',
    });
    expect(calls[0]?.headers).toEqual({ authorization: 'Bearer t0k3n' });
  });

  it('fails before any request when a header names a variable the function does not have', async () => {
    const { calls, validate } = validateRecording();
    const error = await Promise.resolve()
      .then(() => createValidationHook(config, { validate, env: {} })(contextOf()))
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      'headers Authorization: environment variable API_TOKEN is not set',
    );
    expect(calls).toEqual([]);
  });
});
