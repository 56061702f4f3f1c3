import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  type AwsStandInServices,
  createStandInClient,
  createStandInDeployment,
  FAKE_CREDENTIALS,
} from '@bg-replay/aws-stand-in';
import { BgReplayError } from '@bg-replay/core';
import { fakeLambdaContext } from '@bg-replay/test-utils';
import { describe, expect, it } from 'vitest';
import {
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
import { startHookWorld, startStandIn } from './_hookWorld.js';

const EVENT = { DeploymentId: 'd-TEST00001', LifecycleEventHookExecutionId: 'exec-1' };
const T0 = Date.parse('2026-11-26T10:00:00Z');
const ROLE = "the hook function's execution role";

/** An AWS error the stand-in answers, by its name on the wire. */
interface AwsFault {
  type: string;
  message: string;
}
/** What the SDK's default credential chain throws when it finds nothing: no request leaves the client. */
const NO_CREDENTIALS = 'no-credentials';

const FAULTS = {
  throttled: { type: 'ThrottlingException', message: 'Rate exceeded' },
  expired: {
    type: 'ExpiredTokenException',
    message: 'The security token included in the request is expired',
  },
  denied: {
    type: 'AccessDeniedException',
    message:
      'User: arn:aws:sts::123456789012:assumed-role/hook-role/CodeDeployHook_validate is not authorized to perform this action',
  },
  noCredentials: NO_CREDENTIALS,
  deleted: {
    type: 'DeploymentDoesNotExistException',
    message: 'The deployment d-TEST00001 could not be found',
  },
  invalidId: { type: 'InvalidDeploymentIdException', message: 'The deployment ID is invalid' },
  missingId: { type: 'DeploymentIdRequiredException', message: 'A deployment ID must be specified' },
} satisfies Record<string, AwsFault | typeof NO_CREDENTIALS>;

/**
 * Fake credentials that run out while `fails()` says so (each failure counted), as the SDK's provider chain
 * does when it finds nothing. They carry a near expiry, so the SDK asks again for every request.
 */
function credentialsThatFail(fails: () => boolean) {
  const state = { failures: 0 };
  const provider = async () => {
    if (fails()) {
      state.failures++;
      throw Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
        tryNextLink: false,
      });
    }
    return { ...FAKE_CREDENTIALS, expiration: new Date(Date.now() + 60_000) };
  };
  return { provider, failures: () => state.failures };
}

/**
 * Makes `operation` meet `fault` on every call: an AWS error from the stand-in, or (`noCredentials`) a
 * client whose credentials run out for that call. Returns how many sends of `operation` were attempted.
 */
function inject(
  services: AwsStandInServices,
  operation: string,
  fault: AwsFault | typeof NO_CREDENTIALS,
  credentials?: ReturnType<typeof credentialsThatFail>,
): () => number {
  if (fault === NO_CREDENTIALS)
    return () => (credentials?.failures() ?? 0) + services.callsOf(operation).length;
  services.fail(operation, { ...fault, times: Number.POSITIVE_INFINITY });
  return () => services.callsOf(operation).length;
}

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

/**
 * The hook runtime against the stand-in: deployment d-TEST00001 (its AppSpec wires CodeDeployHook_validate
 * to AfterAllowTestTraffic) with hook execution exec-1 open. With `credentialsFail`, the CodeDeploy client's
 * credentials run out while it says so.
 */
async function setup(
  extra: Partial<HookHandlerOptions> = {},
  credentialsFail?: (s: AwsStandInServices) => boolean,
) {
  const time = fakeTime();
  const world = await startHookWorld({ deploymentId: EVENT.DeploymentId });
  const credentials = credentialsThatFail(() => credentialsFail?.(world.services) ?? false);
  const codedeploy = credentialsFail
    ? createStandInClient(CodeDeployClient, world.standIn.url, { credentials: credentials.provider as never })
    : world.codedeploy;
  const lines: Array<Record<string, unknown>> = [];
  const logger = createJsonLogger({ write: (l) => lines.push(JSON.parse(l)), level: 'debug' });
  const options: HookHandlerOptions = {
    clients: { codedeploy, lambda: world.lambda },
    logger,
    reserveMs: 50,
    now: time.now,
    sleep: time.sleep,
    ...extra,
  };
  const reported = () => world.reported().map((input) => input.status);
  const context = (timeoutMs = 15 * 60_000) =>
    fakeLambdaContext({
      functionName: 'CodeDeployHook_validate',
      qualifier: 'live',
      timeoutMs,
      now: time.now,
    });
  return { ...world, credentials, lines, options, reported, time, context };
}

