import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '@bg-replay/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayCommand } from '../../src/commands/replay.js';
import { LOOPBACK_REPLAY_FLAGS, runCommand } from '../_runCommand.js';
import { type Shop, shopRecords, startShop } from './_savedRun.js';

let shop: Shop;
let dir: string;
beforeAll(async () => {
  shop = await startShop();
  dir = await mkdtemp(join(tmpdir(), 'bg-replay-replay-reports-'));
  await writeFile(
    join(dir, 'access.jsonl'),
    `${shopRecords()
      .map((r) => JSON.stringify({ method: r.method, path: r.path }))
      .join('\n')}\n`,
  );
});
afterAll(() => shop.close());

describe('bg-replay replay with every report at once', () => {
  it('writes JSON, JUnit, Markdown and HTML from one run, with the statistics and the latency budget in them', async () => {
    const r = await runCommand(
      replayCommand,
      [
        'replay',
        '--logs',
        'access.jsonl',
        '--live',
        shop.live.url,
        '--candidate',
        shop.candidate.url,
        ...LOOPBACK_REPLAY_FLAGS,
        '--threshold',
        '0.9',
        '--min-samples',
        '3',
        '--confidence',
        '0.9',
        '--latency-budget',
        'p95=50,p50=50',
        '--report-json',
        'out/run.json',
        '--report-junit',
        'out/junit.xml',
        '--report-md',
        'out/run.md',
        '--report-html',
        'out/run.html',
      ],
      { cwd: dir },
    );
    expect(r.code).toBe(1);
    expect(r.stdout.match(/^report: /gm)).toHaveLength(4);
    const report = JSON.parse(await readFile(join(dir, 'out/run.json'), 'utf8')) as Report;
    expect(report.confidence).toBe(0.9);
    expect(report.latencyBudget).toEqual({ p95: 50, p50: 50 });
    expect(report.latencyChecks?.map((c) => c.quantile)).toEqual(['p50', 'p95']);
    expect(report.routes.find((x) => x.route === 'GET /orders/:id')?.matchRateLowerBound).toBeLessThan(0.5);
    expect(await readFile(join(dir, 'out/junit.xml'), 'utf8')).toContain('<testsuites name="bg-replay"');
    expect(await readFile(join(dir, 'out/run.md'), 'utf8')).toContain('### Latency');
    expect(await readFile(join(dir, 'out/run.html'), 'utf8')).toContain('<svg');
  });

  it('names a bad --retry-until as a usage error', async () => {
    const error = await runCommand(
      replayCommand,
      [
        'replay',
        '--logs',
        'access.jsonl',
        '--live',
        shop.live.url,
        '--candidate',
        shop.candidate.url,
        '--retry-until',
        'soon',
      ],
      { cwd: dir },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/--retry-until soon: expected a duration/);
  });
});
