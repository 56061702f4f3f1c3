import { createGzipBomb, faults } from '@bg-replay/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { mergeReports } from '../../src/report/mergeReports.js';
import { parseReport } from '../../src/report/parseReport.js';
import type { Report, RouteSummary } from '../../src/report/reportTypes.js';
import { type FaultRun, runAgainst } from './harness.js';

const MiB = 1024 * 1024;
const body = { id: 1, name: 'widget', price: 9.5, tags: ['a', 'b'] };
const healthy = faults.json(body);

/** Every run must finish with a report that survives a JSON round trip and leave no unhandled rejection. */
function expectSound(run: FaultRun): Report {
  expect(run.rejections).toEqual([]);
  const text = JSON.stringify(run.report);
  expect(parseReport(text, 'report.json').verdict).toBe(run.report.verdict);
  return run.report;
}

/** Sum of one side's transport error codes over the routes. */
function codes(report: Report, side: 'live' | 'candidate'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const route of report.routes as RouteSummary[])
    for (const [code, n] of Object.entries(route.errorCodes?.[side] ?? {})) out[code] = (out[code] ?? 0) + n;
  return out;
}

const reasonCodes = (report: Report) => report.reasons.map((r) => r.code);

describe('a candidate that fails at the transport level', () => {
  it('resets every connection: the run fails and classifies each reset per route', async () => {
    const run = await runAgainst({ live: healthy, candidate: faults.resetBeforeResponse() }, 12);
    const report = expectSound(run);
    expect(report.verdict).toBe('fail');
    expect(reasonCodes(report)).toContain('candidate-unreachable');
    expect(report.counts.errors).toEqual({ live: 0, candidate: 12 });
    expect(codes(report, 'candidate')).toEqual({ 'connection-reset': 12 });
    expect(codes(report, 'live')).toEqual({});
    expect(report.routes.map((r) => r.errorCodes?.candidate['connection-reset'])).toEqual([4, 4, 4]);
  });

  it('keeps the breakdown when shard reports are merged', async () => {
    const a = expectSound(await runAgainst({ live: healthy, candidate: faults.resetBeforeResponse() }, 3));
    const b = expectSound(await runAgainst({ live: healthy, candidate: faults.truncatedJson() }, 3));
    // Two shards of one run name the same targets.
    const parts = [a, b].map((report, i) => ({
      source: `part${i}.json`,
      report: parseReport(JSON.stringify({ ...report, targets: a.targets }), `part${i}.json`),
    }));
    const merged = mergeReports(parts);
    expect(codes(merged, 'candidate')).toEqual({ 'connection-reset': 3 });
    expect(merged.counts.errors.candidate).toBe(3);
  });

  it('resets mid-body: a reset, not a half body compared as a difference', async () => {
    const report = expectSound(await runAgainst({ live: healthy, candidate: faults.resetMidBody() }, 6));
    expect(report.verdict).toBe('fail');
    expect(codes(report, 'candidate')).toEqual({ 'connection-reset': 6 });
    expect(report.fields).toEqual([]);
  });

  // A run that never ends fails on the test's timeout; how long the run took is not asserted.
  it('never answers: each request times out and the run still finishes', async () => {
    const report = expectSound(
      await runAgainst({ live: healthy, candidate: faults.hang() }, 6, { timeoutMs: 150 }),
    );
    expect(report.verdict).toBe('fail');
    expect(codes(report, 'candidate')).toEqual({ timeout: 6 });
  });

  // The drip never ends and each gap (20 ms) is shorter than the timeout: only a bound on the whole answer ends it.
  it('drips one byte at a time: the whole answer is bounded in time, not only the gap between bytes', async () => {
    const report = expectSound(
      await runAgainst({ live: healthy, candidate: faults.drip(20) }, 4, { timeoutMs: 150 }),
    );
    expect(report.verdict).toBe('fail');
    expect(codes(report, 'candidate')).toEqual({ timeout: 4 });
  });
});

describe('answers with broken or misleading bodies', () => {
  it('truncated JSON is compared as a change of type of the whole body, not a crash', async () => {
    const report = expectSound(await runAgainst({ live: healthy, candidate: faults.truncatedJson() }, 6));
    expect(report.verdict).toBe('fail');
    expect(report.counts.errors).toEqual({ live: 0, candidate: 0 });
    expect(report.fields.map((f) => `${f.pointer} ${f.kind} ${f.count}`)).toEqual([
      ' type 2',
      ' type 2',
      ' type 2',
    ]);
    expect(reasonCodes(report)).toContain('breaking-change');
  });

  it('JSON labelled text/html is reported as a content-type change, and HTML labelled JSON as text', async () => {
    const report = expectSound(
      await runAgainst({ live: healthy, candidate: faults.mislabelled('json-as-html', body) }, 6),
    );
    expect(report.verdict).toBe('fail');
    const kinds = new Set(report.fields.map((f) => `${f.pointer} ${f.kind}`));
    expect([...kinds].sort()).toEqual([' type', '/headers/content-type header']);

    const both = expectSound(
      await runAgainst(
        { live: faults.mislabelled('html-as-json'), candidate: faults.mislabelled('html-as-json') },
        6,
        { confidence: 0 },
      ),
    );
    expect(both.verdict).toBe('pass');
    expect(both.fields).toEqual([]);
  });
});

