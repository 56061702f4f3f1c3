import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type TestServer } from '@bg-replay/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { learnNoiseCommand } from '../src/commands/learnNoise.js';
import { LOOPBACK_REPLAY_FLAGS, replaySmallLog, runCommand } from './_runCommand.js';

/**
 * The comparison defects of issues 11 and 12, end to end: `bg-replay replay` (and `learn-noise`) against
 * pairs of loopback services, asserting the verdict, the named pointers and what the services received.
 */

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let dir: string;
let log: string;
const servers: TestServer[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bg-replay-comparison-'));
  log = join(dir, 'requests.jsonl');
  const lines = Array.from({ length: 8 }, (_, i) =>
    JSON.stringify({ method: 'GET', path: `/things/${i + 1}`, route: 'GET /things/:id' }),
  );
  await writeFile(log, `${lines.join('\n')}\n`);
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function pair(live: Handler, candidate: Handler): Promise<[TestServer, TestServer]> {
  const started = await Promise.all([startServer(live), startServer(candidate)]);
  servers.push(...started);
  return started;
}

const json = (res: ServerResponse, body: string, headers: Record<string, string> = {}) => {
  res.writeHead(200, { 'content-type': 'application/json', ...headers });
  res.end(body);
};

/** `bg-replay replay` of the eight records, strict enough that one differing record per route fails. */
const replay = (live: string, candidate: string, ...more: string[]) =>
  replaySmallLog(log, live, candidate, more, { cwd: dir });

describe('self-URLs', () => {
  /** A healthy service that builds its links from the Host it was called on, under a base path. */
  const selfLinking: Handler = (req, res) => {
    const origin = `http://${req.headers.host}`;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const self = `${origin}${path}`;
    // `escaped` is written as JSON may write it, with each `/` escaped as `\/`.
    json(
      res,
      `{"id":${JSON.stringify(path.split('/').at(-1))},"links":{"self":${JSON.stringify(self)},"escaped":"${self.replace(/\//g, '\\/')}"}}`,
      { link: `<${self}?page=2>; rel="next"`, 'content-location': self, 'x-total-count': '8' },
    );
  };

  it('passes a healthy pair whose answers carry their own hosts in Link, Content-Location and links.self', async () => {
    const [live, candidate] = await pair(selfLinking, selfLinking);
    const out = join(dir, 'self.json');
    const result = await replay(`${live.url}/api`, `${candidate.url}/api`, '--report-json', out);
    expect(result.stdout).toMatch(/verdict: PASS/);
    expect(result.code).toBe(0);
    expect(live.requests.map((r) => r.url).sort()[0]).toBe('/api/things/1');
    const report = JSON.parse(await readFile(out, 'utf8'));
    expect(report.normalized.origins).toBeGreaterThanOrEqual(16);
  });

  it('fails the same pair with --no-normalize-origins, naming the link header and links.self', async () => {
    const [live, candidate] = await pair(selfLinking, selfLinking);
    const result = await replay(live.url, candidate.url, '--no-normalize-origins');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\/headers\/link/);
    expect(result.stdout).toMatch(/\/links\/self/);
  });

  it('refuses --header Host as a usage error (exit 2) naming the flag, sending nothing', async () => {
    const [live, candidate] = await pair(selfLinking, selfLinking);
    await expect(replay(live.url, candidate.url, '--header', 'Host: shop.example.com')).rejects.toMatchObject(
      {
        code: 'E_USAGE',
        message: expect.stringMatching(/^--header host: a Host header cannot be injected/),
      },
    );
    expect(live.requests).toHaveLength(0);
  });
});

describe('headers compared by default', () => {
  it('fails a release that drops X-Total-Count and Link, naming both', async () => {
    const page =
      (headers: Record<string, string>): Handler =>
      (_req, res) =>
        json(res, '{"items":[]}', headers);
    const [live, candidate] = await pair(
      page({ 'x-total-count': '42', link: '</things?page=2>; rel="next"' }),
      page({}),
    );
    const out = join(dir, 'headers.json');
    const result = await replay(live.url, candidate.url, '--report-json', out);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\/headers\/x-total-count\s+header/);
    expect(result.stdout).toMatch(/\/headers\/link\s+header/);
    const report = JSON.parse(await readFile(out, 'utf8'));
    expect(report.routes[0].critical.breaking).toBe(16);
  });

  it('passes Vary and CORS lists given in another order', async () => {
    const [live, candidate] = await pair(
      (_req, res) =>
        json(res, '{}', {
          vary: 'Accept-Encoding, Origin',
          'access-control-expose-headers': 'X-Total-Count, Link',
        }),
      (_req, res) =>
        json(res, '{}', {
          vary: 'origin, accept-encoding',
          'access-control-expose-headers': 'Link,X-Total-Count',
        }),
    );
    const result = await replay(live.url, candidate.url);
    expect(result.stdout).toMatch(/verdict: PASS/);
  });
});

