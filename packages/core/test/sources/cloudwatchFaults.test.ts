import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { startServer, stubNoCredentials, type TestServer } from '@bg-replay/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { awsErrorCode, classifyAwsError, describeAwsError, withAwsCallNames } from '../../src/awsErrors.js';
import { BgReplayError } from '../../src/errors.js';
import { readCloudWatch } from '../../src/sources/cloudwatch/readCloudWatch.js';

const GROUP = '/aws/apigateway/shop-prod';
const NOW = Date.parse('2026-11-26T12:00:00Z');

type Operation = 'FilterLogEvents' | 'StartQuery' | 'GetQueryResults';
type Fault = { status: number; type: string; message: string };

const FAULTS = {
  throttled: { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' },
  limit: { status: 400, type: 'LimitExceededException', message: 'Too many concurrent queries' },
  expired: {
    status: 400,
    type: 'ExpiredTokenException',
    message: 'The security token included in the request is expired',
  },
  denied: {
    status: 400,
    type: 'AccessDeniedException',
    message: `User: arn:aws:sts::123456789012:assumed-role/ci/x is not authorized to perform: logs:FilterLogEvents on resource: arn:aws:logs:us-east-1:123456789012:log-group:${GROUP}`,
  },
  missing: {
    status: 400,
    type: 'ResourceNotFoundException',
    message: 'The specified log group does not exist.',
  },
  unavailable: { status: 503, type: 'ServiceUnavailableException', message: 'Service unavailable' },
} satisfies Record<string, Fault>;

/** A loopback CloudWatch Logs endpoint (JSON 1.1): `faultOf` decides which operation fails and how. */
async function stubLogs(faultOf: (operation: Operation, call: number) => Fault | undefined) {
  const calls: Operation[] = [];
  const server = await startServer((req, res) => {
    const operation = String(req.headers['x-amz-target']).replace('Logs_20140328.', '') as Operation;
    calls.push(operation);
    const fault = faultOf(operation, calls.filter((c) => c === operation).length);
    res.writeHead(fault?.status ?? 200, { 'content-type': 'application/x-amz-json-1.1' });
    let body: unknown = { events: [{ message: 'GET /a 200', timestamp: NOW - 1 }] };
    if (fault) body = { __type: fault.type, message: fault.message };
    else if (operation === 'StartQuery') body = { queryId: 'q-1' };
    else if (operation === 'GetQueryResults')
      body = { status: 'Complete', results: [[{ field: '@message', value: 'GET /a 200' }]] };
    res.end(JSON.stringify(body));
  });
  const client = new CloudWatchLogsClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    maxAttempts: 1, // the source's own back-off is under test
  });
  return { server, client, calls };
}

function fakeTime() {
  let t = NOW;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
  };
}

async function drain(iterable: AsyncIterable<string[]>): Promise<string[]> {
  const out: string[] = [];
  for await (const page of iterable) out.push(...page);
  return out;
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.unstubAllEnvs();
});

const STRATEGY: Record<Operation, 'filter' | 'insights'> = {
  FilterLogEvents: 'filter',
  StartQuery: 'insights',
  GetQueryResults: 'insights',
};

async function readWith(operation: Operation, fault: Fault, maxThrottleRetries?: number) {
  const time = fakeTime();
  const stub = await stubLogs((op) => (op === operation ? fault : undefined));
  server = stub.server;
  const run = drain(
    readCloudWatch(GROUP, {
      startTime: NOW - 10 * 60_000,
      endTime: NOW,
      strategy: STRATEGY[operation],
      client: stub.client,
      region: 'us-east-1',
      sleep: time.sleep,
      now: time.now,
      pollIntervalMs: 1,
      ...(maxThrottleRetries !== undefined ? { maxThrottleRetries } : {}),
    }),
  );
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  return {
    error: error as BgReplayError | undefined,
    calls: stub.calls.filter((c) => c === operation),
    time,
  };
}

