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
});
