import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendJson, startServer, type TestServer } from '@bg-replay/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BgReplayError, validate } from '../src/index.js';

type Handler = Parameters<typeof startServer>[0];

const product = (id: number, price: unknown) => ({ id, name: `product ${id}`, price });

function shop(priceOf: (id: number) => unknown): Handler {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const match = /^\/products\/(\d+)$/.exec(url.pathname);
    if (match) return sendJson(res, 200, product(Number(match[1]), priceOf(Number(match[1]))));
    if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok' });
    sendJson(res, 404, { error: 'not found' });
  };
}

function apigwLine(method: string, path: string, resourcePath: string): string {
  return JSON.stringify({
    httpMethod: method,
    path,
    resourcePath,
    status: '200',
    requestTime: '26/Nov/2026:10:00:00 +0000',
  });
}

let dir: string;
let logFile: string;
let live: TestServer;
let same: TestServer;
let broken: TestServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bg-replay-validate-'));
  const lines: string[] = [];
  for (let i = 1; i <= 30; i += 1) lines.push(apigwLine('GET', `/products/${i}`, '/products/{id}'));
  for (let i = 0; i < 25; i += 1) lines.push(apigwLine('GET', '/health', '/health'));
  lines.push(
    apigwLine('POST', '/products', '/products'),
    apigwLine('DELETE', '/products/3', '/products/{id}'),
  );
  lines.push('{"httpMethod": "GET", "path": "/trunc', 'not json at all');
  logFile = join(dir, 'access.log');
  await writeFile(logFile, `${lines.join('\n')}\n`);
  live = await startServer(shop((id) => id * 1.5));
  same = await startServer(shop((id) => id * 1.5));
  // The candidate's bug: prices of even products became strings.
  broken = await startServer(shop((id) => (id % 2 === 0 ? String(id * 1.5) : id * 1.5)));
});

afterAll(async () => {
  await Promise.all([live.close(), same.close(), broken.close()]);
});

const base = () => ({
  logs: [{ kind: 'file' as const, path: logFile }],
  sample: 100,
  rps: 0,
  threshold: 0.8,
  // Generous: no test here is about a timeout, and a busy machine must not turn a slow answer into one.
  timeoutMs: 60_000,
});

