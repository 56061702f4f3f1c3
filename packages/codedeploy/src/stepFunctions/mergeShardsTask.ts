import type { S3Client } from '@aws-sdk/client-s3';
import { BgReplayError, type Logger, mergeReports, parseReport } from '@bg-replay/core';
import { silentLogger } from '@bg-replay/core/internal';
import { loadAwsSdk } from '../_loadAwsSdk.js';
import type { ShardPlan } from './planShards.js';
import type { ShardResult } from './runShardTask.js';

/** A shard the Map recorded as failed (its Lambda threw, timed out, or could not be invoked). */
export interface FailedShard {
  index: number;
  failed: true;
  error?: string;
  cause?: string;
}

/** Input of the Merge state. */
export interface MergeTaskInput {
  deploymentId: string;
  lifecycleEventHookExecutionId: string;
  plan: ShardPlan;
  results: Array<ShardResult | FailedShard>;
}

/** What the Merge state returns (`$.merged`): the status to report and why. */
export interface MergeTaskResult {
  status: 'Succeeded' | 'Failed';
  reason?: string;
  verdict: 'pass' | 'fail' | 'inconclusive';
  matchRate: number | null;
  /** The merged report in S3, when at least one shard finished. */
  report?: string;
  shards: { total: number; finished: number; failed: number[] };
}

/** Dependencies of {@link mergeShardsTask}. */
export interface MergeTaskDeps {
  s3: Pick<S3Client, 'send'>;
  logger?: Logger;
}

/**
 * Merges the shard reports of an execution exactly (the Merge state) with core's `mergeReports` and decides
 * the status to report: `Succeeded` only for a `pass` (or an allowed `inconclusive`) with every shard in.
 * A shard that failed leaves the run inconclusive and reports `Failed` even when inconclusive runs are
 * allowed: a missing part of the log is not a lack of evidence the user chose to accept.
 *
 * @example
 * export const handler = (event: MergeTaskInput) => mergeShardsTask(event, { s3: new S3Client({}) });
 */
export async function mergeShardsTask(input: MergeTaskInput, deps: MergeTaskDeps): Promise<MergeTaskResult> {
  const { plan, results } = input;
  if (!plan || !Array.isArray(results)) {
    throw new BgReplayError('E_CONFIG', 'merge input needs plan and results (the output of the shard Map)');
  }
  const logger = deps.logger ?? silentLogger;
  const failed = results.filter((r): r is FailedShard => 'failed' in r && r.failed === true);
  const finished = results.filter((r): r is ShardResult => !('failed' in r));
  for (const f of failed) {
    logger.error('shard failed', { shard: `${f.index}/${plan.total}`, error: f.error, cause: f.cause });
  }
  const shards = { total: plan.total, finished: finished.length, failed: failed.map((f) => f.index) };
  if (finished.length === 0) {
    return {
      status: 'Failed',
      reason: `verdict inconclusive: none of the ${plan.total} shards finished (${describeFailures(failed)})`,
      verdict: 'inconclusive',
      matchRate: null,
      shards,
    };
  }
  const { GetObjectCommand, PutObjectCommand } = await loadAwsSdk(
    's3',
    `the merge of shard reports in S3 (report.s3.bucket)`,
  );
  const parts = [];
  for (const r of finished) {
    const got = await deps.s3.send(new GetObjectCommand({ Bucket: plan.bucket, Key: r.key }));
    const text = await got.Body?.transformToString();
    if (text === undefined) throw new Error(`s3://${plan.bucket}/${r.key} is empty`);
    parts.push({ source: `s3://${plan.bucket}/${r.key}`, report: parseReport(text, r.key) });
  }
  const merged = mergeReports(parts);
  await deps.s3.send(
    new PutObjectCommand({
      Bucket: plan.bucket,
      Key: plan.mergedKey,
      Body: JSON.stringify(merged, null, 2),
      ContentType: 'application/json',
    }),
  );
  const report = `s3://${plan.bucket}/${plan.mergedKey}`;
  logger.info('merged report written', { s3: report, verdict: merged.verdict, ...shards });
  const base = { verdict: merged.verdict, matchRate: merged.matchRate, report, shards };
  const why = merged.reasons
    .filter((r) => !(r.code === 'low-confidence' && r.route !== undefined))
    .slice(0, 3)
    .map((r) => r.message)
    .join('; ');
  if (failed.length > 0) {
    return {
      ...base,
      status: 'Failed',
      reason: `verdict ${merged.verdict}: shard(s) ${shards.failed.join(', ')} of ${plan.total} failed (${describeFailures(failed)})`,
    };
  }
  if (merged.verdict === 'pass' || (merged.verdict === 'inconclusive' && plan.allowInconclusive)) {
    return { ...base, status: 'Succeeded' };
  }
  return { ...base, status: 'Failed', reason: `verdict ${merged.verdict}${why ? `: ${why}` : ''}` };
}

function describeFailures(failed: FailedShard[]): string {
  return failed
    .slice(0, 3)
    .map((f) => `shard ${f.index}: ${f.error ?? 'error'}${f.cause ? ` ${f.cause.slice(0, 200)}` : ''}`)
    .join('; ');
}
