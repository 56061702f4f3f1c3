import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isUserError, type RequestRecord } from '@bg-replay/core';
import { sendJson, startServer, type TestServer } from '@bg-replay/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bar, tuneCommand } from '../../src/commands/tune.js';
import { runCommand } from '../_runCommand.js';
import { saveRun } from '../report/_savedRun.js';

/** A candidate whose `/items/:id` answers differ for ids below `broken` (a tunable share of the traffic). */
let live: TestServer;
let candidate: TestServer;
let broken = 0;
beforeAll(async () => {
  live = await startServer((req, res) => sendJson(res, 200, { id: req.url, v: 1 }));
  candidate = await startServer((req, res) =>
    sendJson(res, 200, { id: req.url, v: Number(req.url?.split('/')[2]) < broken ? 2 : 1 }),
  );
});
afterAll(async () => {
  await Promise.all([live.close(), candidate.close()]);
});

const records = (): RequestRecord[] =>
  Array.from({ length: 150 }, (_, i) => ({
    method: 'GET',
    path: `/items/${i}`,
    headers: {},
    route: 'GET /items/:id',
  }));

async function savedRun(
  dir: string,
  name: string,
  differing: number,
  label?: 'good' | 'bad',
): Promise<string> {
  broken = differing;
  const { report } = await saveRun({ live, candidate, close: async () => {} }, records());
  await writeFile(join(dir, name), JSON.stringify(label ? { ...report, label } : report));
  return name;
}

describe('bg-replay tune', () => {
  it('recommends a threshold that passes the good runs and fails the bad ones, with a table and bars', async () => {
    const { dir } = await saveRun({ live, candidate, close: async () => {} }, records().slice(0, 3));
    await savedRun(dir, 'good-1.json', 0);
    await savedRun(dir, 'good-2.json', 2);
    await savedRun(dir, 'bad-1.json', 20);
    await savedRun(dir, 'bad-2.json', 30, 'bad');
    const r = await runCommand(
      tuneCommand,
      ['tune', 'bad-2.json', '--good', 'good-1.json,good-2.json', '--bad', 'bad-1.json'],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
    // good: 150/150 (lower bound 0.975) and 148/150 (0.952); bad: 130/150 and 120/150.
    expect(r.stdout).toMatch(/recommended: --threshold 0\.9 --min-samples 100 --confidence 0\.95/);
    expect(r.stdout).toMatch(
      /thresholds 0\.8[05]?–0\.95 pass all 2 good run\(s\) and fail all 2 bad run\(s\)/,
    );
    expect(r.stdout).toMatch(/good-1\.json\s+good\s+\S+\s+100\.0%\s+98\.2%\s+█+/);
    expect(r.stdout).toMatch(/bad-2\.json\s+bad/);
    expect(r.stdout).toMatch(/GET \/items\/:id\s+80\.0%\s+\S+\s+100\.0%\s+├[─●]*┤/);
    expect(r.stdout).toMatch(/^0\.9\s+.*✓/m);
  });

  it('exits 1 when no setting separates the labelled runs, and explains', async () => {
    const { dir } = await saveRun({ live, candidate, close: async () => {} }, records().slice(0, 3));
    await savedRun(dir, 'a.json', 5, 'good');
    await savedRun(dir, 'b.json', 5, 'bad');
    const r = await runCommand(tuneCommand, ['tune', 'a.json', 'b.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/best available \(does NOT separate good from bad\)/);
  });

  it('rejects a run labelled both good and bad', async () => {
    const error = await runCommand(tuneCommand, ['tune', '--good', 'x.json', '--bad', 'x.json']).catch(
      (e: unknown) => e,
    );
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(/x\.json is given both as --good and --bad/);
  });

  it('draws bars in eighths of a cell', () => {
    expect(bar(1, 4)).toBe('████');
    expect(bar(0.5, 4)).toBe('██  ');
    expect(bar(0.53, 4)).toBe('██▏ ');
  });
});
