import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  BgReplayError,
  validate as coreValidate,
  type Logger,
  type Report,
  type ValidateOptions,
} from '@bg-replay/core';
import { isLambdaTarget, silentLogger } from '@bg-replay/core/internal';
import { loadAwsSdk } from '../_loadAwsSdk.js';
import { validateOptionsOfHookConfig } from '../validationHookConfig.js';
import type { ShardTaskInput } from './planShards.js';

/** What a shard returns to the Map (small: the report itself is in S3). */
export interface ShardResult {
  index: number;
  key: string;
  verdict: Report['verdict'];
  matchRate: number | null;
  compared: number;
}

/** Dependencies of {@link runShardTask}. */
export interface ShardTaskDeps {
  s3: Pick<S3Client, 'send'>;
  cloudwatchLogs?: CloudWatchLogsClient;
  /** Default: core's `validate`. */
  validate?: (options: ValidateOptions) => Promise<Report>;
  /** Directory a relative `rules` path is resolved against (the function's directory). */
  baseDir?: string;
  /** Environment `env:NAME` values of `headers` are read from (the shard bundle passes `process.env`). */
  env?: Record<string, string | undefined>;
  logger?: Logger;
  /** Extra engine options (tests pass an undici dispatcher). */
  engine?: Partial<ValidateOptions>;
}

/**
 * Runs one shard of a sharded validation (the RunShard state): the same engine as the inline hook, on
 * `shard index/total` of the shared window, with the shard's part of the rate cap; writes the full shard
 * report to S3 for the merge and returns a summary. A failure throws: the Map records the shard as failed.
 *
 * @example
 * export const handler = (event: ShardTaskInput) => runShardTask(event, { s3: new S3Client({}) });
 */
export async function runShardTask(input: ShardTaskInput, deps: ShardTaskDeps): Promise<ShardResult> {
  const { item, shard } = input;
  if (!item || !shard || !Number.isInteger(item.index) || item.index < 1 || item.index > shard.total) {
    throw new BgReplayError('E_CONFIG', 'shard input needs item.index (1..shard.total), item.key and shard');
  }
  const cfg = shard.config;
  if (!cfg.live || !cfg.candidate) {
    throw new BgReplayError(
      'E_CONFIG',
      'a shard needs live and candidate base URLs; a Lambda deployment compared by its two versions runs inline',
    );
  }
  if (isLambdaTarget(cfg.live) || isLambdaTarget(cfg.candidate)) {
    throw new BgReplayError(
      'E_CONFIG',
      'a shard replays base URLs; lambda:// targets run inline in the hook',
    );
  }
  const options: ValidateOptions = {
    // Every run option of the config through the one mapping the inline hook and the CLI use.
    ...validateOptionsOfHookConfig(cfg, deps.baseDir, deps.env),
    live: cfg.live,
    candidate: cfg.candidate,
    logs: [
      cfg.logFile
        ? { kind: 'file', path: cfg.logFile }
        : { kind: 'cloudwatch', logGroup: cfg.logGroup as string },
    ],
    ...(shard.window
      ? {
          cloudwatch: {
            start: shard.window.start,
            end: shard.window.end,
            ...(cfg.filterPattern ? { filterPattern: cfg.filterPattern } : {}),
            ...(cfg.streamPrefix ? { streamPrefix: cfg.streamPrefix } : {}),
            ...(cfg.cloudwatchStrategy ? { strategy: cfg.cloudwatchStrategy } : {}),
            ...(cfg.region ? { region: cfg.region } : {}),
            ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
          },
        }
      : {}),
    shard: { index: item.index, total: shard.total },
    logger: deps.logger ?? silentLogger,
    ...(deps.cloudwatchLogs ? { clients: { cloudwatchLogs: deps.cloudwatchLogs } } : {}),
    ...deps.engine,
  };
  const { PutObjectCommand } = await loadAwsSdk('s3', 'a shard writing its report to S3 (report.s3.bucket)');
  const report = await (deps.validate ?? coreValidate)(options);
  await deps.s3.send(
    new PutObjectCommand({
      Bucket: shard.bucket,
      Key: item.key,
      Body: JSON.stringify(report),
      ContentType: 'application/json',
    }),
  );
  (deps.logger ?? silentLogger).info('shard report written', {
    shard: `${item.index}/${shard.total}`,
    s3: `s3://${shard.bucket}/${item.key}`,
    verdict: report.verdict,
  });
  return {
    index: item.index,
    key: item.key,
    verdict: report.verdict,
    matchRate: report.matchRate,
    compared: report.counts.compared,
  };
}
