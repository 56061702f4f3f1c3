import { sendJson, startServer, type TestServer } from '@bg-replay/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/model.js';
import { validate } from '../../src/validate.js';

const records = (): RequestRecord[] =>
  Array.from({ length: 40 }, (_, i) => ({
    method: 'GET',
    path: `/orders/${i % 20}`,
    headers: {},
    route: 'GET /orders/:id',
  }));

let live: TestServer;
let seeding: TestServer;
/** How many pauses the run has taken: the candidate finishes seeding after `readyAfter` of them. */
let pauses = 0;
let readyAfter = 2;

beforeAll(async () => {
  const order = (id: number, seeded: boolean) => ({
    id,
    total: seeded ? id * 10 : null,
    items: seeded ? [{ sku: `s${id}` }] : [],
  });
  live = await startServer((req, res) => sendJson(res, 200, order(Number(req.url?.split('/')[2]), true)));
  seeding = await startServer((req, res) =>
    sendJson(res, 200, order(Number(req.url?.split('/')[2]), pauses >= readyAfter)),
  );
});
afterAll(async () => {
  await Promise.all([live.close(), seeding.close()]);
});

/** A clock that only moves when the run sleeps, so retries cost no real time. */
function fakeTime() {
  let t = Date.parse('2026-03-01T12:00:00Z');
  const slept: number[] = [];
  return {
    now: () => new Date(t),
    sleep: async (ms: number) => {
      slept.push(ms);
      t += ms;
      pauses += 1;
    },
    slept,
  };
}

const base = () => ({
  logs: [{ kind: 'records' as const, name: 'seeded', records: records() }],
  live: live.url,
  candidate: seeding.url,
  rps: 0,
  threshold: 0.9,
  minSamples: 5,
  confidence: 0,
});

describe('retry until pass', () => {
  it('re-runs the same sample until the candidate has seeded its data, and keeps every attempt', async () => {
    pauses = 0;
    readyAfter = 2;
    const time = fakeTime();
    const before = seeding.requests.length;
    const report = await validate({
      ...base(),
      retryUntilMs: 10 * 60_000,
      retryIntervalMs: 30_000,
      now: time.now,
      sleep: time.sleep,
    });
    expect(report.verdict).toBe('pass');
    expect(report.attempts?.map((a) => a.verdict)).toEqual(['fail', 'fail', 'pass']);
    expect(report.attempts?.map((a) => a.startedAt)).toEqual([
      '2026-03-01T12:00:00.000Z',
      '2026-03-01T12:00:30.000Z',
      '2026-03-01T12:01:00.000Z',
    ]);
    expect(report.attempts?.[0]?.reasons).toContain('breaking-change');
    expect(report.attempts?.[2]).toMatchObject({ attempt: 3, matchRate: 1, compared: 40, matched: 40 });
    expect(time.slept).toEqual([30_000, 30_000]);
    // The same 40 records each time, not a new sample.
    const paths = seeding.requests.slice(before).map((r) => r.url);
    expect(paths.length).toBe(120);
    expect(paths.slice(80).sort()).toEqual(paths.slice(0, 40).sort());
    // The final report is the passing attempt's, not a sum of attempts.
    expect(report.counts.compared).toBe(40);
    expect(report.fields.filter((f) => f.count > 0)).toEqual([]);
  });

  it('stops when --retry-until runs out and says so', async () => {
    pauses = 0;
    readyAfter = 100;
    const time = fakeTime();
    const report = await validate({
      ...base(),
      retryUntilMs: 60_000,
      retryIntervalMs: 30_000,
      now: time.now,
      sleep: time.sleep,
    });
    expect(report.verdict).toBe('fail');
    expect(report.attempts).toHaveLength(3);
    expect(report.reasons.at(-1)).toMatchObject({ code: 'retries-exhausted' });
    expect(report.reasons.at(-1)?.message).toMatch(/still fail after 3 attempt/);
  });

  it('runs once without --retry-until', async () => {
    pauses = 0;
    readyAfter = 1;
    const time = fakeTime();
    const report = await validate({ ...base(), now: time.now, sleep: time.sleep });
    expect(report.verdict).toBe('fail');
    expect(report.attempts).toHaveLength(1);
    expect(time.slept).toEqual([]);
  });
});
