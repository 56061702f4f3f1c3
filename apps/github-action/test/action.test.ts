import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Report, validate } from '@bg-replay/core';
import { type DemoServices, startDemoServices } from '@bg-replay/demo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error build.mjs is plain JavaScript without types
import { buildAction } from '../build.mjs';
import { runBundle, runLocalAction } from './_runAction.js';

let demo: DemoServices;
let bundle: string;
beforeAll(async () => {
  demo = await startDemoServices();
  bundle = (await buildAction(await mkdtemp(join(tmpdir(), 'bgr-action-dist-')))) as string;
});
afterAll(async () => {
  await demo.close();
});

const demoInputs = () => ({
  logs: demo.logFile,
  live: demo.live,
  candidate: demo.candidate,
  rules: demo.rulesFile,
  'version-header': demo.versionHeader,
  rps: '0',
  // Generous: a busy machine must not turn a slow answer into a timeout and drop its record from the counts.
  'timeout-ms': '60000',
});

describe('the GitHub Action on the demo', { timeout: 120_000 }, () => {
  it('runs under GitHub local-action, writes the Markdown report to the job summary, sets the outputs and fails the step', async () => {
    const run = await runLocalAction(demoInputs());
    expect(run.summary).toMatch(/^## ❌ bg-replay: FAIL\n/);
    expect(run.summary).toContain('GET /orders/:id');
    expect(run.outputs.verdict).toBe('fail');
    expect(run.outputs['exit-code']).toBe('1');
    expect(Number(run.outputs['match-rate'])).toBeGreaterThan(0.5);
    expect(run.outputs['report-path']).toBe(join(run.workspace, 'bg-replay-report.json'));
    expect(run.stdout).toContain('::error::bg-replay verdict fail');
    const report = JSON.parse(await readFile(join(run.workspace, 'bg-replay-report.json'), 'utf8')) as Report;
    expect(report.verdict).toBe('fail');
  });

  it('runs as bundled under plain node with the runner protocol: exit 1 on fail, 0 on pass', async () => {
    const failing = await runBundle(bundle, demoInputs());
    expect(failing.code).toBe(1);
    expect(failing.outputs).toMatchObject({ verdict: 'fail', 'exit-code': '1' });
    expect(failing.summary).toMatch(/^## ❌ bg-replay: FAIL/);

    const passing = await runBundle(bundle, { ...demoInputs(), candidate: demo.live });
    expect(passing.code).toBe(0);
    expect(passing.outputs).toMatchObject({ verdict: 'pass', 'exit-code': '0', 'match-rate': '1' });
    expect(passing.summary).toMatch(/^## ✅ bg-replay: PASS/);
  });

  it('fails with exit-code 2 and one line naming the input for a usage error', async () => {
    const run = await runBundle(bundle, { ...demoInputs(), shard: '5/4' });
    expect(run.code).toBe(1);
    expect(run.outputs['exit-code']).toBe('2');
    expect(run.stdout).toContain('::error::--shard 5/4: expected i/N with 1 <= i <= N');
  });

  it('fans out over 3 shards and merges them into the counts and verdict of one run (the matrix workflow)', async () => {
    const inputs = { ...demoInputs(), sample: '5000', rps: '300' };
    const ws = await mkdtemp(join(tmpdir(), 'bgr-matrix-'));
    const shards = await Promise.all(
      [1, 2, 3].map((i) => runBundle(bundle, { ...inputs, shard: `${i}/3` }, ws)),
    );
    for (const [i, shard] of shards.entries()) {
      expect(shard.code).toBe(0); // a shard's partial verdict never fails its job
      expect(shard.stdout).toContain('rps: 100 for this shard (the total cap divided over 3 shards)');
      expect(shard.outputs['report-path']).toBe(join(shard.workspace, `bg-replay-shard-${i + 1}-of-3.json`));
      expect(shard.summary).toContain(`shard ${i + 1}/3 (partial: the merge decides)`);
    }
    // The merge job downloads every shard's artifact and names them with a glob.
    const merged = await runBundle(bundle, { merge: 'bg-replay-shard-*.json' }, ws);
    expect(merged.stdout).toContain('merging 3 shard reports');
    expect(merged.code, merged.stdout).toBe(1);
    expect(merged.outputs.verdict, merged.stdout).toBe('fail');
    const report = JSON.parse(await readFile(merged.outputs['report-path'] as string, 'utf8')) as Report;
    const single = await validate({
      logs: [{ kind: 'file', path: demo.logFile }],
      live: demo.live,
      candidate: demo.candidate,
      rules: demo.rulesFile,
      versionHeader: demo.versionHeader,
      sample: 5000,
      rps: 0,
      timeoutMs: 60_000,
    });
    expect(report.verdict).toBe(single.verdict);
    expect(report.counts.compared).toBe(single.counts.compared);
    expect(report.counts.matched).toBe(single.counts.matched);
    expect(report.counts.read).toBe(single.counts.read);
  });
});
