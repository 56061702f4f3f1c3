import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  BgReplayError,
  validate as coreValidate,
  type Logger,
  type Report,
  silentLogger,
  type ValidateOptions,
} from '@bg-replay/core';
import { loadAwsSdk } from '../_loadAwsSdk.js';
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
  logger?: Logger;
  /** Extra engine options (tests pass an undici dispatcher). */
  engine?: Partial<ValidateOptions>;
}

/** The hook config's fields that are not engine options of the same name. */
const NOT_ENGINE = [
  'logGroup',
  'logFile',
  'since',
  'filterPattern',
  'streamPrefix',
  'rules',
  'allowInconclusive',
  'report',
  'stateMachineArn',
  'shards',
  'lambdaEndpoint',
] as const;

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
  const engine: Record<string, unknown> = { ...cfg };
  for (const key of NOT_ENGINE) delete engine[key];
  const rules =
    cfg.rules && deps.baseDir && !cfg.rules.startsWith('/') ? `${deps.baseDir}/${cfg.rules}` : cfg.rules;
  const options: ValidateOptions = {
    ...(engine as Partial<ValidateOptions>),
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
          },
        }
      : {}),
    ...(rules ? { rules } : {}),
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
