import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CodeDeployClient,
  CreateDeploymentCommand,
  GetApplicationRevisionCommand,
  GetDeploymentCommand,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { BgReplayError } from '@bg-replay/core';
import { fakeLambdaContext, sendJson, startServer, type TestServer } from '@bg-replay/test-utils';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildAppSpec,
  createDeployment,
  createHookHandler,
  createValidationHook,
  type HookHandlerOptions,
  type HookOutcome,
  type HookStep,
  type ValidationHookConfigInput,
  waitForDeployment,
} from '../src/index.js';
import { createJsonLogger } from '../src/internal.js';

const EVENT = { DeploymentId: 'd-TEST00001', LifecycleEventHookExecutionId: 'exec-1' };
const T0 = Date.parse('2026-11-26T10:00:00Z');
const ROLE = "the hook function's execution role";

/** An AWS SDK v3 service exception as the SDK throws it (name, message, `$metadata`). */
function awsError(name: string, message = name, status = 400): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}
/** What the SDK's default credential chain throws when it finds nothing. */
const noCredentials = () =>
  Object.assign(new Error('Could not load credentials from any providers'), {
    name: 'CredentialsProviderError',
    tryNextLink: false,
  });

const FAULTS = {
  throttled: () => awsError('ThrottlingException', 'Rate exceeded'),
  expired: () => awsError('ExpiredTokenException', 'The security token included in the request is expired'),
  denied: () =>
    awsError(
      'AccessDeniedException',
      'User: arn:aws:sts::123456789012:assumed-role/hook-role/CodeDeployHook_validate is not authorized to perform this action',
    ),
  noCredentials,
  deleted: () => awsError('DeploymentDoesNotExistException', 'The deployment d-TEST00001 could not be found'),
  invalidId: () => awsError('InvalidDeploymentIdException', 'The deployment ID is invalid'),
  missingId: () => awsError('DeploymentIdRequiredException', 'A deployment ID must be specified'),
};

const REMEDY = {
  throttled:
    /ThrottlingException on codedeploy:GetDeployment for deployment d-TEST00001: AWS is still throttling the calls: retry later/,
  expired:
    /ExpiredTokenException on codedeploy:GetDeployment for deployment d-TEST00001: the AWS credentials have expired: refresh them/,
  denied: new RegExp(
    `AccessDeniedException on codedeploy:GetDeployment for deployment d-TEST00001: grant ${ROLE} codedeploy:GetDeployment on deployment d-TEST00001 \\(AWS: User: arn:aws:sts::123456789012:assumed-role/hook-role`,
  ),
  noCredentials:
    /CredentialsProviderError on codedeploy:GetDeployment for deployment d-TEST00001: no AWS credentials were found/,
  deleted:
    /DeploymentDoesNotExistException on codedeploy:GetDeployment for deployment d-TEST00001: no such deployment \(deleted, or in another account or region\): check the deployment id and the region/,
  invalidId:
    /InvalidDeploymentIdException on codedeploy:GetDeployment for deployment d-TEST00001: no such deployment/,
  missingId:
    /DeploymentIdRequiredException on codedeploy:GetDeployment for deployment d-TEST00001: no such deployment/,
} satisfies Record<keyof typeof FAULTS, RegExp>;

const APPSPEC = buildAppSpec({
  platform: 'ECS',
  taskDefinition: 'arn:aws:ecs:us-east-1:1:task-definition/shop:7',
  containerName: 'web',
  containerPort: 8080,
  hooks: { AfterAllowTestTraffic: 'CodeDeployHook_validate' },
}).content;

/** A clock that sleeps by moving forward; the runtime's long deadline timer waits until it is cancelled. */
function fakeTime() {
  let t = T0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: (ms: number, signal?: AbortSignal): Promise<void> => {
      if (ms > 60_000)
        return new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve()));
      sleeps.push(ms);
      t += ms;
      return Promise.resolve();
    },
  };
}