describe.each(['FilterLogEvents', 'StartQuery', 'GetQueryResults'] as const)(
  'CloudWatch %s faults',
  (operation) => {
    it('retries ThrottlingException with growing back-off, then fails naming the group, the operation and the remedy', async () => {
      const { error, calls, time } = await readWith(operation, FAULTS.throttled, 4);
      expect(error).toBeInstanceOf(BgReplayError);
      expect(calls).toHaveLength(5);
      expect(time.sleeps.filter((ms) => ms >= 500)).toEqual([500, 1000, 2000, 4000]);
      expect(error?.message).toBe(
        `cloudwatch://${GROUP} (us-east-1): ${operation} failed with ThrottlingException on logs:${operation} for log group ${GROUP}: still throttled after 4 retries; narrow the time window, or try later${operation === 'FilterLogEvents' ? ' (FilterLogEvents allows 5 requests per second per account and region)' : ''}`,
      );
      expect(error?.message).not.toContain('\n');
    });

    it('treats LimitExceededException (too many concurrent queries) as throttling', async () => {
      const { error, calls } = await readWith(operation, FAULTS.limit, 2);
      expect(calls).toHaveLength(3);
      expect(error?.message).toContain('LimitExceededException on logs:');
      expect(error?.message).toContain('still throttled after 2 retries');
    });

    it('fails at once on ExpiredTokenException and says to refresh the credentials', async () => {
      const { error, calls } = await readWith(operation, FAULTS.expired);
      expect(calls).toHaveLength(1);
      expect(error?.code).toBe('E_CONFIG');
      expect(error?.message).toContain(
        `${operation} failed with ExpiredTokenException on logs:${operation} for log group ${GROUP}`,
      );
      expect(error?.message).toContain('the AWS credentials have expired: refresh them');
    });

    it('fails at once on AccessDeniedException naming the permission to grant and the principal AWS named', async () => {
      const { error, calls } = await readWith(operation, FAULTS.denied);
      expect(calls).toHaveLength(1);
      expect(error?.code).toBe('E_CONFIG');
      expect(error?.message).toContain(
        `AccessDeniedException on logs:${operation} for log group ${GROUP}: grant the IAM role or user running bg-replay logs:${operation} on log group ${GROUP}`,
      );
      expect(error?.message).toContain('assumed-role/ci/x');
    });

    it('fails at once on ResourceNotFoundException: the log group does not exist', async () => {
      const { error, calls } = await readWith(operation, FAULTS.missing);
      expect(calls).toHaveLength(1);
      expect(error?.code).toBe('E_SOURCE');
      expect(error?.message).toContain(
        `ResourceNotFoundException on logs:${operation} for log group ${GROUP}: the log group does not exist (deleted, or in another account or region): check the log group name and --region`,
      );
    });

    it('retries a 503 a few times, then says to try later', async () => {
      const { error, calls } = await readWith(operation, FAULTS.unavailable);
      expect(calls).toHaveLength(4);
      expect(error?.message).toContain(`ServiceUnavailableException on logs:${operation}`);
      expect(error?.message).toContain('still failing after 3 retries; try later');
    });
  },
);

describe('CloudWatch without any credentials', () => {
  it('fails with CredentialsProviderError described as missing credentials, before any request', async () => {
    // The SDK's default chain, with nothing to find: no keys, no profile files, no instance metadata.
    stubNoCredentials(vi.stubEnv);
    const stub = await stubLogs(() => undefined);
    server = stub.server;
    const time = fakeTime();
    const error = await drain(
      readCloudWatch(GROUP, {
        startTime: NOW - 60_000,
        endTime: NOW,
        strategy: 'filter',
        endpoint: stub.server.url,
        region: 'us-east-1',
        sleep: time.sleep,
        now: time.now,
      }),
    ).then(
      () => undefined,
      (e: unknown) => e as BgReplayError,
    );
    expect(stub.calls).toEqual([]);
    expect(error).toBeInstanceOf(BgReplayError);
    expect(error?.code).toBe('E_CONFIG');
    expect(error?.message).toMatch(
      /^cloudwatch:\/\/\/aws\/apigateway\/shop-prod \(us-east-1\): FilterLogEvents failed with CredentialsProviderError on logs:FilterLogEvents for log group \/aws\/apigateway\/shop-prod: no AWS credentials were found: set AWS_PROFILE/,
    );
  });
});

