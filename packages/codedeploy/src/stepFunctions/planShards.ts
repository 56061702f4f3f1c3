import { BgReplayError } from '@bg-replay/core';
import { resolveTimeWindow } from '@bg-replay/core/cloudwatch';
import { DEFAULT_SAMPLE } from '@bg-replay/core/internal';
import { z } from 'zod';
import { formatIssues } from '../_zod.js';
import { type ValidationHookConfig, validationHookConfigSchema } from '../validationHookConfig.js';

/** Input of a state machine execution, as the validation hook starts it. */
export interface ValidationExecutionInput {
  deploymentId: string;
  lifecycleEventHookExecutionId: string;
  lifecycleEvent?: string;
  /** The hook's configuration (validated again here: an execution can also be started by hand). */
  config: unknown;
  /** Number of shards (each one Lambda invocation). */
  shards: number;
  /** When the hook handed off (ISO); the end of a CloudWatch window read with `since`. */
  requestedAt: string;
}

/** One item of the shard Map: which shard, and where its report goes. */
export interface ShardItem {
  /** 1-based, as `--shard i/N`. */
  index: number;
  key: string;
}

/** What every shard shares (kept once in the execution's state, joined to each item by the Map). */
export interface ShardSettings {
  total: number;
  /** The hook's configuration with the rate cap and the sample divided by the number of shards. */
  config: ValidationHookConfig;
  /** The same absolute window for every shard, so together they read the log exactly once. */
  window?: { start: string; end: string };
  bucket: string;
}

/** The payload of one shard invocation. */
export interface ShardTaskInput {
  item: ShardItem;
  shard: ShardSettings;
}

/** What the ResolveWindow state adds to the execution (`$.plan`). */
export interface ShardPlan {
  total: number;
  items: ShardItem[];
  shard: ShardSettings;
  bucket: string;
  /** Where the merged report goes: the key the inline hook uses, so readers find it in one place. */
  mergedKey: string;
  allowInconclusive: boolean;
}

const inputSchema = z.object({
  deploymentId: z.string().min(1),
  lifecycleEventHookExecutionId: z.string().min(1),
  lifecycleEvent: z.string().min(1).optional(),
  config: z.unknown(),
  shards: z.number().int().min(1).max(10_000),
  requestedAt: z.iso.datetime(),
});

/**
 * Resolves the window and the shard plan of an execution (the ResolveWindow state): a `since` becomes one
 * absolute window ending when the hook handed off, the live rate cap and the sample are divided across the
 * shards so that together they never ask live for more than one run would, and each shard gets the S3 key
 * of its report. Pure: throws `BgReplayError` (`E_CONFIG`) for an input the machine cannot run.
 *
 * @example
 * const plan = planShards({ deploymentId: 'd-1', lifecycleEventHookExecutionId: 'h-1', config, shards: 4, requestedAt: new Date().toISOString() });
 */
export function planShards(input: ValidationExecutionInput): ShardPlan {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) {
    throw new BgReplayError('E_CONFIG', `state machine input is invalid: ${formatIssues(parsed.error)}`);
  }
  const checked = validationHookConfigSchema.safeParse(parsed.data.config);
  if (!checked.success) {
    throw new BgReplayError(
      'E_CONFIG',
      `validation hook configuration is invalid: ${formatIssues(checked.error, 'config')}`,
    );
  }
  const config = checked.data;
  const { shards: total, deploymentId } = parsed.data;
  if (!config.report.s3) {
    throw new BgReplayError(
      'E_CONFIG',
      'a sharded validation writes each shard report to S3: set report.s3.bucket (BG_REPLAY_REPORT_BUCKET)',
    );
  }
  const { bucket, prefix } = config.report.s3;
  const event = parsed.data.lifecycleEvent ?? 'validation';
  const end = Date.parse(parsed.data.requestedAt);
  const window = config.logGroup
    ? (() => {
        const w = resolveTimeWindow({ since: config.since ?? '1h' }, () => end);
        return { start: new Date(w.startTime).toISOString(), end: new Date(w.endTime).toISOString() };
      })()
    : undefined;
  const shardConfig: ValidationHookConfig = {
    ...config,
    // The cap is on what live sees from all shards together; shards run at the same time.
    ...(config.rps ? { rps: config.rps / total } : {}),
    // Together the shards replay what one run would (core's default sample when none is set).
    sample: Math.max(1, Math.ceil((config.sample ?? DEFAULT_SAMPLE) / total)),
  };
  const items = Array.from({ length: total }, (_, i) => ({
    index: i + 1,
    key: `${prefix}${deploymentId}/${event}/shard-${i + 1}-of-${total}.json`,
  }));
  return {
    total,
    items,
    shard: { total, config: shardConfig, ...(window ? { window } : {}), bucket },
    bucket,
    mergedKey: `${prefix}${deploymentId}/${event}.json`,
    allowInconclusive: config.allowInconclusive,
  };
}