describe('bodies too large to hold', () => {
  let bomb: Buffer;
  beforeAll(async () => {
    bomb = await createGzipBomb(200 * MiB);
  });

  it('a 50 MB body on both sides is cut at the cap and memory does not grow with the body size', async () => {
    const options = { maxBodyBytes: MiB / 2, concurrency: 2 };
    const small = await runAgainst(
      { live: faults.largeBody(2 * MiB), candidate: faults.largeBody(2 * MiB) },
      4,
      options,
    );
    const big = faults.largeBody(50 * MiB);
    const run = await runAgainst({ live: big, candidate: big }, 4, options);
    const report = expectSound(run);
    // Peak heap + buffers (garbage included) stays well under the body, and no higher than for a 2 MB body.
    expect(run.memoryGrowth).toBeLessThan(25 * MiB);
    expect(run.memoryGrowth - small.memoryGrowth).toBeLessThan(8 * MiB);
    expect(report.counts.errors).toEqual({ live: 0, candidate: 0 });
    // A cut body is not a verified one: the report says how many answers were cut.
    expect(report.routes.reduce((n, r) => n + (r.truncated?.candidate ?? 0), 0)).toBe(4);
    expect(report.routes.reduce((n, r) => n + (r.truncated?.live ?? 0), 0)).toBe(4);
  });

  it('a gzip bomb (200 MB inflated) is inflated only up to the cap', async () => {
    expect(bomb.length).toBeLessThan(MiB);
    const run = await runAgainst({ live: healthy, candidate: faults.gzipBomb(bomb) }, 4, {
      maxBodyBytes: MiB / 2,
      concurrency: 2,
    });
    const report = expectSound(run);
    expect(run.memoryGrowth).toBeLessThan(25 * MiB);
    expect(report.verdict).toBe('fail');
    expect(report.routes.reduce((n, r) => n + (r.truncated?.candidate ?? 0), 0)).toBe(4);
  });

  it('gzip that does not inflate is a decode error, not a crash', async () => {
    const garbage = faults.gzipBomb(Buffer.from('this is not gzip at all, just text'.repeat(100)));
    const report = expectSound(await runAgainst({ live: healthy, candidate: garbage }, 4));
    expect(codes(report, 'candidate')).toEqual({ decode: 4 });
  });
});

describe('an unhealthy production', () => {
  it('a 5xx storm on live trips the breaker: live is spared, the verdict is inconclusive', async () => {
    const sample = 200;
    const run = await runAgainst({ live: faults.status(503), candidate: healthy }, sample, {
      concurrency: 4,
    });
    const report = expectSound(run);
    expect(run.live.requests.length).toBeLessThan(sample / 10);
    expect(report.verdict).toBe('inconclusive');
    expect(reasonCodes(report)).toContain('live-unhealthy');
  });

  it('a live that resets every connection trips the breaker too, with the resets classified', async () => {
    const sample = 200;
    const run = await runAgainst({ live: faults.resetBeforeResponse(), candidate: healthy }, sample, {
      concurrency: 4,
    });
    const report = expectSound(run);
    expect(run.live.requests.length).toBeLessThan(sample / 10);
    expect(report.verdict).toBe('inconclusive');
    expect(reasonCodes(report)).toContain('live-unhealthy');
    expect(Object.keys(codes(report, 'live'))).toEqual(['connection-reset']);
  });

  it('a candidate 5xx storm is a failure of the candidate, and live is not stopped', async () => {
    const run = await runAgainst({ live: healthy, candidate: faults.status(500) }, 30);
    const report = expectSound(run);
    expect(run.live.requests.length).toBe(30);
    expect(report.verdict).toBe('fail');
    expect(reasonCodes(report)).toContain('candidate-5xx');
  });
});

describe('answers that strain the comparison itself', () => {
  const depth = 100_000;
  const deep = (_req: unknown, res: import('node:http').ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`${'['.repeat(depth)}${']'.repeat(depth)}`);
  };

  it('JSON nested 100 000 deep on both sides: the run finishes and the record counts as differing', async () => {
    const report = expectSound(await runAgainst({ live: deep, candidate: deep }, 3));
    expect(report.counts.compared).toBe(3);
    expect(report.verdict).not.toBe('pass');
  });

  it('JSON nested 100 000 deep against an HTML page: the run finishes with the change of type reported', async () => {
    const report = expectSound(
      await runAgainst({ live: deep, candidate: faults.mislabelled('html-as-json') }, 3),
    );
    expect(report.verdict).toBe('fail');
    expect(report.fields.every((f) => f.kind === 'type' && f.pointer === '')).toBe(true);
  });
});