function setup(extra: Partial<HookHandlerOptions> = {}) {
  const time = fakeTime();
  const codedeploy = new CodeDeployClient({ region: 'us-east-1' });
  const lambda = new LambdaClient({ region: 'us-east-1' });
  const cd = mockClient(codedeploy);
  const lm = mockClient(lambda);
  cd.on(GetDeploymentCommand).resolves({
    deploymentInfo: {
      deploymentId: EVENT.DeploymentId,
      applicationName: 'shop',
      deploymentGroupName: 'shop-bg',
      computePlatform: 'ECS',
      status: 'InProgress',
      revision: { revisionType: 'AppSpecContent', appSpecContent: { sha256: 'x' } },
    },
  });
  cd.on(GetApplicationRevisionCommand).resolves({
    revision: { revisionType: 'AppSpecContent', appSpecContent: { content: APPSPEC } },
  });
  cd.on(PutLifecycleEventHookExecutionStatusCommand).resolves({ lifecycleEventHookExecutionId: 'exec-1' });
  lm.on(InvokeCommand).resolves({ StatusCode: 202 });
  const lines: Array<Record<string, unknown>> = [];
  const logger = createJsonLogger({ write: (l) => lines.push(JSON.parse(l)), level: 'debug' });
  const options: HookHandlerOptions = {
    clients: { codedeploy, lambda },
    logger,
    reserveMs: 50,
    now: time.now,
    sleep: time.sleep,
    ...extra,
  };
  const reported = () =>
    cd.commandCalls(PutLifecycleEventHookExecutionStatusCommand).map((c) => c.args[0].input.status);
  const context = (timeoutMs = 15 * 60_000) =>
    fakeLambdaContext({
      functionName: 'CodeDeployHook_validate',
      qualifier: 'live',
      timeoutMs,
      now: time.now,
    });
  return { cd, lm, lines, options, reported, time, context, codedeploy, lambda };
}

describe('hook runtime: GetDeployment fails while resolving the deployment context', () => {
  it.each(Object.keys(FAULTS) as Array<keyof typeof FAULTS>)(
    '%s: the hook still reports Failed, and the reason names the AWS error, the call and the remedy',
    async (fault) => {
      const env = setup();
      env.cd.on(GetDeploymentCommand).rejects(FAULTS[fault]());
      let ran = false;
      const outcome = await createHookHandler(() => {
        ran = true;
        return undefined;
      }, env.options)(EVENT, env.context());
      expect(ran).toBe(false);
      expect(outcome.status).toBe('Failed');
      expect(outcome.reason).toMatch(/^cannot resolve the deployment context: /);
      expect(outcome.reason).toMatch(REMEDY[fault]);
      expect(env.reported()).toEqual(['Failed']);
      // One send: retries belong to the client's retry strategy (awsClientConfig), not to the hook.
      expect(env.cd.commandCalls(GetDeploymentCommand)).toHaveLength(1);
      expect(env.lines.find((l) => l.msg === 'hook failed' || l.message === 'hook failed')).toBeDefined();
    },
  );

  it('GetApplicationRevision denied: Failed, naming codedeploy:GetApplicationRevision', async () => {
    const env = setup();
    env.cd.on(GetApplicationRevisionCommand).rejects(FAULTS.denied());
    const outcome = await createHookHandler(() => undefined, env.options)(EVENT, env.context());
    expect(outcome.status).toBe('Failed');
    expect(outcome.reason).toContain(
      `AccessDeniedException on codedeploy:GetApplicationRevision for the revision of application shop: grant ${ROLE} codedeploy:GetApplicationRevision`,
    );
    expect(env.reported()).toEqual(['Failed']);
  });

  it('GetApplicationRevision with expired credentials: Failed, saying to refresh them', async () => {
    const env = setup();
    env.cd.on(GetApplicationRevisionCommand).rejects(FAULTS.expired());
    const outcome = await createHookHandler(() => undefined, env.options)(EVENT, env.context());
    expect(outcome.reason).toContain(
      'ExpiredTokenException on codedeploy:GetApplicationRevision for the revision of application shop: the AWS credentials have expired',
    );
    expect(env.reported()).toEqual(['Failed']);
  });
});

