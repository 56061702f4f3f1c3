/**
 * `lambda://` targets driven through the CLI: the demo's blue service is version 1 and green version 2 of a
 * function on the simulator's Lambda stand-in (the real SDK `Invoke`, `POST /2015-03-31/functions/.../invocations`
 * on 127.0.0.1), and each version records the API Gateway proxy events it received. Faults (no credentials,
 * AccessDenied, a missing version) end the run before any replay with one line naming the IAM action.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DemoServices, startDemoServices } from '@bg-replay/demo';
import {
  type CodeDeployStandIn,
  createProxyHandler,
  type SimFunction,
  startCodeDeployStandIn,
} from '@bg-replay/simulator';
import { sendJson, startServer, stubNoCredentials, type TestServer } from '@bg-replay/test-utils';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { expectOneLineError } from './_awsFaults.js';
import { runBgReplay as cli, LOOPBACK_REPLAY_FLAGS } from './_runCommand.js';

type ProxyEvent = Record<string, unknown> & { requestContext: Record<string, unknown> };

let demo: DemoServices;
let standIn: CodeDeployStandIn;
let dir: string;
/** The events each version of `shop-api` received, by version. */
let received: Record<string, ProxyEvent[]>;

beforeAll(async () => {
  demo = await startDemoServices();
  dir = await mkdtemp(join(tmpdir(), 'bg-replay-lambda-'));
  const recording = (version: string, baseUrl: string) => {
    const handler = createProxyHandler(baseUrl);
    return (event: unknown) => {
      received[version]?.push(event as ProxyEvent);
      return handler(event);
    };
  };
  const fn: SimFunction = {
    versions: { '1': recording('1', demo.live), '2': recording('2', demo.candidate) },
    aliases: { live: '1' },
  };
  standIn = await startCodeDeployStandIn({ functions: new Map([['shop-api', fn]]) });
});
afterAll(async () => {
  await standIn.close();
  await demo.close();
});
beforeEach(() => {
  received = { '1': [], '2': [] };
});

/** `bg-replay <command>` of the demo log against two targets, with Lambda at `endpoint`. */
const runAt = (endpoint: string, command: string, live: string, candidate: string, ...more: string[]) =>
  cli([
    command,
    '--logs',
    demo.logFile,
    '--live',
    live,
    '--candidate',
    candidate,
    ...LOOPBACK_REPLAY_FLAGS,
    '--region',
    'us-east-1',
    '--lambda-endpoint',
    endpoint,
    ...more,
  ]);

/** The same against the simulator's stand-in. */
const run = (command: string, live: string, candidate: string, ...more: string[]) =>
  runAt(standIn.url, command, live, candidate, ...more);

/** `METHOD /path?query` of a payload 1.0 event. */
function requestOf(event: ProxyEvent): string {
  const query = new URLSearchParams();
  const multi = (event.multiValueQueryStringParameters ?? {}) as Record<string, string[]>;
  for (const [name, values] of Object.entries(multi)) for (const value of values) query.append(name, value);
  return `${String(event.httpMethod)} ${String(event.path)}${query.size ? `?${query}` : ''}`;
}

