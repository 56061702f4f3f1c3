import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { startServer, type TestServer } from '@bg-replay/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { BgReplayError } from '../../src/errors.js';
import { chooseStrategy, insightsQuery } from '../../src/sources/cloudwatch/readCloudWatch.js';
import { collectSample } from '../../src/sources/collectSample.js';

const GROUP = 'API-Gateway-Execution-Logs_a1b2c3/prod';
const NOW = Date.parse('2026-11-26T12:00:00Z');

function apigwLine(path: string, status = 200): string {
  return JSON.stringify({
    requestId: `r-${path}`,
    httpMethod: 'GET',
    resourcePath: path.replace(/\/\d+$/, '/{id}'),
    path: `/prod${path}`,
    stage: 'prod',
    status: String(status),
  });
}

interface Call {
  target: string;
  body: Record<string, unknown>;
  at: number;
}

/** A loopback CloudWatch Logs endpoint speaking JSON 1.1; `reply` answers each call by operation. */
async function stubLogs(
  reply: (
    operation: string,
    body: Record<string, unknown>,
    calls: Call[],
  ) => { status?: number; body: unknown },
  clock: () => number,
) {
  const calls: Call[] = [];
  const server = await startServer((req, res, raw) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.replace('Logs_20140328.', '');
    const body = JSON.parse(raw || '{}') as Record<string, unknown>;
    calls.push({ target, body, at: clock() });
    const answer = reply(operation, body, calls);
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify(answer.body));
  });
  const client = new CloudWatchLogsClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    // Our own back-off is under test: the SDK must not retry on its own (and sleep for real).
    maxAttempts: 1,
  });
  return { server, client, calls };
}

