import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type TestServer } from '@bg-replay/test-utils';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { replayCommand } from '../src/commands/replay.js';
import { sampleCommand } from '../src/commands/sample.js';
import { runCommand } from './_runCommand.js';

let live: TestServer;
let candidate: TestServer;
let dir: string;
let project: string;

const answer = (_req: unknown, res: import('node:http').ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"ok":true}');
};

/** Twelve GETs on two routes and a health check, in the tool's own JSONL. */
const LOG = [
  ...Array.from({ length: 6 }, (_, i) => ({ method: 'GET', path: `/orders/${i + 1}` })),
  ...Array.from({ length: 6 }, (_, i) => ({ method: 'GET', path: `/products/${i + 1}` })),
  { method: 'GET', path: '/health' },
]
  .map((line) => JSON.stringify({ ...line, headers: {} }))
  .join('\n');

beforeAll(async () => {
  live = await startServer(answer);
  candidate = await startServer(answer);
  dir = await mkdtemp(join(tmpdir(), 'bg-replay-config-'));
  // The config lives in its own folder: the paths in it are relative to it, not to the working directory.
  project = join(dir, 'project');
  await mkdir(project);
  await writeFile(join(project, 'access.jsonl'), `${LOG}\n`);
});
afterAll(async () => {
  await Promise.all([live.close(), candidate.close()]);
});
beforeEach(() => {
  live.requests.length = 0;
  candidate.requests.length = 0;
});

describe('bg-replay replay --config', () => {
  it('takes every option from the file, flags and BG_REPLAY_* variables overriding it', async () => {
    await writeFile(
      join(project, 'run.yaml'),
      [
        'logs: [access.jsonl]',
        `live: ${live.url}`,
        'candidate: http://127.0.0.1:9/not-this-one',
        'exclude: [/health, "/products/**"]',
        'rps: 0',
        'minSamples: 1',
        'confidence: 0',
        'headers: ["X-Replay-Run: env:RUN_ID"]',
        'reportJson: out/run.json',
      ].join('\n'),
    );
    const result = await runCommand(
      replayCommand,
      ['replay', '--config', join(project, 'run.yaml'), '--candidate', candidate.url],
      { cwd: dir, env: { RUN_ID: 'run-42', BG_REPLAY_INCLUDE: '/orders/**' } },
    );
    expect(result.stdout).toMatch(/verdict: PASS/);
    expect(result.code).toBe(0);
    // The file's exclude and the variable's include chose the records; the flag chose the candidate.
    const paths = candidate.requests.map((r) => r.url).sort();
    expect(paths).toEqual(['/orders/1', '/orders/2', '/orders/3', '/orders/4', '/orders/5', '/orders/6']);
    expect(live.requests.map((r) => r.url).sort()).toEqual(paths);
    expect(candidate.requests.every((r) => r.headers['x-replay-run'] === 'run-42')).toBe(true);
    // reportJson is relative to the file's folder.
    const report = JSON.parse(await readFile(join(project, 'out/run.json'), 'utf8'));
    expect(report).toMatchObject({ verdict: 'pass', targets: { candidate: `${candidate.url}/` } });
  });

  it('names file:line and the key of a bad value, before any request', async () => {
    await writeFile(join(project, 'bad.yaml'), `logs: [access.jsonl]\nlive: ${live.url}\nsince: 2x\n`);
    const error = await runCommand(replayCommand, ['replay', '--config', 'project/bad.yaml'], {
      cwd: dir,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'project/bad.yaml:3: since 2x: expected a duration like 30m, 2h or 1d',
    );
    expect(live.requests).toHaveLength(0);
  });

  it('sample takes the same file, using its source keys', async () => {
    await writeFile(
      join(project, 'sample.yaml'),
      `logs: [access.jsonl]\nlive: ${live.url}\ninclude: ["/products/**"]\nminSamples: 1\n`,
    );
    const result = await runCommand(sampleCommand, ['sample', '--config', join(project, 'sample.yaml')], {
      cwd: dir,
    });
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(6);
    expect(result.stdout).not.toContain('/orders/');
    expect(live.requests).toHaveLength(0);
  });
});
