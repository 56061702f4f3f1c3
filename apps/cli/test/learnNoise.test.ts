import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRules } from '@bg-replay/core';
import { startServer, type TestServer } from '@bg-replay/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { learnNoiseCommand } from '../src/commands/learnNoise.js';
import { replayCommand } from '../src/commands/replay.js';
import { LOOPBACK_REPLAY_FLAGS, runCommand } from './_runCommand.js';

/** A service whose answers carry a random cursor and a random order of items: noise, call after call. */
function noisyService() {
  return startServer((req, res) => {
    const items = Array.from({ length: 6 }, (_, i) => ({ id: `i${i}`, qty: i }));
    items.sort(() => Math.random() - 0.5);
    if (items[0]?.id === 'i0') items.push(items.shift() as (typeof items)[number]);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ path: req.url, cursor: `c_${Math.random().toString(36).slice(2, 14)}1`, items }),
    );
  });
}

let live: TestServer;
let candidate: TestServer;
let dir: string;
let log: string;

beforeAll(async () => {
  [live, candidate] = await Promise.all([noisyService(), noisyService()]);
  dir = await mkdtemp(join(tmpdir(), 'bg-replay-learn-'));
  log = join(dir, 'requests.jsonl');
  const lines = Array.from({ length: 8 }, (_, i) =>
    JSON.stringify({ method: 'GET', path: `/things/${i + 1}`, route: 'GET /things/:id' }),
  );
  await writeFile(log, `${lines.join('\n')}\n`);
});
afterAll(async () => {
  await Promise.all([live.close(), candidate.close(), rm(dir, { recursive: true, force: true })]);
});

describe('bg-replay learn-noise', () => {
  it('writes the learned noise as a rules file that makes the replay pass', async () => {
    const common = [
      '--logs',
      log,
      '--live',
      live.url,
      '--candidate',
      candidate.url,
      ...LOOPBACK_REPLAY_FLAGS,
      '--min-samples',
      '5',
      '--threshold',
      '0.6',
    ];
    const before = await runCommand(replayCommand, ['replay', ...common], { cwd: dir });
    expect(before.code).toBe(1);

    const learned = await runCommand(
      learnNoiseCommand,
      ['learn-noise', ...common.slice(0, 8), '--out', 'noise/learned.yaml'],
      { cwd: dir },
    );
    expect(learned.stderr).toBe('');
    expect(learned.code).toBe(0);
    expect(learned.stdout).toMatch(
      /learned 2 rule\(s\) \(1 array key\(s\), 0 unordered array\(s\), 1 ignore\(s\)\) from 8 probed record\(s\)/,
    );
    const file = join(dir, 'noise/learned.yaml');
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(/^# Learned by bg-replay learn-noise on /);
    expect(parseRules(text, file).map((r) => [r.route, r.pointer, r.arrayKey ?? r.ignore])).toEqual([
      ['GET /things/:id', '/items', 'id'],
      ['GET /things/:id', '/cursor', true],
    ]);

    const after = await runCommand(replayCommand, ['replay', ...common, '--rules', 'noise/learned.yaml'], {
      cwd: dir,
    });
    expect(after.stdout).toMatch(/verdict: PASS/);
    expect(after.code).toBe(0);
  });
});

describe('bg-replay learn-noise on arrays of scalars', () => {
  it('writes unordered for tags that only change order, and no ignore rule for their elements', async () => {
    const tagged = await startServer((_req, res) => {
      const tags = ['red', 'green', 'blue', 'cyan'];
      const k = 1 + Math.floor(Math.random() * 3);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ tags: [...tags.slice(k), ...tags.slice(0, k)], price: 10 }));
    });
    try {
      const learned = await runCommand(
        learnNoiseCommand,
        [
          'learn-noise',
          '--logs',
          log,
          '--live',
          tagged.url,
          '--candidate',
          tagged.url,
          ...LOOPBACK_REPLAY_FLAGS,
          '--out',
          'tags.yaml',
        ],
        { cwd: dir },
      );
      expect(learned.code).toBe(0);
      const file = join(dir, 'tags.yaml');
      const rules = parseRules(await readFile(file, 'utf8'), file);
      expect(rules.map((r) => [r.pointer, r.unordered ?? r.ignore])).toEqual([['/tags', true]]);
    } finally {
      await tagged.close();
    }
  });
});
