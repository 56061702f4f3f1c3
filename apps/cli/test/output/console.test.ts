import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendJson, startServer, type TestServer } from '@bg-replay/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { replayCommand } from '../../src/commands/replay.js';
import { LOOPBACK_REPLAY_FLAGS, runCommand } from '../_runCommand.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

/**
 * A loopback URL on which nothing listens: a privileged port, which no test server (port 0 takes an ephemeral
 * port) can be given. A port taken from the OS and released again could be handed to another test meanwhile.
 */
const REFUSED = 'http://127.0.0.1:1';

/** A JSONL log of `count` GETs on one route. */
async function log(count: number, route = 'GET /orders/:id'): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'bg-replay-console-'));
  const file = join(dir, 'log.jsonl');
  const lines = Array.from({ length: count }, (_, i) =>
    JSON.stringify({ method: 'GET', path: `/orders/${i + 1}`, headers: {}, route }),
  );
  await writeFile(file, `${lines.join('\n')}\n`);
  return { dir, file };
}

const replay = (file: string, live: string, candidate: string, ...more: string[]) =>
  runCommand(replayCommand, [
    'replay',
    '--logs',
    file,
    '--live',
    live,
    '--candidate',
    candidate,
    ...LOOPBACK_REPLAY_FLAGS,
    ...more,
  ]);

describe('the console summary in CI', () => {
  it('passes 300 of 300 matching records at the default threshold and confidence', async () => {
    const same = (req: { url?: string | undefined }, res: Parameters<typeof sendJson>[0]) =>
      sendJson(res, 200, { id: req.url, ok: true });
    const live = await serve(same);
    const candidate = await serve(same);
    const { file } = await log(300);
    const r = await replay(file, live.url, candidate.url);
    expect(r.stdout).toMatch(/verdict: PASS/);
    expect(r.code).toBe(0);
    expect(live.requests).toHaveLength(300);
    expect(candidate.requests).toHaveLength(300);
    expect(r.stdout).toMatch(/GET \/orders\/:id\s+300\s+300\s+300\/300\s+100\.0%\s+99\.1%\s+–\s+ok/);
  });

  it('names the transport cause when the candidate is down', async () => {
    const live = await serve((_req, res) => sendJson(res, 200, { ok: true }));
    const { file } = await log(20);
    const r = await replay(file, live.url, REFUSED, '--retries', '0');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('candidate: connection refused ×20');
    expect(r.stdout).toContain(
      'GET /orders/:id: candidate failed to answer 20 request(s) that live answered (connection refused ×20)',
    );
    expect(live.requests).toHaveLength(20);
  });

  it('never passes when both sides answer 503 to everything, even with --live-error-breaker 1', async () => {
    const down = (_req: unknown, res: Parameters<typeof sendJson>[0]) =>
      sendJson(res, 503, { error: 'unavailable' });
    const live = await serve(down);
    const candidate = await serve(down);
    const { file, dir } = await log(30);
    const r = await replay(
      file,
      live.url,
      candidate.url,
      '--live-error-breaker',
      '1',
      '--report-json',
      join(dir, 'r.json'),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/verdict: INCONCLUSIVE/);
    expect(r.stdout).toContain('live: answered 5xx ×30');
    expect(r.stdout).toContain('30 record(s) were not compared because live failed (answered 5xx ×30)');
    const report = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8'));
    expect(report.counts.compared).toBe(0);
    expect(candidate.requests).toHaveLength(30);
  });

  it('counts critical records with values in brackets and ranks body differences before header differences', async () => {
    const live = await serve((req, res) => {
      res.setHeader('cache-control', 'max-age=60');
      sendJson(res, 200, { id: req.url, a: 1, b: 2, note: 'x' });
    });
    // Every answer: two removed fields (breaking), a changed header, and on a third of them a changed note.
    const candidate = await serve((req, res) => {
      res.setHeader('cache-control', 'no-store');
      const n = Number(req.url?.split('/')[2]);
      sendJson(res, 200, { id: req.url, note: n % 3 === 0 ? 'y' : 'x' });
    });
    const { file } = await log(12);
    const r = await replay(file, live.url, candidate.url);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/GET \/orders\/:id\s+12\s+12\s+0\/12\s+0\.0%\s+0\.0%\s+12 \[24 values\]\s+fail/);
    const top = r.stdout.slice(r.stdout.indexOf('top differences:'));
    // The header differs on all 12 records, the note on 4: still the note comes first.
    expect(top.indexOf('/headers/cache-control')).toBeGreaterThan(top.indexOf('/note'));
    expect(top.indexOf('/note')).toBeGreaterThan(0);
    expect(top).toMatch(/\/note\s+changed ×4/);
  });
});
