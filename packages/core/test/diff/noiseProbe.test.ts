import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type TestServer } from '@bg-replay/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/model.js';
import { learnNoiseRules } from '../../src/noise/learnNoiseRules.js';
import { formatRulesFile } from '../../src/rules/formatRules.js';
import { type ValidateOptions, validate } from '../../src/validate.js';

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/**
 * The same version twice: every answer carries a request id and a timestamp (the normalizers' job), an
 * opaque cursor and an expiry an hour ahead (noise no normalizer knows), and items in a random order.
 */
function catalogService() {
  return startServer((req, res) => {
    const page = Number(req.url?.split('/')[2] ?? 0);
    const items = Array.from({ length: 8 }, (_, i) => ({
      id: `p${page}-${i}`,
      name: `product ${i}`,
      price: 10 + i,
    }));
    const body = {
      page,
      requestId: crypto.randomUUID(),
      generatedAt: new Date().toISOString(),
      cursor: `c_${Math.random().toString(16).slice(2, 14)}`,
      expiresAt: new Date(Date.now() + 3_600_000 + Math.floor(Math.random() * 60_000)).toISOString(),
      items: shuffled(items),
    };
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': crypto.randomUUID() });
    res.end(JSON.stringify(body));
  });
}

const records: RequestRecord[] = Array.from({ length: 12 }, (_, i) => ({
  method: 'GET',
  path: `/catalog/${i + 1}`,
  headers: {},
  route: 'GET /catalog/:page',
}));

describe('a candidate that differs from live only by noise', () => {
  let live: TestServer;
  let candidate: TestServer;
  let dir: string;
  beforeAll(async () => {
    [live, candidate] = await Promise.all([catalogService(), catalogService()]);
    dir = await mkdtemp(join(tmpdir(), 'bg-replay-noise-'));
  });
  afterAll(async () => {
    await Promise.all([live.close(), candidate.close(), rm(dir, { recursive: true, force: true })]);
  });

  const run = (options: Partial<ValidateOptions> = {}) =>
    validate({
      logs: [{ kind: 'records', name: 'catalog', records }],
      live: live.url,
      candidate: candidate.url,
      rps: 0,
      minSamples: 5,
      threshold: 0.7,
      ...options,
    });

  it('fails without the noise probe: the cursor, the expiry and the order count', async () => {
    const report = await run();
    expect(report.verdict).toBe('fail');
    const counted = new Set(report.fields.filter((f) => f.count > 0).map((f) => f.pointer));
    expect(counted).toContain('/cursor');
    expect(counted).toContain('/expiresAt');
    expect(counted).toContain('/items/*/id');
  });

  it('passes with the noise probe, and the learned rules reproduce the pass without it', async () => {
    const before = live.requests.length;
    const probed = await run({ noiseProbe: 1 });
    expect(probed.verdict, JSON.stringify(probed.reasons)).toBe('pass');
    expect(live.requests.length - before).toBe(24);
    const noise = probed.noise;
    expect(noise?.routes).toEqual([{ route: 'GET /catalog/:page', compared: 12, probed: 12, judged: true }]);
    const cursor = noise?.pointers.find((p) => p.pointer === '/cursor');
    expect(cursor).toMatchObject({
      raw: 12,
      compared: 12,
      noise: 12,
      probed: 12,
      verdict: 'noise',
      hidden: 12,
    });
    expect(probed.fields.find((f) => f.pointer === '/cursor')?.hidden).toEqual({ noise: 12 });
    expect(noise?.reorders).toEqual([
      expect.objectContaining({ route: 'GET /catalog/:page', pointer: '/items', key: 'id', residual: [] }),
    ]);

    if (!noise) throw new Error('the probe wrote no noise section');
    const rules = learnNoiseRules(noise);
    expect(rules.map((r) => [r.pointer, r.arrayKey ?? (r.ignore ? 'ignore' : '?')])).toEqual([
      ['/items', 'id'],
      ['/cursor', 'ignore'],
      ['/expiresAt', 'ignore'],
    ]);
    const file = join(dir, 'noise.rules.yaml');
    await writeFile(file, formatRulesFile(rules, { comment: 'Learned noise' }));
    expect(await readFile(file, 'utf8')).toMatch(
      /^# Learned noise\nrules:\n {2}- id: noise-get-catalog-page-items-order\n/,
    );

    const replayed = await run({ rules: file });
    expect(replayed.verdict, JSON.stringify(replayed.reasons)).toBe('pass');
    expect(replayed.noise).toBeUndefined();
    expect(replayed.rules.unused).toEqual([]);
    expect(replayed.rules.hits['noise-get-catalog-page-items-order']).toBe(12);
  });
});
