import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isUserError, type Report } from '@bg-replay/core';
import { stableHash } from '@bg-replay/core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeCommand } from '../../src/commands/merge.js';
import { runCommand } from '../_runCommand.js';
import { type Shop, saveRun, shopRecords, startShop } from '../report/_savedRun.js';

let shop: Shop;
beforeAll(async () => {
  shop = await startShop();
});
afterAll(() => shop.close());

// Latencies differ between runs; every count and the decision must not.
const decided = (r: Report) => ({
  verdict: r.verdict,
  reasons: r.reasons,
  counts: r.counts,
  matchRate: r.matchRate,
  matchRateLowerBound: r.matchRateLowerBound,
  routes: r.routes.map(({ sketches: _s, ...rest }) => rest),
  fields: r.fields,
});

describe('bg-replay merge', () => {
  it('merges shard reports into the counts, verdict and exit code of one run, and writes every report', async () => {
    const single = await saveRun(shop);
    const records = shopRecords();
    const shards = [0, 1, 2].map((i) => records.filter((r) => stableHash(`${r.method} ${r.path}`) % 3 === i));
    const files: string[] = [];
    for (const [i, part] of shards.entries()) {
      const { report } = await saveRun(shop, part);
      const file = join(single.dir, `shard-${i}.json`);
      await writeFile(file, JSON.stringify(report));
      files.push(`shard-${i}.json`);
    }
    const r = await runCommand(
      mergeCommand,
      [
        'merge',
        ...files,
        '--report-json',
        'merged.json',
        '--report-junit',
        'merged.xml',
        '--report-md',
        'merged.md',
        '--report-html',
        'merged.html',
      ],
      { cwd: single.dir },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/merged from 3 shards/);
    const merged = JSON.parse(await readFile(join(single.dir, 'merged.json'), 'utf8')) as Report;
    expect(decided(merged)).toEqual(decided(single.report));
    expect(merged.mergedFrom).toBe(3);
    expect(merged.sketches.live.count).toBe(48);
    for (const name of ['merged.xml', 'merged.md', 'merged.html'])
      expect((await readFile(join(single.dir, name), 'utf8')).length).toBeGreaterThan(100);
  });

  it('decides again with verdict flags given to merge', async () => {
    const { dir } = await saveRun(
      shop,
      shopRecords().filter((r) => r.path === '/health'),
    );
    const inconclusive = await runCommand(mergeCommand, ['merge', 'run.json'], { cwd: dir });
    expect(inconclusive.code).toBe(1);
    expect(inconclusive.stdout).toMatch(/verdict: INCONCLUSIVE/);
    const allowed = await runCommand(mergeCommand, ['merge', 'run.json', '--allow-inconclusive'], {
      cwd: dir,
    });
    expect(allowed.code).toBe(0);
    const raw = await runCommand(mergeCommand, ['merge', 'run.json', '--confidence', '0'], { cwd: dir });
    expect(raw.code).toBe(0);
    expect(raw.stdout).toMatch(/verdict: PASS/);
  });

  it('rejects a part that is not a run report, naming it', async () => {
    const { dir } = await saveRun(shop, shopRecords().slice(0, 6));
    await writeFile(join(dir, 'other.json'), '{"schemaVersion": 2}');
    const error = await runCommand(mergeCommand, ['merge', 'run.json', 'other.json'], { cwd: dir }).catch(
      (e: unknown) => e,
    );
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^other\.json: not a bg-replay run report \(schemaVersion 1\): schemaVersion/,
    );
  });
});
