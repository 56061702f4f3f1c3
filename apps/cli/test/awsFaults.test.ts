/**
 * AWS faults at the command line: `wait`, `deploy`, `plan` and `replay --logs cloudwatch://` exit 2 with ONE
 * line naming the AWS error, the IAM action, the resource and the remedy, never a stack trace. The AWS side
 * is a loopback stand-in answering each operation (by `x-amz-target`) with the fault under test, through the
 * real SDK. `simulate` then checks that every preset hook still reports when one of its calls is refused.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ValidateFn } from '@bg-replay/codedeploy';
import { type AwsStandInServices, createAwsStandInServices, createVirtualClock } from '@bg-replay/simulator';
import { stubNoCredentials, type TestServer } from '@bg-replay/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type AwsFault,
  expectOneLineError,
  AWS_FAULTS as F,
  simulateKeeping,
  startAwsStandIn as standIn,
} from './_awsFaults.js';
import { runBgReplay as cli } from './_runCommand.js';

const bin = fileURLToPath(new URL('../bin/bg-replay.js', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/stacks/${name}`, import.meta.url));

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.unstubAllEnvs();
});

const ID = 'd-AAAAAAAA1';
const waitArgs = (s: TestServer, ...extra: string[]) => [
  'wait',
  '--deployment-id',
  ID,
  '--endpoint',
  s.url,
  '--region',
  'us-east-1',
  '--poll-interval',
  '5ms',
  ...extra,
];

describe('bg-replay wait', () => {
  it.each([
    [
      'expired',
      /^bg-replay: ExpiredTokenException on codedeploy:GetDeployment for deployment d-AAAAAAAA1: the AWS credentials have expired: refresh them/,
    ],
    [
      'denied',
      /^bg-replay: AccessDeniedException on codedeploy:GetDeployment for deployment d-AAAAAAAA1: grant the IAM role or user running bg-replay codedeploy:GetDeployment on deployment d-AAAAAAAA1 \(AWS: User: arn:aws:sts::123456789012:assumed-role\/ci\/build/,
    ],
    [
      'deleted',
      /^bg-replay: deployment d-AAAAAAAA1 was not found: DeploymentDoesNotExistException on codedeploy:GetDeployment for deployment d-AAAAAAAA1: it was deleted, or is in another account or region: check --deployment-id and --region$/,
    ],
    [
      'invalidId',
      /^bg-replay: deployment d-AAAAAAAA1 was not found: InvalidDeploymentIdException on codedeploy:GetDeployment/,
    ],
    [
      'missingId',
      /^bg-replay: deployment d-AAAAAAAA1 was not found: DeploymentIdRequiredException on codedeploy:GetDeployment/,
    ],
  ] as const)('%s: exits 2 with one line, after one request', async (fault, pattern) => {
    server = await standIn(() => F[fault]);
    const r = await cli(waitArgs(server));
    expectOneLineError(r, pattern);
    expect(server.requests).toHaveLength(1);
  });

  it('throttled until the timeout: exits 2 saying the status is unknown (not 1: nothing says the deployment failed)', async () => {
    server = await standIn(() => F.throttled);
    // One SDK attempt per poll (no SDK back-off), on a virtual clock: the back-off doubles from 5 ms, then
    // grows ×1.5 (10, 30, 90, 270, 810 ms), and the next delay (2430 ms) is cut at the 2 s deadline: 7 polls.
    const clock = createVirtualClock(0);
    const r = await cli(waitArgs(server, '--timeout', '2s'), { env: { AWS_MAX_ATTEMPTS: '1' }, clock });
    expectOneLineError(
      r,
      /^bg-replay: ThrottlingException on codedeploy:GetDeployment for deployment d-AAAAAAAA1: AWS throttled 7 polls in a row, so the deployment's status is unknown: check it in the console, and retry later/,
    );
    expect(r.stderr).toContain('ThrottlingException: Rate exceeded; retrying');
    expect(server.requests).toHaveLength(7);
    expect(clock.now()).toBe(2000);
  });

  it('no credentials at all: exits 2 with CredentialsProviderError and what to set, before any request', async () => {
    stubNoCredentials(vi.stubEnv);
    server = await standIn(() => ({ deploymentInfo: { status: 'Succeeded' } }));
    // A profile in the environment means "use it", not the loopback's fake keys.
    const r = await cli(waitArgs(server), { env: { AWS_PROFILE: 'bg-replay-test-no-such-profile' } });
    expectOneLineError(
      r,
      /^bg-replay: CredentialsProviderError on codedeploy:GetDeployment for deployment d-AAAAAAAA1: no AWS credentials were found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with an IAM role$/,
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('bg-replay deploy', () => {
  const deployArgs = (s: TestServer, ...extra: string[]) => [
    'deploy',
    '--application',
    'shop',
    '--deployment-group',
    'shop-bg',
    '--function-name',
    'shop',
    '--alias',
    'live',
    '--current-version',
    '3',
    '--target-version',
    '4',
    '--endpoint',
    s.url,
    '--region',
    'us-east-1',
    ...extra,
  ];

  it.each([
    [
      'denied',
      /^bg-replay: CreateDeployment for shop\/shop-bg was refused: AccessDeniedException on codedeploy:CreateDeployment for deployment group shop\/shop-bg: grant the IAM role or user running bg-replay codedeploy:CreateDeployment on deployment group shop\/shop-bg \(AWS: /,
    ],
    [
      'expired',
      /^bg-replay: CreateDeployment for shop\/shop-bg was refused: ExpiredTokenException on codedeploy:CreateDeployment .*: the AWS credentials have expired/,
    ],
    [
      'noGroup',
      /^bg-replay: CreateDeployment for shop\/shop-bg was refused: DeploymentGroupDoesNotExistException on codedeploy:CreateDeployment for deployment group shop\/shop-bg: .*check --application, --deployment-group, --deployment-config and --region$/,
    ],
  ] as const)('CreateDeployment %s: exits 2 with one line', async (fault, pattern) => {
    server = await standIn(() => F[fault]);
    expectOneLineError(await cli(deployArgs(server)), pattern);
  });

  it('CreateDeployment throttled past the SDK retries: exits 2 with a clear message (nothing was started)', async () => {
    server = await standIn(() => F.throttled);
    // The SDK's own retries, kept short for the test (the CLI hands AWS_MAX_ATTEMPTS to the client policy).
    const r = await cli(deployArgs(server), { env: { AWS_MAX_ATTEMPTS: '2' } });
    expectOneLineError(
      r,
      /^bg-replay: CreateDeployment for shop\/shop-bg was refused: ThrottlingException on codedeploy:CreateDeployment for deployment group shop\/shop-bg: AWS is still throttling the calls after 2 attempts: retry later, make fewer concurrent calls, or request a higher codedeploy quota$/,
    );
    expect(server.requests).toHaveLength(2);
  });

  it('no credentials at all: exits 2 with CredentialsProviderError, before any request', async () => {
    stubNoCredentials(vi.stubEnv);
    server = await standIn(() => ({ deploymentId: 'd-NEW000001' }));
    const r = await cli(deployArgs(server), { env: { AWS_PROFILE: 'bg-replay-test-no-such-profile' } });
    expectOneLineError(
      r,
      /^bg-replay: CreateDeployment for shop\/shop-bg failed: CredentialsProviderError on codedeploy:CreateDeployment for deployment group shop\/shop-bg: no AWS credentials were found/,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('--wait on a deployment deleted after it was created: prints the id, then exits 2 with one line', async () => {
    server = await standIn((operation) =>
      operation === 'CreateDeployment' ? { deploymentId: 'd-NEW000001' } : F.deleted,
    );
    const r = await cli(deployArgs(server, '--wait', '--poll-interval', '5ms'));
    expect(r.stdout).toBe('d-NEW000001\n');
    expectOneLineError(
      r,
      /^bg-replay: deployment d-NEW000001 was not found: DeploymentDoesNotExistException/,
    );
  });
});

describe('bg-replay plan (reads the active stack from SSM)', () => {
  const planArgs = (s: TestServer) => [
    'plan',
    '--config',
    fixture('orders-ecs.yaml'),
    '--hook',
    'AfterAllowTraffic',
    '--endpoint',
    s.url,
    '--region',
    'us-east-1',
  ];
  const keys = { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret' };

  it.each([
    [
      'denied',
      /^bg-replay: cannot read the active stack from SSM \(us-east-1 at http:\/\/127\.0\.0\.1:\d+\): AccessDeniedException on ssm:GetParameter for parameter \/shop\/orders\/active-stack: grant the IAM role or user running bg-replay ssm:GetParameter on parameter \/shop\/orders\/active-stack \(AWS: .*\); or name the live stack with --active a\|b$/,
    ],
    [
      'expired',
      /^bg-replay: cannot read the active stack from SSM .*: ExpiredTokenException on ssm:GetParameter for parameter \/shop\/orders\/active-stack: the AWS credentials have expired: .*; or name the live stack with --active a\|b$/,
    ],
  ] as const)('GetParameter %s: exits 2 with one line', async (fault, pattern) => {
    server = await standIn(() => F[fault]);
    expectOneLineError(await cli(planArgs(server), { env: keys }), pattern);
  });

  it('GetParameter throttled past the SDK retries: exits 2 with a clear message', async () => {
    server = await standIn(() => F.throttled);
    expectOneLineError(
      await cli(planArgs(server), { env: { ...keys, AWS_MAX_ATTEMPTS: '1' } }),
      /^bg-replay: cannot read the active stack from SSM .*: ThrottlingException on ssm:GetParameter for parameter \/shop\/orders\/active-stack: AWS is still throttling the calls: retry later.*; or name the live stack with --active a\|b$/,
    );
  });

  it('a parameter that does not exist: exits 2 saying to create it', async () => {
    server = await standIn(() => ({ type: 'ParameterNotFound', message: '' }));
    expectOneLineError(
      await cli(planArgs(server), { env: keys }),
      /^bg-replay: the active-stack parameter \/shop\/orders\/active-stack does not exist: create it with the value "a" or "b"/,
    );
  });

  it('no credentials at all: exits 2 with CredentialsProviderError and what to set', async () => {
    stubNoCredentials(vi.stubEnv);
    server = await standIn(() => ({ Parameter: { Value: 'a' } }));
    expectOneLineError(
      await cli(planArgs(server)),
      /^bg-replay: cannot read the active stack from SSM .*: CredentialsProviderError on ssm:GetParameter for parameter \/shop\/orders\/active-stack: no AWS credentials were found: .*; or name the live stack with --active a\|b$/,
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('bg-replay replay --logs cloudwatch:// (the built bin)', { timeout: 120_000 }, () => {
  function runBin(
    args: string[],
    env: Record<string, string>,
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [bin, ...args],
        {
          // Generous (a plain node that loads the SDK on a busy machine), under the test's timeout.
          timeout: 90_000,
          env: { PATH: process.env.PATH ?? '', AWS_EC2_METADATA_DISABLED: 'true', ...env },
        },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  }
  const replayArgs = (s: TestServer) => [
    'replay',
    '--logs',
    'cloudwatch:///aws/apigateway/shop',
    '--since',
    '5m',
    '--cloudwatch-strategy',
    'filter',
    '--endpoint',
    s.url,
    '--region',
    'us-east-1',
    '--live',
    'http://127.0.0.1:9',
    '--candidate',
    'http://127.0.0.1:9',
  ];
  const keys = { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret' };

  it.each([
    [
      'denied',
      /^bg-replay: cloudwatch:\/\/\/aws\/apigateway\/shop \(us-east-1\): FilterLogEvents failed with AccessDeniedException on logs:FilterLogEvents for log group \/aws\/apigateway\/shop: grant the IAM role or user running bg-replay logs:FilterLogEvents on log group \/aws\/apigateway\/shop \(AWS: /,
    ],
    [
      'expired',
      /^bg-replay: cloudwatch:\/\/\/aws\/apigateway\/shop \(us-east-1\): FilterLogEvents failed with ExpiredTokenException on logs:FilterLogEvents for log group \/aws\/apigateway\/shop: the AWS credentials have expired/,
    ],
    [
      'missingGroup',
      /^bg-replay: cloudwatch:\/\/\/aws\/apigateway\/shop \(us-east-1\): FilterLogEvents failed with ResourceNotFoundException on logs:FilterLogEvents for log group \/aws\/apigateway\/shop: the log group does not exist \(deleted, or in another account or region\): check the log group name and --region$/,
    ],
  ] as const)('FilterLogEvents %s: exits 2 with one line', async (fault, pattern) => {
    server = await standIn(() => F[fault]);
    const r = await runBin(replayArgs(server), keys);
    expectOneLineError(r, pattern);
  });

  it('no credentials at all: exits 2 with CredentialsProviderError, before any request', async () => {
    server = await standIn(() => ({ events: [] }));
    const r = await runBin(replayArgs(server), {
      AWS_PROFILE: 'bg-replay-test-no-such-profile',
      AWS_CONFIG_FILE: '/nonexistent/bg-replay/config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/bg-replay/credentials',
    });
    expectOneLineError(
      r,
      /^bg-replay: cloudwatch:\/\/\/aws\/apigateway\/shop \(us-east-1\): FilterLogEvents failed with CredentialsProviderError on logs:FilterLogEvents for log group \/aws\/apigateway\/shop: no AWS credentials were found/,
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('bg-replay simulate: every preset hook still reports when AWS refuses one of its calls', () => {
  const targets = async () => ({
    live: 'http://127.0.0.1:1',
    candidate: 'http://127.0.0.1:2',
    logFile: '/tmp/demo.log',
    close: async () => {},
  });
  const pass: ValidateFn = async () => ({ verdict: 'pass', reasons: [], matchRate: 1 });

  /** The in-memory AWS of the demo, refusing every call of `operation` with `fault`. */
  function refusing(operation: string, fault: AwsFault): () => AwsStandInServices {
    return () => {
      const services = createAwsStandInServices();
      const handle = services.handle.bind(services);
      services.handle = (request) =>
        request.target.endsWith(`.${operation}`)
          ? {
              status: 400,
              body: { __type: fault.type, message: fault.message },
              errorType: fault.type,
              contentType: 'application/x-amz-json-1.1',
            }
          : handle(request);
      return services;
    };
  }

  it.each([
    [
      'BeforeInstall',
      'DescribeScalableTargets',
      F.denied,
      "AccessDeniedException on application-autoscaling:DescribeScalableTargets for table/shop-orders-b: grant the hook's execution role application-autoscaling:DescribeScalableTargets",
    ],
    [
      'AfterInstall',
      'EnableRule',
      F.expired,
      'ExpiredTokenException on events:EnableRule for shop-nightly-reconcile-b: the AWS credentials have expired',
    ],
    [
      // The purge runs before b is reused (nothing has shifted yet): failing there is safe.
      'BeforeInstall',
      'PurgeQueue',
      F.denied,
      "AccessDeniedException on sqs:PurgeQueue for https://sqs.us-east-1.amazonaws.com/000000000000/shop-ingest-b: grant the hook's execution role sqs:PurgeQueue",
    ],
  ] as const)(
    '%s: %s refused → the hook reports Failed with the reason, the deployment fails',
    async (event, operation, fault, reason) => {
      const { result, ...r } = await simulateKeeping({
        targets,
        validate: pass,
        services: refusing(operation, fault),
      });
      expect(result.status).toBe('Failed');
      expect(result.failedEvent).toBe(event);
      const failed = result.reports.find((report) => report.event === event);
      expect(failed).toMatchObject({ status: 'Failed', accepted: true });
      const ends = result.timeline.filter((e) => e.kind === 'event-end');
      expect(ends.every((e) => e.kind === 'event-end' && e.how !== 'timeout')).toBe(true);
      expect(r.stdout).toContain(`${event} hook: `);
      expect(r.stdout).toContain(reason);
    },
  );
});