describe('hook runtime: a step that calls AWS itself', () => {
  it.each([
    [
      'ThrottlingException',
      /ThrottlingException on an AWS call: AWS is still throttling the calls: retry later/,
    ],
    ['ExpiredTokenException', /ExpiredTokenException on an AWS call: the AWS credentials have expired/],
    [
      'AccessDeniedException',
      new RegExp(
        `AccessDeniedException on an AWS call: grant ${ROLE} the permission that AWS names \\(AWS: User`,
      ),
    ],
  ])('an unhandled %s from the step reports Failed with a described reason', async (name, reason) => {
    const env = setup();
    const ssm = new SSMClient({ region: 'us-east-1' });
    mockClient(ssm)
      .on(GetParameterCommand)
      .rejects(
        name === 'AccessDeniedException'
          ? FAULTS.denied()
          : name === 'ExpiredTokenException'
            ? FAULTS.expired()
            : FAULTS.throttled(),
      );
    const step: HookStep = async () => {
      await ssm.send(new GetParameterCommand({ Name: '/shop/flag' }));
      return undefined;
    };
    const outcome = await createHookHandler(step, env.options)(EVENT, env.context());
    expect(outcome.status).toBe('Failed');
    expect(outcome.reason).toMatch(reason);
    expect(env.reported()).toEqual(['Failed']);
  });
});

describe('hook runtime: continuing in a new invocation (lambda:InvokeFunction)', () => {
  const continuing: HookStep = () => ({ status: 'continue', state: { page: 2 } });

  it('reports Failed naming lambda:InvokeFunction when the role may not invoke itself', async () => {
    const env = setup();
    env.lm.on(InvokeCommand).rejects(FAULTS.denied());
    const outcome = await createHookHandler(continuing, env.options)(EVENT, env.context());
    expect(outcome.status).toBe('Failed');
    expect(outcome.reason).toMatch(
      new RegExp(
        `^cannot continue the hook in a new invocation: AccessDeniedException on lambda:InvokeFunction: grant ${ROLE} lambda:InvokeFunction`,
      ),
    );
    expect(env.lm.commandCalls(InvokeCommand)).toHaveLength(1);
    expect(env.reported()).toEqual(['Failed']);
  });

  it('reports Failed when the Invoke is still throttled after the client retried it', async () => {
    const env = setup();
    env.lm.on(InvokeCommand).rejects(awsError('TooManyRequestsException', 'Rate exceeded', 429));
    const outcome = await createHookHandler(continuing, env.options)(EVENT, env.context());
    expect(outcome.status).toBe('Failed');
    expect(outcome.reason).toContain('TooManyRequestsException on lambda:InvokeFunction');
    expect(env.lm.commandCalls(InvokeCommand)).toHaveLength(1);
    expect(env.reported()).toEqual(['Failed']);
  });
});

