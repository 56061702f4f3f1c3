import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type TestServer } from '@bg-replay/test-utils';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { replayCommand } from '../../src/commands/replay.js';
import { LOOPBACK_REPLAY_FLAGS, runCommand } from '../_runCommand.js';

const hostile = fileURLToPath(new URL('../../../../fixtures/hostile/', import.meta.url));
const TOKEN = 'Bearer INJECTED-LIVE-CREDENTIAL-42';

let live: TestServer;
let candidate: TestServer;
/** A host named by the logs (URLs, X-Forwarded-Host, Forwarded, redirects): it must hear nothing. */
let third: TestServer;
let dir: string;

/** Live and candidate answer alike; `/products/1` redirects to the third host, which must not be followed. */
const answer =
  (thirdUrl: () => string) => async (req: { url?: string }, res: import('node:http').ServerResponse) => {
    if (req.url?.includes('/products/1')) {
      res.writeHead(302, { location: `${thirdUrl()}/stolen` });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  };

beforeAll(async () => {
  third = await startServer((_req, res) => {
    res.end('third');
  });
  live = await startServer(answer(() => third.url));
  candidate = await startServer(answer(() => third.url));
  dir = await mkdtemp(join(tmpdir(), 'bg-replay-safety-'));
});
afterAll(async () => {
  await Promise.all([live.close(), candidate.close(), third.close()]);
});
beforeEach(() => {
  live.requests.length = 0;
  candidate.requests.length = 0;
  third.requests.length = 0;
});

/** Runs `bg-replay replay` of a hostile log against live and candidate under `/prod`, with the token injected. */
async function replay(log: string, ...more: string[]) {
  const json = join(dir, `${log}.json`);
  const result = await runCommand(
    replayCommand,
    [
      'replay',
      '--logs',
      join(hostile, log),
      '--live',
      `${live.url}/prod`,
      '--candidate',
      `${candidate.url}/prod`,
      '--header',
      'Authorization: env:TOKEN',
      ...LOOPBACK_REPLAY_FLAGS,
      '--min-samples',
      '1',
      '--report-json',
      json,
      ...more,
    ],
    { env: { TOKEN }, cwd: dir },
  );
  const text = await readFile(json, 'utf8');
  return { ...result, text, report: JSON.parse(text) };
}

const seen = (server: TestServer) => server.requests.map((r) => `${r.method} ${r.url}`).sort();

describe('request-side safety, driven through the CLI against loopback servers', () => {
  it('replays what the safety check judged: duplicate or nested methods and paths never reach live', async () => {
    const { report } = await replay('apigw-duplicate-keys.log');
    expect(seen(live)).toEqual(['GET /prod/products/1']);
    expect(seen(candidate)).toEqual(['GET /prod/products/1']);
    expect(live.requests[0]?.headers.authorization).toBe(TOKEN);
    expect(third.requests).toEqual([]);
    expect(report.counts.skipped).toEqual({ malformed: 2, unsafeMethod: 2, filtered: 1 });
    expect(report.malformed.map((m: { line: number; reason: string }) => `${m.line} ${m.reason}`)).toEqual([
      '2 duplicate key "httpMethod"',
      '4 duplicate key "path"',
    ]);
    expect(report.safety.refusedPaths).toBe(1);
  });

  it('sends canonical paths under the base path, so dot segments, //, case, escapes and ;params cannot dodge --exclude', async () => {
    const { report, text } = await replay('alb-dot-segments.log', '--exclude', '/admin/**');
    expect(seen(live)).toEqual(['GET /prod/products/1', 'GET /prod/products/2', 'GET /prod/products/3/']);
    expect(seen(candidate)).toEqual(seen(live));
    expect(third.requests).toEqual([]);
    expect(report.counts.skipped.filtered).toBe(8);
    expect(report.safety.refusedPaths).toBe(2);
    // The report names the paths that were sent, not the logged spellings.
    expect(text).not.toMatch(/%2e|\/\.\/|\.\.\//i);
  });

  it('strips secrets by name pattern and by value, and method-override, routing and client-refused headers', async () => {
    const { report, text } = await replay('har-secrets.har', '--allow-methods', 'GET,POST');
    expect(seen(live)).toEqual([
      'GET /prod/notes/1?aws=[redacted]',
      'GET /prod/orders/1?page=2',
      'GET /prod/reset/[redacted]/confirm?next=/orders',
      'POST /prod/notes',
    ]);
    const orders = live.requests.find((r) => r.url.startsWith('/prod/orders'));
    const sentNames = Object.keys(orders?.headers ?? {}).sort();
    expect(sentNames).toEqual(['accept', 'authorization', 'connection', 'host', 'user-agent']);
    expect(orders?.headers.authorization).toBe(TOKEN);
    expect(live.requests.find((r) => r.url.startsWith('/prod/notes/1'))?.headers['x-trace-note']).toBe(
      'copied [redacted]',
    );
    expect(JSON.parse(live.requests.find((r) => r.method === 'POST')?.body ?? '{}')).toEqual({
      note: 'token [redacted]',
    });
    const sent = JSON.stringify(live.requests) + JSON.stringify(candidate.requests);
    expect(sent).not.toMatch(/HOSTILE-|eyJ|AKIAHOSTILE/);
    expect(text).not.toMatch(/HOSTILE-|eyJ|AKIAHOSTILE|INJECTED-LIVE-CREDENTIAL/);
    expect(third.requests).toEqual([]);
    // A logged `Expect: 100-continue` is dropped and counted, not blamed on live.
    expect(report.counts.errors).toEqual({ live: 0, candidate: 0 });
    expect(report.safety).toEqual({
      refusedPaths: 0,
      stripped: {
        _method: 1,
        forwarded: 1,
        'x-forwarded-host': 1,
        'x-http-method-override': 1,
        'x-original-url': 1,
      },
      dropped: { expect: 1 },
      masked: 4,
    });
  });

  it('holds --rps with the noise probe: no one-second window at live sees more than the cap', async () => {
    const times: number[] = [];
    const timed = await startServer((_req, res) => {
      times.push(performance.now());
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    try {
      const lines = Array.from({ length: 14 }, (_, i) =>
        JSON.stringify({ method: 'GET', path: `/items/${i}`, headers: {} }),
      );
      const log = join(dir, 'many.jsonl');
      await writeFile(log, `${lines.join('\n')}\n`);
      const start = performance.now();
      const result = await runCommand(
        replayCommand,
        [
          'replay',
          '--logs',
          log,
          '--live',
          timed.url,
          '--candidate',
          candidate.url,
          '--rps',
          '5',
          '--timeout',
          '60000',
          '--noise-probe',
          '1',
          '--min-samples',
          '1',
        ],
        { cwd: dir },
      );
      // 14 records cannot show a 99% match rate: the verdict is not the point, the pacing is.
      expect(result.stdout).toMatch(/verdict: (PASS|FAIL|INCONCLUSIVE)/);
      expect(times).toHaveLength(28);
      // 28 live requests (records and probes) at 5 a second: the last cannot arrive before 5 s have passed,
      // however fast the machine. (That no one-second window exceeds the cap is shown on a virtual clock in
      // core's createRateLimiter.test.ts: arrival times on a loaded machine can bunch a late request with the
      // next one, which says nothing about when they were sent.)
      expect(Math.max(...times) - start).toBeGreaterThanOrEqual(5000);
    } finally {
      await timed.close();
    }
  }, 30_000);

  it('refuses a report path that is an input, naming both flags, and leaves the input untouched', async () => {
    const log = join(dir, 'input.log');
    await copyFile(join(hostile, 'apigw-duplicate-keys.log'), log);
    const before = await readFile(log, 'utf8');
    await expect(
      runCommand(
        replayCommand,
        [
          'replay',
          '--logs',
          log,
          '--live',
          live.url,
          '--candidate',
          candidate.url,
          '--report-json',
          './input.log',
        ],
        { cwd: dir },
      ),
    ).rejects.toThrow(`--report-json ./input.log is also --logs ${log}: the report would overwrite an input`);
    expect(await readFile(log, 'utf8')).toBe(before);
    expect(live.requests).toEqual([]);
  });
});