function fakeTime() {
  let t = NOW;
  const sleeps: number[] = [];
  return {
    now: () => new Date(t),
    clock: () => t,
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
  };
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('CloudWatch Logs through FilterLogEvents', () => {
  it('pages until there is no nextToken, across empty pages, backs off on throttling and paces to 5 requests/s', async () => {
    const time = fakeTime();
    let throttled = false;
    const stub = await stubLogs((operation, body) => {
      expect(operation).toBe('FilterLogEvents');
      const token = body.nextToken as string | undefined;
      if (token === 'p2' && !throttled) {
        throttled = true;
        return { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } };
      }
      const pages: Record<
        string,
        { events: Array<{ message: string; timestamp: number }>; nextToken?: string }
      > = {
        start: {
          events: [
            { message: apigwLine('/orders/1'), timestamp: NOW - 1000 },
            { message: apigwLine('/orders/2'), timestamp: NOW - 900 },
          ],
          nextToken: 'p2',
        },
        p2: { events: [], nextToken: 'p3' },
        p3: { events: [], nextToken: 'p4' },
        p4: { events: [{ message: apigwLine('/health', 503), timestamp: NOW - 10 }] },
      };
      return { body: pages[token ?? 'start'] };
    }, time.clock);
    server = stub.server;
    const collected = await collectSample({
      logs: [{ kind: 'cloudwatch', logGroup: GROUP }],
      cloudwatch: {
        since: '30m',
        filterPattern: '{ $.status = * }',
        streamPrefix: 'prod',
        strategy: 'filter',
        sleep: time.sleep,
      },
      clients: { cloudwatchLogs: stub.client },
      now: time.now,
    });
    expect(collected.records.map((r) => r.record.path).sort()).toEqual(['/health', '/orders/1', '/orders/2']);
    expect(collected.counts.read).toBe(3);
    expect(collected.malformed).toEqual([]);
    expect(stub.calls.map((c) => c.body.nextToken ?? null)).toEqual([null, 'p2', 'p2', 'p3', 'p4']);
    expect(stub.calls[0]?.body).toMatchObject({
      logGroupName: GROUP,
      startTime: NOW - 30 * 60_000,
      endTime: NOW,
      filterPattern: '{ $.status = * }',
      logStreamNamePrefix: 'prod',
    });
    expect(time.sleeps).toContain(500);
    const gaps = stub.calls.slice(1).map((c, i) => c.at - (stub.calls[i] as Call).at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(200);
  });

  it('stops reading at its time budget, samples what it read and says so once', async () => {
    const time = fakeTime();
    let page = 0;
    const stub = await stubLogs(() => {
      page += 1;
      time.sleep(40_000); // each page of a busy group takes 40 s of the hook's time
      return {
        body: {
          events: [{ message: apigwLine(`/orders/${page}`), timestamp: NOW - 600_000 + page * 1000 }],
          nextToken: `p${page + 1}`,
        },
      };
    }, time.clock);
    server = stub.server;
    const stops: Array<{ pages: number; messages: number; message: string }> = [];
    const collected = await collectSample({
      logs: [{ kind: 'cloudwatch', logGroup: GROUP }],
      cloudwatch: {
        since: '1h',
        strategy: 'filter',
        sleep: time.sleep,
        budgetMs: 100_000,
        onBudgetReached: (stop) => stops.push(stop),
      },
      clients: { cloudwatchLogs: stub.client },
      now: time.now,
    });
    // 3 pages (120 s) pass the 100 s budget: no fourth request, the 3 records are the sample.
    expect(stub.calls).toHaveLength(3);
    expect(collected.records.map((r) => r.record.path).sort()).toEqual([
      '/orders/1',
      '/orders/2',
      '/orders/3',
    ]);
    expect(stops).toHaveLength(1);
    expect(stops[0]).toMatchObject({ pages: 3, messages: 3 });
    expect(stops[0]?.message).toBe(
      `cloudwatch://${GROUP}: the read stopped at its time budget of 100 s after 3 page(s) and 3 event(s), up to 2026-11-26T11:50:03.000Z; the sample is drawn from what was read`,
    );
  });

  it('fails with E_SOURCE naming the group when throttling does not stop', async () => {
    const time = fakeTime();
    const stub = await stubLogs(
      () => ({ status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } }),
      time.clock,
    );
    server = stub.server;
    const run = collectSample({
      logs: [{ kind: 'cloudwatch', logGroup: GROUP }],
      cloudwatch: { since: '5m', strategy: 'filter', sleep: time.sleep },
      clients: { cloudwatchLogs: stub.client },
      now: time.now,
    });
    await expect(run).rejects.toThrow(BgReplayError);
    await expect(run).rejects.toThrow(
      /cloudwatch:\/\/API-Gateway-Execution-Logs_a1b2c3\/prod: FilterLogEvents failed with ThrottlingException.*still throttled after 8 retries/,
    );
    expect(stub.calls).toHaveLength(9);
  });

  it('names the log group and the region hint when the group does not exist', async () => {
    const time = fakeTime();
    const stub = await stubLogs(
      () => ({
        status: 400,
        body: { __type: 'ResourceNotFoundException', message: 'The specified log group does not exist.' },
      }),
      time.clock,
    );
    server = stub.server;
    await expect(
      collectSample({
        logs: [{ kind: 'cloudwatch', logGroup: 'missing' }],
        cloudwatch: { since: '5m', strategy: 'filter', sleep: time.sleep },
        clients: { cloudwatchLogs: stub.client },
        now: time.now,
      }),
    ).rejects.toThrow(
      /cloudwatch:\/\/missing: FilterLogEvents failed with ResourceNotFoundException.*check the log group name and --region/,
    );
  });
});