describe('hook runtime: PutLifecycleEventHookExecutionStatus itself fails', () => {
  const errorLines = (lines: Array<Record<string, unknown>>) =>
    lines.filter((l) => l.level === 'error').map((l) => String(l.msg ?? l.message));

  it('throttled after the client retried: logs that it cannot report and resolves, never throws (a Lambda retry would run the step again)', async () => {
    const env = setup();
    env.cd.on(PutLifecycleEventHookExecutionStatusCommand).rejects(FAULTS.throttled());
    const outcome = await createHookHandler(() => undefined, env.options)(EVENT, env.context());
    expect(outcome).toMatchObject({ status: 'Succeeded', reported: false });
    expect(env.reported()).toHaveLength(1);
    expect(
      errorLines(env.lines).some((m) =>
        m.startsWith(
          'CANNOT REPORT Succeeded TO CODEDEPLOY: ThrottlingException on codedeploy:PutLifecycleEventHookExecutionStatus for deployment d-TEST00001, hook execution exec-1',
        ),
      ),
    ).toBe(true);
  });

  it('an unknown 4xx from the report is logged and resolved, not rethrown', async () => {
    const env = setup();
    env.cd
      .on(PutLifecycleEventHookExecutionStatusCommand)
      .rejects(awsError('InvalidLifecycleEventHookExecutionStatusException', 'bad status', 400));
    const outcome = await createHookHandler(() => undefined, env.options)(EVENT, env.context());
    expect(outcome).toMatchObject({ status: 'Succeeded', reported: false });
    expect(env.reported()).toHaveLength(1);
  });

  it.each([
    ['denied', 'AccessDeniedException', `grant ${ROLE} codedeploy:PutLifecycleEventHookExecutionStatus`],
    ['expired', 'ExpiredTokenException', 'the AWS credentials have expired'],
    ['noCredentials', 'CredentialsProviderError', 'no AWS credentials were found'],
    ['deleted', 'DeploymentDoesNotExistException', 'the deployment or hook execution no longer exists'],
  ] as const)(
    '%s: no retry can help, so it logs CANNOT REPORT once and resolves with reported: false',
    async (fault, name, remedy) => {
      const env = setup();
      env.cd.on(PutLifecycleEventHookExecutionStatusCommand).rejects(FAULTS[fault]());
      const outcome: HookOutcome = await createHookHandler(
        () => ({ status: 'Failed', reason: 'verdict fail' }),
        env.options,
      )(EVENT, env.context());
      expect(outcome).toMatchObject({ status: 'Failed', reason: 'verdict fail', reported: false });
      expect(env.reported()).toEqual(['Failed']);
      const logged = errorLines(env.lines).find((m) => m.startsWith('CANNOT REPORT Failed TO CODEDEPLOY'));
      expect(logged).toContain(
        `${name} on codedeploy:PutLifecycleEventHookExecutionStatus for deployment d-TEST00001, hook execution exec-1`,
      );
      expect(logged).toContain(remedy);
      expect(env.time.sleeps).toEqual([]);
    },
  );

  it('a deleted deployment: context and report both fail, and the handler still settles', async () => {
    const env = setup();
    env.cd.on(GetDeploymentCommand).rejects(FAULTS.deleted());
    env.cd.on(PutLifecycleEventHookExecutionStatusCommand).rejects(FAULTS.deleted());
    const outcome = await createHookHandler(() => undefined, env.options)(EVENT, env.context());
    expect(outcome).toMatchObject({ status: 'Failed', reported: false });
    expect(outcome.reason).toMatch(REMEDY.deleted);
  });
});

describe('validation hook: CloudWatch faults through core validate()', () => {
  const CONFIG: ValidationHookConfigInput = {
    logGroup: '/ecs/shop',
    since: '30m',
    live: 'http://127.0.0.1:9',
    candidate: 'http://127.0.0.1:9/next',
    allowInconclusive: false,
    report: { log: false },
  };

  async function validateWith(error: Error) {
    const env = setup();
    const logs = new CloudWatchLogsClient({ region: 'us-east-1' });
    const cw = mockClient(logs);
    cw.on(FilterLogEventsCommand).rejects(error);
    const step = createValidationHook(CONFIG, { cloudwatchLogs: logs, sleep: async () => {} });
    const outcome = await createHookHandler(step, env.options)(EVENT, env.context());
    return { outcome, calls: cw.commandCalls(FilterLogEventsCommand).length, reported: env.reported() };
  }

  it.each([
    [
      'AccessDeniedException',
      FAULTS.denied(),
      1,
      'AccessDeniedException on logs:FilterLogEvents for log group /ecs/shop: grant the IAM role or user running bg-replay logs:FilterLogEvents on log group /ecs/shop',
    ],
    [
      'ExpiredTokenException',
      FAULTS.expired(),
      1,
      'ExpiredTokenException on logs:FilterLogEvents for log group /ecs/shop: the AWS credentials have expired',
    ],
    [
      'CredentialsProviderError',
      noCredentials(),
      1,
      'CredentialsProviderError on logs:FilterLogEvents for log group /ecs/shop: no AWS credentials were found',
    ],
    [
      'ResourceNotFoundException',
      awsError('ResourceNotFoundException', 'The specified log group does not exist.'),
      1,
      'ResourceNotFoundException on logs:FilterLogEvents for log group /ecs/shop: the log group does not exist',
    ],
    [
      'ThrottlingException',
      FAULTS.throttled(),
      9,
      'ThrottlingException on logs:FilterLogEvents for log group /ecs/shop: still throttled after 8 retries',
    ],
  ])('%s: the hook reports Failed with the reason', async (_name, error, calls, reason) => {
    const result = await validateWith(error);
    expect(result.outcome.status).toBe('Failed');
    expect(result.outcome.reason).toContain(`cloudwatch:///ecs/shop: FilterLogEvents failed with ${reason}`);
    expect(result.calls).toBe(calls);
    expect(result.reported).toEqual(['Failed']);
  });
});

