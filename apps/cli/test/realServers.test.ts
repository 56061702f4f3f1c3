import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@bg-replay/test-utils';
import fastifyCompress from '@fastify/compress';
import compression from 'compression';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { replaySmallLog } from './_runCommand.js';

/**
 * `bg-replay replay` against real web frameworks from npm, as teams run them: Express 5 with the
 * `compression` middleware and Fastify 5 with `@fastify/compress`. Their answers come gzip- or
 * brotli-encoded, chunked, with the headers each framework sets, so the HTTP client, the decoding and the
 * comparison meet what production sends rather than what a test server writes by hand.
 */

/** One order, as version 1 of the shop answers it; `v2` renames `total` to `amount`. */
const order = (id: number, version: 1 | 2) => {
  const total = Math.round(id * 1234.5) / 100;
  return {
    id,
    status: id % 3 === 0 ? 'shipped' : 'open',
    ...(version === 1 ? { total } : { amount: total }),
    currency: 'EUR',
    lines: Array.from({ length: 1 + (id % 4) }, (_, i) => ({ sku: `SKU-${id}-${i}`, qty: i + 1 })),
  };
};
/** A catalogue large enough (~250 KB) to arrive in many chunks and be compressed in several blocks. */
const catalogue = Array.from({ length: 2000 }, (_, i) => ({
  sku: `SKU-${i}`,
  name: `Product ${i} with a description long enough to matter`,
  price: (i % 97) + 0.99,
  tags: ['a', 'b', `t${i % 13}`],
}));

/** The content-encoding of each answer an Express shop sent. */
type Encodings = string[];

function expressShop(version: 1 | 2, encodings: Encodings = []) {
  const app = express();
  app.use((_req, res, next) => {
    res.on('finish', () => encodings.push(String(res.getHeader('content-encoding') ?? 'identity')));
    next();
  });
  app.use(compression({ threshold: 0 }));
  app.get('/orders/:id', (req, res) => {
    res.json(order(Number(req.params.id), version));
  });
  app.get('/catalogue', (_req, res) => {
    res.json(catalogue);
  });
  app.get('/health', (_req, res) => {
    res.type('text/plain').send('ok');
  });
  return app;
}

function fastifyShop(): FastifyInstance {
  const app = Fastify();
  // threshold 0: every answer is encoded, as the Express shop's are.
  app.register(fastifyCompress, { threshold: 0 });
  app.register(async (scope) => {
    scope.get<{ Params: { id: string } }>('/orders/:id', async (req) => order(Number(req.params.id), 1));
    scope.get('/catalogue', async () => catalogue);
    // Express says `text/plain; charset=utf-8`; Fastify's bare `text/plain` would be reported as a header
    // change (a text/plain answer without a charset is US-ASCII to a client that follows RFC 2046).
    scope.get('/health', async (_req, reply) => reply.type('text/plain; charset=utf-8').send('ok'));
  });
  return app;
}

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** Serves an Express app on loopback with the project's test server (which reads each request first). */
async function listenExpress(app: ReturnType<typeof express>): Promise<string> {
  const server = await startServer((req, res) => {
    app(req, res);
  });
  closers.push(() => server.close());
  return server.url;
}

async function listenFastify(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  closers.push(() => app.close());
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

let dir: string;
let log: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bg-replay-real-servers-'));
  log = join(dir, 'requests.jsonl');
  // What a browser or SDK sends: each record asks for a compressed answer, in one of the three encodings.
  const encodings = ['gzip, deflate, br', 'gzip', 'br'];
  const lines: string[] = [];
  for (let i = 1; i <= 12; i += 1) {
    const headers = { 'accept-encoding': encodings[i % 3] as string, accept: 'application/json' };
    lines.push(JSON.stringify({ method: 'GET', path: `/orders/${i}`, headers }));
    if (i <= 6) lines.push(JSON.stringify({ method: 'GET', path: '/catalogue', headers }));
    if (i <= 6) lines.push(JSON.stringify({ method: 'GET', path: '/health', headers }));
  }
  await writeFile(log, `${lines.join('\n')}\n`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const replay = (live: string, candidate: string, out: string) =>
  replaySmallLog(log, live, candidate, ['--report-json', out], { cwd: dir });

describe('against real frameworks from npm', () => {
  it('Express 5 with compression: passes a release that changes nothing, every answer decoded and compared', async () => {
    const encodings: Encodings = [];
    const live = await listenExpress(expressShop(1, encodings));
    const candidate = await listenExpress(expressShop(1));
    const out = join(dir, 'express-same.json');
    const result = await replay(live, candidate, out);
    expect(result.stdout).toMatch(/verdict: PASS/);
    expect(result.code).toBe(0);
    const report = JSON.parse(await readFile(out, 'utf8'));
    expect(report.counts.compared).toBe(24);
    expect(report.counts.errors).toEqual({ live: 0, candidate: 0 });
    expect(report.fields).toEqual([]);
    // Every answer was encoded, in both encodings the records asked for.
    expect(new Set(encodings)).toEqual(new Set(['gzip', 'br']));
  });

  it('Express 5 with compression: fails a release that renames a field, naming the route and both pointers', async () => {
    const live = await listenExpress(expressShop(1));
    const candidate = await listenExpress(expressShop(2));
    const out = join(dir, 'express-renamed.json');
    const result = await replay(live, candidate, out);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/verdict: FAIL/);
    const report = JSON.parse(await readFile(out, 'utf8'));
    const fields = report.fields.map((f: { route: string; pointer: string; kind: string; count: number }) =>
      [f.route, f.pointer, f.kind, f.count].join(' '),
    );
    expect(fields.sort()).toEqual(['GET /orders/:id /amount added 12', 'GET /orders/:id /total removed 12']);
    // The catalogue (compressed in many blocks) and the text route compared equal.
    expect(report.counts.compared).toBe(24);
  });

  it('an Express shop moved to Fastify with the same answers passes: encodings and framework headers are not differences', async () => {
    const live = await listenExpress(expressShop(1));
    const candidate = await listenFastify(fastifyShop());
    const out = join(dir, 'express-to-fastify.json');
    const result = await replay(live, candidate, out);
    const report = JSON.parse(await readFile(out, 'utf8'));
    expect(report.fields).toEqual([]);
    expect(report.counts.compared).toBe(24);
    expect(result.stdout).toMatch(/verdict: PASS/);
    expect(result.code).toBe(0);
  });
});