/** How many times each item occurs. */
function countOf(items: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

describe('bg-replay replay with lambda:// targets', () => {
  it('v1 against v2 fails on the demo bug, and both versions received the same proxy events', async () => {
    const out = join(dir, 'v1-v2.json');
    const r = await run(
      'replay',
      'lambda://shop-api:1',
      'lambda://shop-api:2',
      '--rules',
      demo.rulesFile,
      '--version-header',
      demo.versionHeader,
      '--report-json',
      out,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/GET \/orders\/:id\s+\/total\s+type/);
    expect(r.stdout).toMatch(/verdict: FAIL/);
    const report = JSON.parse(await readFile(out, 'utf8'));
    expect(report.verdict).toBe('fail');
    // The report names the targets as given, and which versions answered.
    expect(report.targets).toMatchObject({ live: 'lambda://shop-api:1', candidate: 'lambda://shop-api:2' });
    expect(report.versions).toMatchObject({
      live: { version: '1.4.2', source: 'header' },
      candidate: { version: '1.5.0', source: 'header' },
      relation: 'minor',
    });
    const v1 = received['1'] ?? [];
    const v2 = received['2'] ?? [];
    // One event per replayed record on each side (the dry-run checks ran nothing), the same requests.
    expect(report.counts.compared).toBe(400);
    expect(v1.length).toBe(400);
    expect(v1.map(requestOf).sort()).toEqual(v2.map(requestOf).sort());
    expect(v1.map(requestOf)).toContain('GET /orders/1001');
    for (const event of v1) {
      expect(event).toMatchObject({
        httpMethod: 'GET',
        resource: '/{proxy+}',
        requestContext: { stage: 'prod', httpMethod: 'GET' },
      });
      expect((event.headers as Record<string, string>)['user-agent']).toMatch(/^bg-replay\//);
    }
  });

  it('v1 against v1 passes and never invokes v2', async () => {
    const r = await run('replay', 'lambda://shop-api:1', 'lambda://shop-api:live', '--rules', demo.rulesFile);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/verdict: PASS/);
    expect(received['2']).toEqual([]);
    expect(received['1']?.length).toBeGreaterThan(0);
    // Both sides of every record reached version 1: each request an even number of times.
    const counts = countOf((received['1'] ?? []).map(requestOf));
    expect([...counts.values()].every((n) => n % 2 === 0)).toBe(true);
  });

  it('payload=2.0 sends HTTP API events (version 2.0, rawPath, requestContext.http)', async () => {
    const r = await run(
      'replay',
      'lambda://shop-api:1?payload=2.0',
      'lambda://shop-api:1?payload=2.0',
      '--rules',
      demo.rulesFile,
    );
    expect(r.code).toBe(0);
    const event = received['1']?.find((e) => String(e.rawPath).startsWith('/orders/'));
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      requestContext: { http: { method: 'GET' }, stage: '$default' },
    });
    expect(event?.httpMethod).toBeUndefined();
  });

  it('an HTTP live against a lambda:// candidate compares the same way (v1 is blue)', async () => {
    const r = await run('replay', demo.live, 'lambda://shop-api:1', '--rules', demo.rulesFile);
    expect(r.code).toBe(0);
    expect(received['1']?.length).toBeGreaterThan(0);
  });
});