describe('waitForDeployment faults', () => {
  function waitWith(setupMock: (cd: AwsClientStub<CodeDeployClient>) => void, maxFailedPolls?: number) {
    const time = fakeTime();
    const codedeploy = new CodeDeployClient({ region: 'us-east-1' });
    const cd = mockClient(codedeploy);
    setupMock(cd);
    const run = waitForDeployment({
      deploymentId: 'd-WAIT00001',
      codedeploy,
      now: time.now,
      sleep: time.sleep,
      initialDelayMs: 1000,
      ...(maxFailedPolls ? { maxFailedPolls } : {}),
    });
    return { run, cd, time };
  }

  it.each([
    [
      'expired',
      'E_CONFIG',
      /^ExpiredTokenException on codedeploy:GetDeployment for deployment d-WAIT00001: the AWS credentials have expired/,
    ],
    [
      'denied',
      'E_CONFIG',
      /^AccessDeniedException on codedeploy:GetDeployment for deployment d-WAIT00001: grant the IAM role or user running bg-replay codedeploy:GetDeployment/,
    ],
    [
      'noCredentials',
      'E_CONFIG',
      /^CredentialsProviderError on codedeploy:GetDeployment for deployment d-WAIT00001: no AWS credentials were found/,
    ],
    [
      'deleted',
      'E_INPUT',
      /^deployment d-WAIT00001 was not found: DeploymentDoesNotExistException on codedeploy:GetDeployment .*check --deployment-id and --region$/,
    ],
    ['invalidId', 'E_INPUT', /^deployment d-WAIT00001 was not found: InvalidDeploymentIdException/],
    ['missingId', 'E_INPUT', /^deployment d-WAIT00001 was not found: DeploymentIdRequiredException/],
  ] as const)(
    '%s: throws %s at once with one line naming the call and the remedy',
    async (fault, code, message) => {
      const { run, cd } = waitWith((m) => m.on(GetDeploymentCommand).rejects(FAULTS[fault]()));
      const error = (await run.catch((e: unknown) => e)) as BgReplayError;
      expect(error).toBeInstanceOf(BgReplayError);
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain('\n');
      expect(cd.commandCalls(GetDeploymentCommand)).toHaveLength(1);
    },
  );

  it('rides out throttling and then sees the deployment succeed', async () => {
    const { run, time } = waitWith((m) =>
      m
        .on(GetDeploymentCommand)
        .rejectsOnce(FAULTS.throttled())
        .rejectsOnce(FAULTS.throttled())
        .resolves({ deploymentInfo: { status: 'Succeeded' } }),
    );
    await expect(run).resolves.toMatchObject({ ok: true });
    expect(time.sleeps).toEqual([2000, 6000]);
  });

  it('gives up with E_SOURCE after maxFailedPolls throttled polls in a row: the status is unknown', async () => {
    const { run, cd } = waitWith((m) => m.on(GetDeploymentCommand).rejects(FAULTS.throttled()), 4);
    const error = (await run.catch((e: unknown) => e)) as BgReplayError;
    expect(cd.commandCalls(GetDeploymentCommand)).toHaveLength(4);
    expect(error.code).toBe('E_SOURCE');
    expect(error.message).toBe(
      "ThrottlingException on codedeploy:GetDeployment for deployment d-WAIT00001: AWS throttled 4 polls in a row, so the deployment's status is unknown: check it in the console, and retry later or lower the rate of other CodeDeploy calls in this account and region",
    );
  });

  it('a deployment deleted while waiting (seen InProgress, then gone) is E_INPUT', async () => {
    const { run } = waitWith((m) =>
      m
        .on(GetDeploymentCommand)
        .resolvesOnce({ deploymentInfo: { status: 'InProgress' } })
        .rejects(FAULTS.deleted()),
    );
    await expect(run).rejects.toMatchObject({
      code: 'E_INPUT',
      message: expect.stringContaining('was not found'),
    });
  });
});

