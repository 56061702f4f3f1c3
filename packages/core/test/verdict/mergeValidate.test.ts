import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendJson, startServer, type TestServer } from '@bg-replay/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/model.js';
import { mergeReports } from '../../src/report/mergeReports.js';
import type { Report } from '../../src/report/reportTypes.js';
import { stableHash } from '../../src/sample/random.js';
import { validate } from '../../src/validate.js';

const all: RequestRecord[] = [
  ...Array.from({ length: 50 }, (_, i) => ({
    method: 'GET',
    path: `/products/${i}`,
    headers: {},
    route: 'GET /products/:id',
  })),
  ...Array.from({ length: 30 }, (_, i) => ({
    method: 'GET',
    path: `/orders/${i}`,
    headers: {},
    route: 'GET /orders/:id',
  })),
  ...Array.from({ length: 12 }, () => ({
    method: 'GET',
    path: '/health',
    headers: {},
    route: 'GET /health',
  })),
];

let live: TestServer;
let candidate: TestServer;
beforeAll(async () => {
  const answer = (url: string, next: boolean) => {
    const [, kind, id] = url.split('/');
    const n = Number(id);
    if (kind === 'products')
      return { id: n, price: next && n % 7 === 0 ? String(n) : n, tags: next && n % 5 === 0 ? ['new'] : [] };
    if (kind === 'orders') return { id: n, status: next && n % 4 === 0 ? 'OPEN' : 'open' };
    return { ok: true };
  };
  live = await startServer((req, res) => sendJson(res, 200, answer(req.url ?? '/', false)));
  candidate = await startServer((req, res) => sendJson(res, 200, answer(req.url ?? '/', true)));
});
afterAll(async () => {
  await Promise.all([live.close(), candidate.close()]);
});

const run = (records: RequestRecord[]) =>
  validate({
    logs: [{ kind: 'records', name: 'mem', records }],
    live: live.url,
    candidate: candidate.url,
    rps: 0,
    sample: 1000,
    threshold: 0.8,
    minSamples: 3,
  });

// Latencies differ from one run to the next; everything else must not.
const decided = (r: Report) => ({
  verdict: r.verdict,
  reasons: r.reasons,
  counts: r.counts,
  matchRateLowerBound: r.matchRateLowerBound,
  routes: r.routes.map(({ sketches: _s, ...rest }) => rest),
  fields: r.fields,
  rules: r.rules,
});

describe('validate on shards, then merge', () => {
  it('gives the counts and verdict of one validate over all records, for N = 1, 3 and 7', async () => {
    const single = await run(all);
    expect(single.verdict).toBe('fail');
    expect(single.counts.compared).toBe(92);
    for (const n of [1, 3, 7]) {
      const shards = Array.from({ length: n }, (_, i) =>
        all.filter((r) => stableHash(`${r.method} ${r.path}`) % n === i),
      );
      const parts = await Promise.all(
        shards.map(async (records, i) => ({ source: `shard-${i}`, report: await run(records) })),
      );
      const merged = mergeReports(parts);
      expect(decided(merged)).toEqual(decided(single));
      expect(merged.sketches.live.count).toBe(92);
    }
  });

  it('with --shard i/N over one log (malformed and unsafe lines included), merges to the counts of one run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bg-replay-shards-'));
    const log = join(dir, 'records.jsonl');
    const lines = all.map((r) => JSON.stringify({ method: r.method, path: r.path, route: r.route }));
    for (let i = 0; i < 9; i += 1) {
      lines.splice(
        i * 10,
        0,
        i % 2 ? '{"method": "GET", "path": "/cut' : JSON.stringify({ method: 'POST', path: `/orders/${i}` }),
      );
    }
    await writeFile(log, `${lines.join('\n')}\n`);
    const fromLog = (shard?: { index: number; total: number }) =>
      validate({
        logs: [{ kind: 'file', path: log }],
        live: live.url,
        candidate: candidate.url,
        rps: 0,
        sample: 1000,
        threshold: 0.8,
        minSamples: 3,
        ...(shard ? { shard } : {}),
      });
    const single = await fromLog();
    expect(single.counts).toMatchObject({
      read: 101,
      compared: 92,
      skipped: { malformed: 4, unsafeMethod: 5, filtered: 0 },
    });
    for (const n of [3, 7]) {
      const parts = [];
      for (let index = 1; index <= n; index += 1) {
        parts.push({ source: `shard-${index}`, report: await fromLog({ index, total: n }) });
      }
      const merged = mergeReports(parts);
      expect(merged.counts).toEqual(single.counts);
      expect(merged.verdict).toBe(single.verdict);
      expect(merged.malformed.map((m) => m.line).sort((a, b) => a - b)).toEqual(
        single.malformed.map((m) => m.line),
      );
      expect(merged.shard).toBeUndefined();
      if (n === 3) {
        expect(parts[0]?.report.shard).toEqual({ index: 1, total: 3 });
        const first = parts[0] as (typeof parts)[number];
        expect(() => mergeReports([first, { ...first, source: 'copy.json' }])).toThrow(
          /copy\.json: shard 1\/3 is also shard-1; give each shard once/,
        );
        const partial = mergeReports(parts.slice(0, 2));
        expect(partial.reasons).toContainEqual(expect.objectContaining({ code: 'missing-shards' }));
        expect(partial.verdict).not.toBe('pass');
      }
    }
  });
});