describe('describeAwsError and friends', () => {
  const err = (name: string, message = name, extra: Record<string, unknown> = {}) =>
    Object.assign(new Error(message), { name, $metadata: {}, ...extra });

  it('sorts the SDK error names of every protocol', () => {
    expect(classifyAwsError(err('ThrottlingException'))).toBe('throttled');
    expect(classifyAwsError(err('Throttling'))).toBe('throttled');
    expect(classifyAwsError(err('TooManyRequestsException'))).toBe('throttled');
    expect(classifyAwsError(err('Whatever', 'x', { $metadata: { httpStatusCode: 429 } }))).toBe('throttled');
    expect(classifyAwsError(err('ExpiredTokenException'))).toBe('expired-credentials');
    expect(classifyAwsError(err('ExpiredToken'))).toBe('expired-credentials');
    expect(classifyAwsError(err('UnrecognizedClientException'))).toBe('invalid-credentials');
    expect(classifyAwsError(err('CredentialsProviderError'))).toBe('no-credentials');
    expect(classifyAwsError(err('AccessDeniedException'))).toBe('access-denied');
    expect(classifyAwsError(err('AuthorizationError'))).toBe('access-denied');
    expect(classifyAwsError(err('DeploymentDoesNotExistException'))).toBe('not-found');
    expect(classifyAwsError(err('DeploymentIdRequiredException'))).toBe('not-found');
    expect(classifyAwsError(err('InvalidDeploymentIdException'))).toBe('not-found');
    expect(classifyAwsError(err('ResourceNotFoundException'))).toBe('not-found');
    expect(classifyAwsError(err('ParameterNotFound'))).toBe('not-found');
    expect(classifyAwsError(err('DBClusterNotFoundFault'))).toBe('not-found');
    expect(classifyAwsError(err('InternalFailure', 'x', { $metadata: { httpStatusCode: 500 } }))).toBe(
      'transient',
    );
    expect(classifyAwsError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(
      'transient',
    );
    expect(classifyAwsError(err('ValidationException'))).toBe('other');
    expect(classifyAwsError(new BgReplayError('E_CONFIG', 'x', { cause: err('AccessDenied') }))).toBe(
      'access-denied',
    );
  });

  it('maps credentials and permissions to E_CONFIG, a missing resource to E_INPUT, the rest to E_SOURCE', () => {
    expect(awsErrorCode(err('ExpiredTokenException'))).toBe('E_CONFIG');
    expect(awsErrorCode(err('AccessDeniedException'))).toBe('E_CONFIG');
    expect(awsErrorCode(err('DeploymentDoesNotExistException'))).toBe('E_INPUT');
    expect(awsErrorCode(err('ThrottlingException'))).toBe('E_SOURCE');
  });

  it('writes one line with the error, the action, the resource and the remedy', () => {
    expect(
      describeAwsError(err('AccessDeniedException', 'not\nauthorized'), {
        action: 'logs:FilterLogEvents',
        resource: 'log group X',
        principal: "the hook's role",
      }),
    ).toBe(
      "AccessDeniedException on logs:FilterLogEvents for log group X: grant the hook's role logs:FilterLogEvents on log group X (AWS: not authorized)",
    );
    expect(
      describeAwsError(err('DeploymentDoesNotExistException'), {
        action: 'codedeploy:GetDeployment',
        resource: 'deployment d-X',
        notFound: 'check the id',
      }),
    ).toBe('DeploymentDoesNotExistException on codedeploy:GetDeployment for deployment d-X: check the id');
  });

  it('withAwsCallNames records the IAM action and the resource of the failed command', async () => {
    const stub = await stubLogs(() => FAULTS.denied);
    server = stub.server;
    const { FilterLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
    const client = withAwsCallNames(stub.client, 'logs');
    const error = await client
      .send(new FilterLogEventsCommand({ logGroupName: GROUP }))
      .catch((e: unknown) => e);
    expect(describeAwsError(error)).toMatch(
      new RegExp(
        `^AccessDeniedException on logs:FilterLogEvents for ${GROUP}: grant the IAM role or user running bg-replay logs:FilterLogEvents on ${GROUP} \\(AWS: User: `,
      ),
    );
    expect(client.config).toBe(stub.client.config);
  });
});