describe('hook runtime: GetDeployment fails while resolving the deployment context', () => {
  it.each(Object.keys(FAULTS) as Array<keyof typeof FAULTS>)(
    '%s: the hook still reports Failed, and the reason names the AWS error, the call and the remedy',
    async (fault) => {
      // Without credentials, only the first call (GetDeployment) fails: the report still goes out.
      let first = true;
      const env = await setup(
        {},
        FAULTS[fault] === NO_CREDENTIALS
          ? () => {
              const fails = first;
              first = false;
              return fails;
            }
          : undefined,
      );
      const sends = inject(env.services, 'GetDeployment', FAULTS[fault], env.credentials);
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
      expect(sends()).toBe(1);
      expect(env.lines.find((l) => l.msg === 'hook failed' || l.message === 'hook failed')).toBeDefined();
    },
  );

  it('GetApplicationRevision denied: Failed, naming codedeploy:GetApplicationRevision', async () => {
    const env = await setup();
    inject(env.services, 'GetApplicationRevision', FAULTS.denied);
    const outcome = await createHookHandler(() => undefined, env.options)(EVENT, env.context());
    expect(outcome.status).toBe('Failed');
    expect(outcome.reason).toContain(
      `AccessDeniedException on codedeploy:GetApplicationRevision for the revision of application shop: grant ${ROLE} codedeploy:GetApplicationRevision`,
    );
    expect(env.reported()).toEqual(['Failed']);
  });

  it('GetApplicationRevision with expired credentials: Failed, saying to refresh them', async () => {
    const env = await setup();
    inject(env.services, 'GetApplicationRevision', FAULTS.expired);
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
    const env = await setup();
    const ssm = createStandInClient(SSMClient, env.standIn.url);
    inject(
      env.services,
      'GetParameter',
      name === 'AccessDeniedException'
        ? FAULTS.denied
        : name === 'ExpiredTokenException'
          ? FAULTS.expired
          : FAULTS.throttled,
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
    const env = await setup();
    inject(env.services, 'Invoke', FAULTS.denied);
    const outcome = await createHookHandler(continuing, env.options)(EVENT, env.context());
    expect(outcome.status).toBe('Failed');
    expect(outcome.reason).toMatch(
      new RegExp(
        `^cannot continue the hook in a new invocation: AccessDeniedException on lambda:InvokeFunction: grant ${ROLE} lambda:InvokeFunction`,
      ),
    );
    expect(env.count('Invoke')).toBe(1);
    expect(env.reported()).toEqual(['Failed']);
  });

  it('reports Failed when the Invoke is still throttled after the client retried it', async () => {
    const env = await setup();
    inject(env.services, 'Invoke', { type: 'TooManyRequestsException', message: 'Rate exceeded' });
    const outcome = await createHookHandler(continuing, env.options)(EVENT, env.context());
    expect(outcome.status).toBe('Failed');
    expect(outcome.reason).toContain('TooManyRequestsException on lambda:InvokeFunction');
    expect(env.count('Invoke')).toBe(1);
    expect(env.reported()).toEqual(['Failed']);
  });
});

describe('hook runtime: PutLifecycleEventHookExecutionStatus itself fails', () => {
  const errorLines = (lines: Array<Record<string, unknown>>) =>
    lines.filter((l) => l.level === 'error').map((l) => String(l.msg ?? l.message));

  it('throttled after the client retried: logs that it cannot report and resolves, never throws (a Lambda retry would run the step again)', async () => {
    const env = await setup();
    inject(env.services, 'PutLifecycleEventHookExecutionStatus', FAULTS.throttled);
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
    const env = await setup();
    inject(env.services, 'PutLifecycleEventHookExecutionStatus', {
      type: 'InvalidLifecycleEventHookExecutionStatusException',
      message: 'bad status',
    });
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
      // Without credentials, the report fails: the context was read before they ran out.
      const env = await setup(
        {},
        FAULTS[fault] === NO_CREDENTIALS ? (s) => s.callsOf('GetApplicationRevision').length > 0 : undefined,
      );
      const sends = inject(
        env.services,
        'PutLifecycleEventHookExecutionStatus',
        FAULTS[fault],
        env.credentials,
      );
      const outcome: HookOutcome = await createHookHandler(
        () => ({ status: 'Failed', reason: 'verdict fail' }),
        env.options,
      )(EVENT, env.context());
      expect(outcome).toMatchObject({ status: 'Failed', reason: 'verdict fail', reported: false });
      expect(sends()).toBe(1);
      const logged = errorLines(env.lines).find((m) => m.startsWith('CANNOT REPORT Failed TO CODEDEPLOY'));
      expect(logged).toContain(
        `${name} on codedeploy:PutLifecycleEventHookExecutionStatus for deployment d-TEST00001, hook execution exec-1`,
      );
      expect(logged).toContain(remedy);
      expect(env.time.sleeps).toEqual([]);
    },
  );

  it('a deleted deployment: context and report both fail, and the handler still settles', async () => {
    const env = await setup();
    env.standIn.deployments.delete(EVENT.DeploymentId);
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

  /** `fault` undefined: the log group does not exist in the account. */
  async function validateWith(fault: AwsFault | typeof NO_CREDENTIALS | undefined) {
    const env = await setup();
    const credentials = credentialsThatFail(() => true);
    const logs = createStandInClient(CloudWatchLogsClient, env.standIn.url, {
      ...(fault === NO_CREDENTIALS ? { credentials: credentials.provider as never } : {}),
    });
    if (fault) env.services.state.logGroups.set('/ecs/shop', []);
    const calls = fault
      ? inject(env.services, 'FilterLogEvents', fault, credentials)
      : () => env.count('FilterLogEvents');
    const step = createValidationHook(CONFIG, { cloudwatchLogs: logs, sleep: async () => {} });
    const outcome = await createHookHandler(step, env.options)(EVENT, env.context());
    return { outcome, calls: calls(), reported: env.reported() };
  }

  it.each([
    [
      'AccessDeniedException',
      FAULTS.denied,
      1,
      'AccessDeniedException on logs:FilterLogEvents for log group /ecs/shop: grant the IAM role or user running bg-replay logs:FilterLogEvents on log group /ecs/shop',
    ],
    [
      'ExpiredTokenException',
      FAULTS.expired,
      1,
      'ExpiredTokenException on logs:FilterLogEvents for log group /ecs/shop: the AWS credentials have expired',
    ],
    [
      'CredentialsProviderError',
      NO_CREDENTIALS,
      1,
      'CredentialsProviderError on logs:FilterLogEvents for log group /ecs/shop: no AWS credentials were found',
    ],
    [
      'ResourceNotFoundException',
      undefined,
      1,
      'ResourceNotFoundException on logs:FilterLogEvents for log group /ecs/shop: the log group does not exist',
    ],
    [
      'ThrottlingException',
      FAULTS.throttled,
      9,
      'ThrottlingException on logs:FilterLogEvents for log group /ecs/shop: still throttled after 8 retries',
    ],
  ] as const)('%s: the hook reports Failed with the reason', async (_name, fault, calls, reason) => {
    const result = await validateWith(fault);
    expect(result.outcome.status).toBe('Failed');
    expect(result.outcome.reason).toContain(`cloudwatch:///ecs/shop: FilterLogEvents failed with ${reason}`);
    expect(result.calls).toBe(calls);
    expect(result.reported).toEqual(['Failed']);
  });
});

describe('waitForDeployment faults', () => {
  /** Waits for d-WAIT00001, in progress then succeeded, after `arrange` set its faults. */
  async function waitWith(
    arrange: (services: AwsStandInServices) => (() => number) | undefined,
    maxFailedPolls?: number,
    credentialsFail = false,
  ) {
    const time = fakeTime();
    const standIn = await startStandIn();
    standIn.addDeployment(
      createStandInDeployment({
        deploymentId: 'd-WAIT00001',
        appSpecContent: 'version: 0.0',
        progress: [{ status: 'InProgress' }, { status: 'Succeeded' }],
      }),
    );
    const credentials = credentialsThatFail(() => credentialsFail);
    const codedeploy = createStandInClient(CodeDeployClient, standIn.url, {
      ...(credentialsFail ? { credentials: credentials.provider as never } : {}),
    });
    const sends =
      (credentialsFail
        ? inject(standIn.services, 'GetDeployment', NO_CREDENTIALS, credentials)
        : arrange(standIn.services)) ?? (() => standIn.services.callsOf('GetDeployment').length);
    const run = waitForDeployment({
      deploymentId: 'd-WAIT00001',
      codedeploy,
      now: time.now,
      sleep: time.sleep,
      initialDelayMs: 1000,
      ...(maxFailedPolls ? { maxFailedPolls } : {}),
    });
    return { run, sends, time };
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
      const { run, sends } = await waitWith(
        (services) =>
          FAULTS[fault] === NO_CREDENTIALS ? undefined : inject(services, 'GetDeployment', FAULTS[fault]),
        undefined,
        FAULTS[fault] === NO_CREDENTIALS,
      );
      const error = (await run.catch((e: unknown) => e)) as BgReplayError;
      expect(error).toBeInstanceOf(BgReplayError);
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain('\n');
      expect(sends()).toBe(1);
    },
  );

  it('rides out throttling and then sees the deployment succeed', async () => {
    const { run, time } = await waitWith((services) => {
      services.fail('GetDeployment', { ...FAULTS.throttled, times: 2 });
      // Succeeded from the first answer on.
      services.state.deployments.get('d-WAIT00001')?.progress?.shift();
      return undefined;
    });
    await expect(run).resolves.toMatchObject({ ok: true });
    expect(time.sleeps).toEqual([2000, 6000]);
  });

  it('gives up with E_SOURCE after maxFailedPolls throttled polls in a row: the status is unknown', async () => {
    const { run, sends } = await waitWith(
      (services) => inject(services, 'GetDeployment', FAULTS.throttled),
      4,
    );
    const error = (await run.catch((e: unknown) => e)) as BgReplayError;
    expect(sends()).toBe(4);
    expect(error.code).toBe('E_SOURCE');
    expect(error.message).toBe(
      "ThrottlingException on codedeploy:GetDeployment for deployment d-WAIT00001: AWS throttled 4 polls in a row, so the deployment's status is unknown: check it in the console, and retry later or lower the rate of other CodeDeploy calls in this account and region",
    );
  });

  it('a deployment deleted while waiting (seen InProgress, then gone) is E_INPUT', async () => {
    const { run } = await waitWith((services) => {
      // Gone after the first answer, as a deleted deployment is.
      services.fail('GetDeployment', { ...FAULTS.deleted, after: 1, times: Number.POSITIVE_INFINITY });
      return undefined;
    });
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
    ['ThrottlingException', FAULTS.throttled, 'E_SOURCE', 'AWS is still throttling the calls'],
    ['ExpiredTokenException', FAULTS.expired, 'E_CONFIG', 'the AWS credentials have expired'],
    [
      'AccessDeniedException',
      FAULTS.denied,
      'E_CONFIG',
      'grant the IAM role or user running bg-replay codedeploy:CreateDeployment on deployment group shop/shop-bg',
    ],
    ['CredentialsProviderError', NO_CREDENTIALS, 'E_CONFIG', 'no AWS credentials were found'],
    [
      'ApplicationDoesNotExistException',
      undefined,
      'E_INPUT',
      'check --application, --deployment-group, --deployment-config and --region',
    ],
    [
      'InternalFailure',
      { type: 'InternalFailure', message: 'We encountered an internal error' },
      'E_SOURCE',
      'retry later',
    ],
  ] as const)(
    '%s: a BgReplayError (%s) naming the call and the remedy, never the raw SDK error',
    async (name, fault, code, remedy) => {
      // `fault` undefined: the account has no application shop.
      const standIn = await startStandIn();
      if (fault) standIn.services.state.deploymentGroups.set('shop/shop-bg', { computePlatform: 'ECS' });
      const credentials = credentialsThatFail(() => true);
      const codedeploy = createStandInClient(CodeDeployClient, standIn.url, {
        ...(fault === NO_CREDENTIALS ? { credentials: credentials.provider as never } : {}),
      });
      const sends = fault
        ? inject(standIn.services, 'CreateDeployment', fault, credentials)
        : () => standIn.services.callsOf('CreateDeployment').length;
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
      expect(sends()).toBe(1);
    },
  );
});

describe('the real SDK against a stand-in CodeDeploy that refuses every call', () => {
  it.each([
    ['ExpiredTokenException', 'the AWS credentials have expired'],
    ['AccessDeniedException', `grant ${ROLE} codedeploy:PutLifecycleEventHookExecutionStatus`],
    ['DeploymentDoesNotExistException', 'nothing to report to'],
  ])('%s on every call: the handler settles with reported: false and says why', async (type, remedy) => {
    const env = await setup();
    for (const operation of [
      'GetDeployment',
      'GetApplicationRevision',
      'PutLifecycleEventHookExecutionStatus',
    ])
      inject(env.services, operation, { type, message: `${type} from the stand-in` });
    const outcome = await createHookHandler(() => undefined, env.options)(EVENT, env.context());
    expect(outcome).toMatchObject({ status: 'Failed', reported: false });
    expect(outcome.reason).toContain(
      `cannot resolve the deployment context: ${type} on codedeploy:GetDeployment`,
    );
    const cannot = env.lines.find((l) => String(l.msg ?? l.message).startsWith('CANNOT REPORT Failed'));
    expect(String(cannot?.msg ?? cannot?.message)).toContain(remedy);
  });
});