describe('createDeployment faults', () => {
  const appSpec = {
    platform: 'ECS',
    taskDefinition: 'td:1',
    containerName: 'web',
    containerPort: 80,
  } as const;
  it.each([
    ['ThrottlingException', FAULTS.throttled(), 'E_SOURCE', 'AWS is still throttling the calls'],
    ['ExpiredTokenException', FAULTS.expired(), 'E_CONFIG', 'the AWS credentials have expired'],
    [
      'AccessDeniedException',
      FAULTS.denied(),
      'E_CONFIG',
      'grant the IAM role or user running bg-replay codedeploy:CreateDeployment on deployment group shop/shop-bg',
    ],
    ['CredentialsProviderError', noCredentials(), 'E_CONFIG', 'no AWS credentials were found'],
    [
      'ApplicationDoesNotExistException',
      awsError('ApplicationDoesNotExistException', 'No application found for name: shop'),
      'E_INPUT',
      'check --application, --deployment-group, --deployment-config and --region',
    ],
    [
      'InternalFailure',
      awsError('InternalFailure', 'We encountered an internal error', 500),
      'E_SOURCE',
      'retry later',
    ],
  ] as const)(
    '%s: a BgReplayError (%s) naming the call and the remedy, never the raw SDK error',
    async (name, error, code, remedy) => {
      const codedeploy = new CodeDeployClient({ region: 'us-east-1' });
      mockClient(codedeploy).on(CreateDeploymentCommand).rejects(error);
      const thrown = (await createDeployment({
        codedeploy,
        applicationName: 'shop',
        deploymentGroupName: 'shop-bg',
        appSpec,
      }).catch((e: unknown) => e)) as BgReplayError;
      expect(thrown).toBeInstanceOf(BgReplayError);
      expect(thrown.code).toBe(code);
      const verb =
        name === 'CredentialsProviderError' || name === 'InternalFailure' ? 'failed' : 'was refused';
      expect(thrown.message).toContain(
        `CreateDeployment for shop/shop-bg ${verb}: ${name} on codedeploy:CreateDeployment for deployment group shop/shop-bg: `,
      );
      expect(thrown.message).toContain(remedy);
    },
  );
});

describe('the real SDK against a loopback CodeDeploy that refuses', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it.each([
    ['ExpiredTokenException', 'the AWS credentials have expired'],
    ['AccessDeniedException', `grant ${ROLE} codedeploy:PutLifecycleEventHookExecutionStatus`],
    ['DeploymentDoesNotExistException', 'nothing to report to'],
  ])('%s on every call: the handler settles with reported: false and says why', async (type, remedy) => {
    server = await startServer((_req, res) =>
      sendJson(
        res,
        400,
        { __type: type, message: `${type} from the stand-in` },
        { 'x-amzn-errortype': type },
      ),
    );
    const credentials = { accessKeyId: 'x', secretAccessKey: 'y' };
    const codedeploy = new CodeDeployClient({
      region: 'us-east-1',
      endpoint: server.url,
      credentials,
      maxAttempts: 1,
    });
    const lambda = new LambdaClient({
      region: 'us-east-1',
      endpoint: server.url,
      credentials,
      maxAttempts: 1,
    });
    const env = setup({ clients: { codedeploy, lambda } });
    const outcome = await createHookHandler(() => undefined, env.options)(EVENT, env.context());
    expect(outcome).toMatchObject({ status: 'Failed', reported: false });
    expect(outcome.reason).toContain(
      `cannot resolve the deployment context: ${type} on codedeploy:GetDeployment`,
    );
    const cannot = env.lines.find((l) => String(l.msg ?? l.message).startsWith('CANNOT REPORT Failed'));
    expect(String(cannot?.msg ?? cannot?.message)).toContain(remedy);
    codedeploy.destroy();
    lambda.destroy();
  });
});
