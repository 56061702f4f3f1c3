import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from '@bg-replay/core';
import { startServer, type TestServer } from '@bg-replay/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayCommand } from '../src/commands/replay.js';
import { sampleCommand } from '../src/commands/sample.js';
import { LOOPBACK_REPLAY_FLAGS, runCommand } from './_runCommand.js';

const realistic = fileURLToPath(new URL('../../../fixtures/realistic/', import.meta.url));
const fixture = (name: string) => join(realistic, name);

/** The shop: answers from the path; `regressed` drops cancelled orders from `GET /orders?status=cancelled`. */
function shop(regressed: boolean) {
  return startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://shop.invalid');
    const status = url.searchParams.get('status');
    const body =
      url.pathname === '/orders' && status
        ? {
            status,
            page: Number(url.searchParams.get('page')),
            items: regressed && status === 'cancelled' ? [] : [{ id: 7, status }],
          }
        : { path: url.pathname, page: url.searchParams.get('page') };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
}

let live: TestServer;
let candidate: TestServer;
let regressed: TestServer;
let dir: string;

beforeAll(async () => {
  [live, candidate, regressed] = await Promise.all([shop(false), shop(false), shop(true)]);
  dir = await mkdtemp(join(tmpdir(), 'bg-replay-coverage-'));
});
afterAll(async () => {
  await Promise.all([
    live.close(),
    candidate.close(),
    regressed.close(),
    rm(dir, { recursive: true, force: true }),
  ]);
});

const replay = (logs: string, target: TestServer, ...more: string[]) =>
  runCommand(replayCommand, [
    'replay',
    '--logs',
    logs,
    '--live',
    live.url,
    '--candidate',
    target.url,
    ...LOOPBACK_REPLAY_FLAGS,
    '--concurrency',
    '32',
    ...more,
  ]);

describe('coverage in the verdict, driven through the CLI against loopback servers', () => {
  it('is inconclusive on a console-default API Gateway log, with the cause on the console and in the JSON report', async () => {
    const out = join(dir, 'apigw.json');
    live.requests.length = 0;
    const result = await replay(fixture('apigw-console-default.log'), candidate, '--report-json', out);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/verdict: INCONCLUSIVE/);
    expect(result.stdout).toContain(
      '  - only 46.6% of safe lines (466/1000) could be replayed, below --min-coverage 90.0%: 534 malformed; top cause: no concrete request path (log $context.path) ×534',
    );
    expect(result.stdout).toMatch(/none of 466 records carried a query string/);
    const report = JSON.parse(await readFile(out, 'utf8')) as Report;
    expect(report.verdict).toBe('inconclusive');
    expect(report.reasons[0]?.code).toBe('low-coverage');
    expect(report.reasons.map((r) => r.code)).toContain('no-query-strings');
    expect(report.coverage).toMatchObject({
      safeLines: 1000,
      replayable: 466,
      ratio: 0.466,
      minCoverage: 0.9,
      withoutConcretePath: 534,
    });
    // Only the concrete paths of the log were replayed.
    expect(new Set(live.requests.map((r) => r.url))).toEqual(new Set(['/health', '/products', '/orders']));
  });

  it('passes the same log with --min-coverage 0.4, still warning that the source carried no query string', async () => {
    const result = await replay(fixture('apigw-console-default.log'), candidate, '--min-coverage', '0.4');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/verdict: PASS/);
    expect(result.stdout).toMatch(
      / {2}- .*apigw-console-default\.log: none of 466 records carried a query string/,
    );
  });

  it('catches a regression on GET /orders?status=cancelled (0.25% of traffic) for every one of 10 seeds', async () => {
    const caught: number[] = [];
    for (let seed = 1; seed <= 10; seed += 1) {
      regressed.requests.length = 0;
      const result = await replay(fixture('alb-shop.log.gz'), regressed, '--seed', String(seed));
      const sent = regressed.requests.filter((r) => r.url.includes('status=cancelled')).length;
      expect(sent).toBeGreaterThanOrEqual(5);
      if (result.code === 1 && /GET \/orders: match rate/.test(result.stdout)) caught.push(seed);
    }
    expect(caught).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  }, 180_000);
});

describe('routes from the log, a routes file or an OpenAPI document (bg-replay sample)', () => {
  it('makes one route of SKU-style ids and lists the strata of GET /orders', async () => {
    const result = await runCommand(sampleCommand, [
      'sample',
      '--logs',
      fixture('alb-shop.log.gz'),
      '--out',
      join(dir, 's.jsonl'),
    ]);
    expect(result.code).toBe(0);
    const routes = result.stdout.split('\n').filter((line) => /^(GET|POST) /.test(line));
    expect(routes.map((line) => line.split(/\s{2,}/)[0])).toEqual([
      'GET /orders/:id',
      'GET /products/:id',
      'GET /products',
      'GET /orders',
      'GET /health',
      'GET /products/featured',
    ]);
    expect(result.stdout).toMatch(/^ {2}\?page&status=cancelled\s+\d+\s+10$/m);
    expect(result.stdout).toContain('learned parameters: GET /products/*');
  });

  it('names routes after --routes and --openapi templates', async () => {
    for (const flags of [
      ['--routes', fixture('routes.txt')],
      ['--openapi', fixture('openapi.yaml')],
    ]) {
      const result = await runCommand(sampleCommand, [
        'sample',
        '--logs',
        fixture('alb-shop.log.gz'),
        ...flags,
        '--out',
        join(dir, 't.jsonl'),
      ]);
      expect(result.stdout).toMatch(/^GET \/products\/:sku\s+\d+\s+1200$/m);
      expect(result.stdout).toContain('routes from templates 3800, log 0, inferred 0');
      const lines = (await readFile(join(dir, 't.jsonl'), 'utf8')).trim().split('\n');
      expect(lines.map((l) => JSON.parse(l).route)).toContain('GET /products/:sku');
    }
  });

  it('exits 2 naming the file and line of a bad routes file', async () => {
    await expect(
      runCommand(sampleCommand, [
        'sample',
        '--logs',
        fixture('alb-shop.log.gz'),
        '--routes',
        fixture('openapi.yaml'),
      ]),
    ).rejects.toThrow(/openapi\.yaml:1: "openapi: 3\.0\.3" is not a route template/);
  });

  it("replays only the HAR's own site, skipping fonts and analytics, unless --har-host says otherwise", async () => {
    live.requests.length = 0;
    const result = await replay(
      fixture('shop-session.har'),
      candidate,
      '--min-samples',
      '1',
      '--allow-inconclusive',
    );
    expect(result.code).toBe(0);
    expect(live.requests.map((r) => r.url).sort()).toEqual([
      '/',
      '/orders/4711',
      '/orders?status=pending&page=1',
      '/products/SKU-1042',
      '/products/featured',
      '/products?page=1&limit=20',
    ]);
    const sample = await runCommand(sampleCommand, [
      'sample',
      '--logs',
      fixture('shop-session.har'),
      '--har-host',
      'fonts.gstatic.com',
      '--out',
      join(dir, 'h.jsonl'),
    ]);
    expect(sample.stdout).toContain('skipped: 8 HAR entries of other hosts (--har-host)');
  });
});