describe('semver prereleases', () => {
  const versioned =
    (version: string, price: unknown): Handler =>
    (_req, res) =>
      json(res, JSON.stringify({ price }), { 'x-service-version': version });

  it('applies a rule for >=1.0.0 to candidate 1.0.0-beta.15, and not with prerelease: exact', async () => {
    const [live, candidate] = await pair(versioned('0.9.0', 10), versioned('1.0.0-beta.15', { amount: 10 }));
    const rules = (extra: string) =>
      `rules:\n  - id: price-object\n    pointer: /price\n    kinds: [type]\n    when: { candidate: ">=1.0.0"${extra} }\n    allow: true\n`;
    await writeFile(join(dir, 'pre.yaml'), rules(''));
    await writeFile(join(dir, 'exact.yaml'), rules(', prerelease: exact'));
    const allowed = await replay(
      live.url,
      candidate.url,
      '--version-header',
      'x-service-version',
      '--rules',
      'pre.yaml',
    );
    expect(allowed.stdout).toMatch(/verdict: PASS/);
    expect(allowed.code).toBe(0);
    const exact = await replay(
      live.url,
      candidate.url,
      '--version-header',
      'x-service-version',
      '--rules',
      'exact.yaml',
    );
    expect(exact.code).toBe(1);
    expect(exact.stdout).toMatch(/\/price\s+type/);
  });
});

describe('false passes', () => {
  it('fails on integers above 2^53 and on 1e400 against 2e400, naming both', async () => {
    const [live, candidate] = await pair(
      (_req, res) => json(res, '{"id":12345678901234567891,"big":1e400,"same":10E+399}'),
      (_req, res) => json(res, '{"id":12345678901234567892,"big":2e400,"same":1e400}'),
    );
    const out = join(dir, 'numbers.json');
    const result = await replay(live.url, candidate.url, '--report-json', out);
    expect(result.code).toBe(1);
    const report = JSON.parse(await readFile(out, 'utf8'));
    const fields = report.fields
      .map((f: { pointer: string; kind: string }) => `${f.pointer} ${f.kind}`)
      .sort();
    expect(fields).toEqual(['/big changed', '/id changed']);
    const id = report.fields.find((f: { pointer: string }) => f.pointer === '/id');
    expect(id.samples[0]).toMatchObject({ live: '12345678901234567891', candidate: '12345678901234567892' });
  });

  it('fails on bodies that differ only in invalid UTF-8 bytes', async () => {
    const bytes =
      (last: number): Handler =>
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(Buffer.from([0x6f, 0x6b, 0x20, last]));
      };
    const [live, candidate] = await pair(bytes(0xff), bytes(0xfe));
    const result = await replay(live.url, candidate.url);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\(body\)\s+changed/);
  });

  it('fails when the bodies differ only past --max-body, reporting the truncation', async () => {
    const long =
      (tail: string): Handler =>
      (_req, res) =>
        json(res, JSON.stringify({ pad: 'x'.repeat(200), tail }));
    const [live, candidate] = await pair(long('live'), long('candidate'));
    const result = await replay(live.url, candidate.url, '--max-body', '100');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\(body\)\s+truncated/);
    const same = await replay(live.url, live.url, '--max-body', '100');
    expect(same.code).toBe(1);
  });

  it('learns a response key named ** as a rule that does not hide a real /price change', async () => {
    const noisy =
      (price: number): Handler =>
      (_req, res) =>
        json(res, JSON.stringify({ '**': Math.random().toString(36), price }));
    const [live, candidate] = await pair(noisy(10), noisy(11));
    const learned = await runCommand(
      learnNoiseCommand,
      [
        'learn-noise',
        '--logs',
        log,
        '--live',
        live.url,
        '--candidate',
        live.url,
        ...LOOPBACK_REPLAY_FLAGS,
        '--out',
        'stars.yaml',
      ],
      { cwd: dir },
    );
    expect(learned.code).toBe(0);
    const text = await readFile(join(dir, 'stars.yaml'), 'utf8');
    expect(text).toMatch(/pointer: \/\\\*\*/);
    const result = await replay(live.url, candidate.url, '--rules', 'stars.yaml');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\/price\s+changed/);
    expect(result.stdout).not.toMatch(/\/\\\*\*\s+changed/);
  });
});