describe('validate against two real servers', () => {
  it('passes when the candidate answers like live, and counts what it skipped', async () => {
    const report = await validate({ ...base(), live: live.url, candidate: same.url });
    expect(report.verdict).toBe('pass');
    expect(report.counts.read).toBe(59);
    expect(report.counts.skipped.malformed).toBe(2);
    expect(report.counts.skipped.unsafeMethod).toBe(2);
    expect(report.counts.sampled).toBe(55);
    expect(report.counts.matched).toBe(55);
    expect(report.routes.map((r) => r.route)).toEqual(['GET /health', 'GET /products/:id']);
    expect(report.malformed.map((m) => m.line)).toEqual([58, 59]);
  });

  it('never replays a write and sends its own User-Agent', async () => {
    const before = same.requests.length;
    await validate({ ...base(), live: live.url, candidate: same.url });
    const sent = same.requests.slice(before);
    expect(sent.length).toBe(55);
    expect(sent.every((r) => r.method === 'GET')).toBe(true);
    expect(sent.every((r) => String(r.headers['user-agent']).startsWith('bg-replay/'))).toBe(true);
  });

  it('fails with the route, the aggregated pointer and the kind of the difference', async () => {
    const report = await validate({ ...base(), live: live.url, candidate: broken.url });
    expect(report.verdict).toBe('fail');
    const field = report.fields.find((f) => f.count > 0);
    expect(field).toMatchObject({ route: 'GET /products/:id', pointer: '/price', kind: 'type', count: 15 });
    expect(field?.samples[0]).toMatchObject({ method: 'GET' });
    const route = report.routes.find((r) => r.route === 'GET /products/:id');
    expect(route).toMatchObject({ compared: 30, matched: 15, verdict: 'fail' });
    expect(report.routes.find((r) => r.route === 'GET /health')?.matched).toBe(25);
  });

  it('is inconclusive when a route has fewer compared records than --min-samples', async () => {
    const report = await validate({ ...base(), live: live.url, candidate: same.url, minSamples: 26 });
    expect(report.verdict).toBe('inconclusive');
    expect(report.reasons.some((r) => r.code === 'too-few-samples' && r.route === 'GET /health')).toBe(true);
  });

  it('fails when the candidate cannot be reached, and is inconclusive when live cannot', async () => {
    // A privileged port: no test server is given one, so nothing answers (a released port could be reused).
    const url = 'http://127.0.0.1:1';
    const down = await validate({ ...base(), live: live.url, candidate: url });
    expect(down.verdict).toBe('fail');
    expect(down.counts.errors.candidate).toBe(55);
    expect(down.reasons.some((r) => r.code === 'candidate-unreachable')).toBe(true);
    // Live down: the breaker stops the replay after a short window instead of hammering production.
    const liveDown = await validate({ ...base(), live: url, candidate: same.url });
    expect(liveDown.verdict).toBe('inconclusive');
    expect(liveDown.counts.errors.live).toBeGreaterThanOrEqual(10);
    expect(liveDown.counts.errors.live).toBeLessThan(55);
    expect(liveDown.counts.compared).toBe(0);
    expect(liveDown.reasons.some((r) => r.code === 'live-unhealthy')).toBe(true);
  });

  it('retries a GET whose connection was reset before any answer, and never a timeout', async () => {
    let n = 0;
    const handler = shop((id) => id * 1.5);
    const flaky = await startServer((req, res, body) => {
      n += 1;
      if (n % 2 === 1)
        req.socket.destroy(); // every other connection is reset
      else handler(req, res, body);
    });
    const retried = await validate({ ...base(), live: live.url, candidate: flaky.url, concurrency: 1 });
    expect(retried.verdict).toBe('pass');
    expect(retried.counts.errors.candidate).toBe(0);
    expect(n).toBe(110); // 55 records, each answered on its second attempt
    n = 0;
    const once = await validate({
      ...base(),
      live: live.url,
      candidate: flaky.url,
      concurrency: 1,
      retries: 0,
    });
    await flaky.close();
    expect(once.verdict).toBe('fail');
    expect(once.counts.errors.candidate).toBe(28);
  });

  it('does not compare a record live answered with 5xx, unless candidate did too', async () => {
    const failing = await startServer((req, res) => {
      if (req.url?.startsWith('/health')) return sendJson(res, 503, { error: 'down' });
      return sendJson(res, 200, { id: 1 });
    });
    const report = await validate({ ...base(), live: failing.url, candidate: same.url, liveErrorBreaker: 1 });
    await failing.close();
    const health = report.routes.find((r) => r.route === 'GET /health');
    expect(health).toMatchObject({ compared: 0, errors: { live: 25, candidate: 0 } });
    expect(health?.errorCodes?.live).toEqual({ 'status-5xx': 25 });
    expect(report.fields.some((f) => f.route === 'GET /health')).toBe(false);
  });

  it('stops on abort, keeps what finished, and does not blame the candidate for requests cut short', async () => {
    const slow = await startServer((req, res, body) => {
      setTimeout(() => shop((id) => id * 1.5)(req, res, body), 30);
    });
    const controller = new AbortController();
    const report = await validate({
      ...base(),
      live: live.url,
      candidate: slow.url,
      concurrency: 4,
      signal: controller.signal,
      onProgress: (done) => {
        if (done === 10) controller.abort();
      },
    });
    await slow.close();
    expect(report.verdict).toBe('inconclusive');
    expect(report.counts.compared).toBeGreaterThanOrEqual(10);
    expect(report.counts.compared).toBeLessThan(55);
    expect(report.counts.errors.candidate).toBe(0);
    expect(report.reasons.map((r) => r.code)).toContain('aborted');
  });

  it("redacts secrets in the response headers it reports: the run's secret headers and tokens in URLs", async () => {
    const answering = (side: string) =>
      startServer((_req, res) =>
        sendJson(
          res,
          200,
          { ok: true },
          {
            location: `/cb?access_token=tok-${side}-0123456789&page=2`,
            'x-session': `sess-${side}-0123456789`,
          },
        ),
      );
    const [a, b] = await Promise.all([answering('live'), answering('next')]);
    const report = await validate({
      ...base(),
      live: a.url,
      candidate: b.url,
      compareHeaders: ['location', 'x-session'],
      secretHeaders: ['x-session'],
    });
    await Promise.all([a.close(), b.close()]);
    const text = JSON.stringify(report);
    expect(report.fields.map((f) => f.pointer)).toEqual(
      expect.arrayContaining(['/headers/location', '/headers/x-session']),
    );
    expect(text).not.toMatch(/tok-(live|next)|sess-(live|next)/);
    expect(text).toContain('/cb?access_token=[redacted]&page=2');
  });

  it('hides differences with an ignore rule and reports the hits', async () => {
    const rules = join(dir, 'rules.yaml');
    await writeFile(
      rules,
      'rules:\n  - id: price-text\n    pointer: /price\n    ignore: true\n  - id: never\n    pointer: /nothing\n    ignore: true\n',
    );
    const report = await validate({ ...base(), live: live.url, candidate: broken.url, rules });
    expect(report.verdict).toBe('pass');
    expect(report.rules.hits['price-text']).toBe(15);
    expect(report.rules.unused).toEqual(['never']);
  });

  it('rejects a bad URL, a missing log and a broken rules file as user errors naming them', async () => {
    await expect(validate({ ...base(), live: 'nope', candidate: same.url })).rejects.toThrow(
      /^live nope: not a URL/,
    );
    await expect(
      validate({
        ...base(),
        logs: [{ kind: 'file', path: join(dir, 'missing.log') }],
        live: live.url,
        candidate: same.url,
      }),
    ).rejects.toThrow(/missing\.log: no such file/);
    const rules = join(dir, 'broken.yaml');
    await writeFile(rules, 'rules:\n  - id: a\n    pointer: price\n');
    const error = await validate({ ...base(), live: live.url, candidate: same.url, rules }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BgReplayError);
    expect((error as BgReplayError).message).toMatch(/broken\.yaml:3: .*pointer/);
  });
});
