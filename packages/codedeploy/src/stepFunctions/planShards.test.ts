import { describe, expect, it } from 'vitest';
import { planShards } from './planShards.js';

const base = {
  deploymentId: 'd-ABC',
  lifecycleEventHookExecutionId: 'h-1',
  lifecycleEvent: 'AfterAllowTestTraffic',
  requestedAt: '2026-11-30T12:00:00.000Z',
};
const config = {
  logGroup: '/aws/apigateway/shop',
  since: '30m',
  live: 'https://api.example.com',
  candidate: 'https://api.example.com:8080',
  rps: 50,
  sample: 90_000,
  report: { s3: { bucket: 'reports' } },
};

describe('planShards', () => {
  it('divides the live rate cap and the sample across the shards so the total holds', () => {
    const plan = planShards({ ...base, config, shards: 4 });
    expect(plan.shard.config.rps).toBe(12.5);
    expect(plan.shard.config.sample).toBe(22_500);
    expect(plan.total).toBe(4);
    expect(plan.items.map((i) => i.index)).toEqual([1, 2, 3, 4]);
  });

  it("divides core's default sample when none is configured", () => {
    const { sample: _, ...withoutSample } = config;
    expect(planShards({ ...base, config: withoutSample, shards: 3 }).shard.config.sample).toBe(134);
  });

  it('resolves `since` into one absolute window ending when the hook handed off, shared by every shard', () => {
    const plan = planShards({ ...base, config, shards: 2 });
    expect(plan.shard.window).toEqual({ start: '2026-11-30T11:30:00.000Z', end: '2026-11-30T12:00:00.000Z' });
  });

  it('names each shard report and the merged report after the deployment and the event', () => {
    const plan = planShards({ ...base, config, shards: 2 });
    expect(plan.items[1]?.key).toBe('bg-replay/d-ABC/AfterAllowTestTraffic/shard-2-of-2.json');
    expect(plan.mergedKey).toBe('bg-replay/d-ABC/AfterAllowTestTraffic.json');
    expect(plan.bucket).toBe('reports');
  });

  it('refuses a configuration without a report bucket, naming the setting', () => {
    expect(() => planShards({ ...base, config: { ...config, report: { log: true } }, shards: 2 })).toThrow(
      /set report.s3.bucket \(BG_REPLAY_REPORT_BUCKET\)/,
    );
  });

  it('names the field at fault in an invalid configuration', () => {
    expect(() => planShards({ ...base, config: { ...config, live: 'nope' }, shards: 2 })).toThrow(
      /config.live/,
    );
    expect(() => planShards({ ...base, config, shards: 0 })).toThrow(/shards/);
  });
});
