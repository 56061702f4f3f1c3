// Item 4 of the scaling-out work: N shards replaying at once keep the total rate live sees under the cap,
// measured at a loopback live server that counts requests per second; figures are printed, never timed.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { type AwsStandIn, createStandInClient, startAwsStandIn } from '@bg-replay/aws-stand-in';
import { planShards, runShardTask } from '@bg-replay/codedeploy/internal';
import { createDemoService, demoFixtures } from '@bg-replay/demo';
import { listenOnLoopback } from '@bg-replay/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const live = createDemoService('blue');
const candidate = createDemoService('blue');
const arrivals: number[] = [];
live.on('request', () => arrivals.push(performance.now()));
let urls: { live: string; candidate: string };
let smallLog: string;
/** The shards' partial reports go to bucket `b` of the stand-in account. */
let standIn: AwsStandIn;
let s3: S3Client;
beforeAll(async () => {
  urls = { live: await listenOnLoopback(live), candidate: await listenOnLoopback(candidate) };
  standIn = await startAwsStandIn();
  standIn.services.state.buckets.add('b');
  s3 = createStandInClient(S3Client, standIn.url);
  const lines = (await readFile(demoFixtures.logFile, 'utf8')).split('\n').slice(0, 400);
  smallLog = join(await mkdtemp(join(tmpdir(), 'bgr-rate-')), 'access.log');
  await writeFile(smallLog, `${lines.join('\n')}\n`);
});
afterAll(async () => {
  await standIn.close();
  for (const s of [live, candidate]) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** Runs N shards of a plan at once, as the Map does, and returns what live saw. */
async function runShards(logFile: string, shards: number, rps: number) {
  arrivals.length = 0;
  const plan = planShards({
    deploymentId: 'd-RATE',
    lifecycleEventHookExecutionId: 'h',
    requestedAt: new Date(0).toISOString(),
    shards,
    config: { logFile, ...urls, rps, sample: 100_000, timeoutMs: 30_000, report: { s3: { bucket: 'b' } } },
  });
  const started = performance.now();
  const results = await Promise.all(
    plan.items.map((item) => runShardTask({ item, shard: plan.shard }, { s3 })),
  );
  const wallMs = performance.now() - started;
  const first = Math.min(...arrivals);
  const perSecond = new Map<number, number>();
  for (const t of arrivals) {
    const second = Math.floor((t - first) / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
  }
  const records = results.reduce((sum, r) => sum + r.compared, 0);
  // Every shard stored its partial report.
  expect(standIn.services.callsOf('PutObject').filter((c) => !c.error).length).toBeGreaterThanOrEqual(shards);
  // The most requests live had received by any arrival, beyond what the cap allows since the start: a grant is
  // never early, so each shard's k-th request arrives no sooner than (k - 1) intervals after its start.
  const sorted = [...arrivals].sort((a, b) => a - b);
  const overCap =
    rps > 0 ? Math.max(...sorted.map((t, k) => k + 1 - (rps * (t - started)) / 1000)) : Number.NaN;
  return {
    records,
    wallMs,
    liveRequests: arrivals.length,
    maxPerSecond: Math.max(...perSecond.values()),
    overCap,
    plan,
  };
}

describe('shards replaying at once against one live', { timeout: 120_000 }, () => {
  it('divide the live rate cap so the total live sees stays under it in every second', async () => {
    const cap = 100;
    const run = await runShards(smallLog, 4, cap);
    expect(run.plan.shard.config.rps).toBe(25);
    expect(run.liveRequests).toBe(run.records);
    expect(run.records).toBeGreaterThan(350);
    // Each shard paces its grants 1/25 s apart from its start: by any moment t, live has had at most
    // cap × t plus one request per shard. (Counts per calendar second are printed, not asserted: a busy
    // machine can delay a batch of grants into the same second without any shard going faster.)
    expect(run.overCap).toBeLessThanOrEqual(4);
    console.log(
      `figures: 4 shards, cap ${cap} rps: ${run.records} records in ${(run.wallMs / 1000).toFixed(1)} s, ` +
        `live peak ${run.maxPerSecond} req/s in a calendar second, at most ${Math.ceil(run.overCap)} over cap × elapsed (measured at the server)`,
    );
  });

  it('print shards × records/s without a cap (figures only)', async () => {
    for (const shards of [1, 2, 4]) {
      const run = await runShards(demoFixtures.logFile, shards, 0);
      expect(run.liveRequests).toBe(run.records);
      console.log(
        `figures: ${shards} shard(s) uncapped: ${run.records} records in ${(run.wallMs / 1000).toFixed(2)} s = ` +
          `${Math.round(run.records / (run.wallMs / 1000))} records/s, live peak ${run.maxPerSecond} req/s`,
      );
    }
  });
});