describe('bg-replay learn-noise with lambda:// targets', () => {
  it('probes version 1 twice per record and writes a rules file', async () => {
    const out = join(dir, 'noise.yaml');
    const r = await run(
      'learn-noise',
      'lambda://shop-api:1',
      'lambda://shop-api:1',
      '--out',
      out,
      '--sample',
      '150',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/probed record\(s\)/);
    // live, candidate and the live probe: each request a multiple of three times.
    const counts = countOf((received['1'] ?? []).map(requestOf));
    expect(counts.size).toBeGreaterThan(0);
    expect([...counts.values()].every((n) => n % 3 === 0)).toBe(true);
    expect(await readFile(out, 'utf8')).toMatch(/^# Learned by bg-replay learn-noise/);
  });
});

describe('lambda:// faults: one line, exit 2, before any replay', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    vi.unstubAllEnvs();
  });

  it('a version that does not exist names the function, the action and --region', async () => {
    const r = await run('replay', 'lambda://shop-api:1', 'lambda://shop-api:9');
    expectOneLineError(
      r,
      /^bg-replay: --candidate lambda:\/\/shop-api:9: ResourceNotFoundException on lambda:InvokeFunction for function shop-api:9: function shop-api:9 does not exist in us-east-1 .*: check the name, the qualifier and --region$/,
    );
    expect(received['1']).toEqual([]);
  });

  it('AccessDenied names lambda:InvokeFunction and the function, after one dry-run request', async () => {
    server = await startServer((_req, res) =>
      sendJson(
        res,
        403,
        {
          Type: 'User',
          message:
            'User: arn:aws:sts::123456789012:assumed-role/ci/build is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:shop-api:1',
        },
        { 'x-amzn-errortype': 'AccessDeniedException' },
      ),
    );
    const r = await runAt(server.url, 'replay', 'lambda://shop-api:1', 'lambda://shop-api:2');
    expectOneLineError(
      r,
      /^bg-replay: --live lambda:\/\/shop-api:1: AccessDeniedException on lambda:InvokeFunction for function shop-api:1: grant the IAM role or user running bg-replay lambda:InvokeFunction on function shop-api:1 \(AWS: User: arn:aws:sts::123456789012:assumed-role\/ci\/build is not authorized/,
    );
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      url: '/2015-03-31/functions/shop-api/invocations?Qualifier=1',
    });
    expect(server.requests[0]?.headers['x-amz-invocation-type']).toBe('DryRun');
  });

  it('a failing Invoke is a transport error of its record, retried by the SDK only when the run replays no writes', async () => {
    // DryRun passes; every real invoke is a Lambda service error (5xx).
    server = await startServer((req, res) =>
      req.headers['x-amz-invocation-type'] === 'DryRun'
        ? void res.writeHead(204).end()
        : sendJson(
            res,
            500,
            { Type: 'Service', message: 'Lambda was unable to run the function' },
            { 'x-amzn-errortype': 'ServiceException' },
          ),
    );
    const invokes = () =>
      server?.requests.filter((q) => q.headers['x-amz-invocation-type'] !== 'DryRun') ?? [];
    const failing = async (...more: string[]) => {
      const out = join(dir, `failing-${more.length}.json`);
      const r = await runAt(
        String(server?.url),
        'replay',
        'lambda://shop-api:1',
        'lambda://shop-api:2',
        // Few records: the SDK's retry quota (tokens per retry) would cut the retries of many.
        '--sample',
        '1',
        '--min-per-route',
        '1',
        '--live-error-breaker',
        '1',
        '--report-json',
        out,
        ...more,
      );
      return { r, report: JSON.parse(await readFile(out, 'utf8')), invokes: invokes().length };
    };
    const safe = await failing();
    expect(safe.r.code).toBe(1);
    const records = safe.report.counts.sampled;
    expect(records).toBeGreaterThan(0);
    expect(safe.report.counts.errors).toEqual({ live: records, candidate: records });
    // Every record, 2 sides, 3 attempts each (the client policy).
    expect(safe.invokes).toBe(records * 2 * 3);
    expect(safe.r.stdout).toMatch(/live: other transport error ×\d+/);
    server.requests.length = 0;
    const writes = await failing('--allow-methods', 'GET,POST');
    // The sample now holds a POST route too; every record was invoked once a side.
    expect(writes.report.counts.sampled).toBeGreaterThan(records);
    expect(writes.invokes).toBe(writes.report.counts.sampled * 2);
  });

  it('no credentials at all names what to set, before any request', async () => {
    stubNoCredentials(vi.stubEnv);
    server = await startServer((_req, res) => sendJson(res, 204, {}));
    const r = await cli(
      [
        'replay',
        '--logs',
        demo.logFile,
        '--live',
        'lambda://shop-api:1',
        '--candidate',
        'lambda://shop-api:2',
        '--region',
        'us-east-1',
        '--lambda-endpoint',
        server.url,
      ],
      // A profile means "use it", not the loopback's fake keys.
      { env: { AWS_PROFILE: 'bg-replay-test-no-such-profile' } },
    );
    expectOneLineError(
      r,
      /^bg-replay: --live lambda:\/\/shop-api:1: CredentialsProviderError on lambda:InvokeFunction for function shop-api:1: no AWS credentials were found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with an IAM role$/,
    );
    expect(server.requests).toHaveLength(0);
  });

  /** Runs v1 against `candidate` with Lambda on the stand-in and no --region; the SDK reads `config` as the profile file. */
  const withoutRegionFlag = async (config: string | undefined, candidate: string) => {
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    const file = join(dir, `config-${config ? 'region' : 'none'}`);
    if (config !== undefined) await writeFile(file, config);
    vi.stubEnv('AWS_CONFIG_FILE', file);
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/bg-replay/credentials');
    // Fake keys: the stand-in checks no signature.
    const keys = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' };
    return cli(
      [
        'replay',
        '--logs',
        demo.logFile,
        '--live',
        'lambda://shop-api:1',
        '--candidate',
        candidate,
        '--lambda-endpoint',
        standIn.url,
      ],
      { env: keys },
    );
  };

  it('no region anywhere names the flag to pass, before any replay', async () => {
    const r = await withoutRegionFlag(undefined, demo.live);
    expectOneLineError(
      r,
      /^bg-replay: --live lambda:\/\/shop-api:1: no AWS region for Lambda: pass --region, set AWS_REGION, or use a profile that names one$/,
    );
    expect(received['1']).toEqual([]);
  });

  it("the profile's region is used when neither --region nor AWS_REGION is given", async () => {
    const r = await withoutRegionFlag('[default]\nregion = eu-west-3\n', 'lambda://shop-api:9');
    expectOneLineError(r, /: function shop-api:9 does not exist in eu-west-3 /);
  });

  it('a malformed lambda:// target names its flag and the form to give', async () => {
    const r = await run('replay', 'lambda://shop-api:1?payload=3.0', demo.live);
    expectOneLineError(
      r,
      /^bg-replay: --live lambda:\/\/shop-api:1\?payload=3\.0: give lambda:\/\/function\[:qualifier\]\[\?payload=1\.0\|2\.0&stage=name\]$/,
    );
  });
});