describe('CloudWatch Logs through Logs Insights', () => {
  it('polls until Complete and splits a window that hits the 10,000-row cap into halves', async () => {
    const time = fakeTime();
    const queries = new Map<string, { start: number; end: number; polls: number }>();
    const row = (message: string) => [
      { field: '@timestamp', value: '2026-11-26 11:00:00.000' },
      { field: '@message', value: message },
      { field: '@ptr', value: 'x' },
    ];
    const stub = await stubLogs((operation, body) => {
      if (operation === 'StartQuery') {
        const queryId = `q${queries.size + 1}`;
        queries.set(queryId, { start: body.startTime as number, end: body.endTime as number, polls: 0 });
        return { body: { queryId } };
      }
      expect(operation).toBe('GetQueryResults');
      const query = queries.get(body.queryId as string);
      if (!query)
        return { status: 400, body: { __type: 'InvalidParameterException', message: 'no such query' } };
      query.polls += 1;
      if (query.polls === 1) return { body: { status: 'Scheduled', results: [] } };
      if (query.polls === 2) return { body: { status: 'Running', results: [] } };
      const whole = query.end - query.start > 4000;
      if (whole)
        return {
          body: {
            status: 'Complete',
            results: Array.from({ length: 10_000 }, (_, i) => row(apigwLine(`/bulk/${i}`))),
          },
        };
      const half = query.start === Math.floor((NOW - 2 * 3_600_000) / 1000) ? 'first' : 'second';
      return { body: { status: 'Complete', results: [1, 2, 3].map((i) => row(apigwLine(`/${half}/${i}`))) } };
    }, time.clock);
    server = stub.server;
    const collected = await collectSample({
      logs: [{ kind: 'cloudwatch', logGroup: GROUP }],
      cloudwatch: { since: '2h', strategy: 'auto', streamPrefix: 'prod', sleep: time.sleep },
      clients: { cloudwatchLogs: stub.client },
      now: time.now,
    });
    const starts = stub.calls.filter((c) => c.target.endsWith('StartQuery')).map((c) => c.body);
    const s = Math.floor((NOW - 2 * 3_600_000) / 1000);
    const e = Math.floor((NOW - 1) / 1000);
    const mid = Math.floor((s + e) / 2);
    expect(starts.map((b) => [b.startTime, b.endTime])).toEqual([
      [s, e],
      [s, mid],
      [mid + 1, e],
    ]);
    expect(starts[0]?.queryString).toBe(insightsQuery({ streamPrefix: 'prod' }));
    expect(starts[0]?.limit).toBe(10_000);
    // The 10,000 rows of the full window are discarded: its halves are read instead.
    expect(collected.counts.read).toBe(6);
    expect(collected.records.map((r) => r.record.path).sort()).toEqual([
      '/first/1',
      '/first/2',
      '/first/3',
      '/second/1',
      '/second/2',
      '/second/3',
    ]);
    expect(time.sleeps.filter((ms) => ms === 1000).length).toBeGreaterThanOrEqual(6);
  });

  it('fails with E_SOURCE when a query ends Failed', async () => {
    const time = fakeTime();
    const stub = await stubLogs(
      (operation) =>
        operation === 'StartQuery'
          ? { body: { queryId: 'q1' } }
          : { body: { status: 'Failed', results: [] } },
      time.clock,
    );
    server = stub.server;
    await expect(
      collectSample({
        logs: [{ kind: 'cloudwatch', logGroup: GROUP }],
        cloudwatch: { since: '1h', strategy: 'insights', sleep: time.sleep },
        clients: { cloudwatchLogs: stub.client },
        now: time.now,
      }),
    ).rejects.toThrow(/Logs Insights query ended Failed/);
  });

  it('stops a query that stays Running past its time and says what to do', async () => {
    const time = fakeTime();
    const stub = await stubLogs(
      (operation) =>
        operation === 'StartQuery'
          ? { body: { queryId: 'q1' } }
          : { body: { status: 'Running', results: [] } },
      time.clock,
    );
    server = stub.server;
    await expect(
      collectSample({
        logs: [{ kind: 'cloudwatch', logGroup: GROUP }],
        cloudwatch: {
          since: '1h',
          strategy: 'insights',
          sleep: time.sleep,
          pollIntervalMs: 1000,
          queryTimeoutMs: 5000,
        },
        clients: { cloudwatchLogs: stub.client },
        now: time.now,
      }),
    ).rejects.toThrow(/still running after 5 s and was stopped; narrow the window/);
    expect(stub.calls.map((c) => c.target.replace('Logs_20140328.', ''))).toEqual([
      'StartQuery',
      ...Array(5).fill('GetQueryResults'),
      'StopQuery',
    ]);
  });

  it('auto picks Insights for long windows without a filter pattern, FilterLogEvents otherwise', () => {
    const base = { startTime: 0, endTime: 2 * 3_600_000 };
    expect(chooseStrategy({ ...base, strategy: 'auto' })).toBe('insights');
    expect(chooseStrategy({ ...base, strategy: 'auto', filterPattern: 'GET' })).toBe('filter');
    expect(chooseStrategy({ startTime: 0, endTime: 30 * 60_000 })).toBe('filter');
    expect(chooseStrategy({ ...base, strategy: 'filter' })).toBe('filter');
  });

  it('asks for a window when a cloudwatch:// log has none', async () => {
    await expect(collectSample({ logs: [{ kind: 'cloudwatch', logGroup: GROUP }] })).rejects.toThrow(
      /needs a window: pass --since 30m/,
    );
  });
});
