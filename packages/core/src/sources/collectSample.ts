import { BgReplayError, checkRange } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RequestRecord } from '../model.js';
import type { Report } from '../report/reportTypes.js';
import {
  createPrivacy,
  DEFAULT_SECRET_HEADERS,
  DEFAULT_SECRET_QUERY_PARAMS,
  type Privacy,
  SAFE_METHODS,
} from '../safety/privacy.js';
import { createRecordFilter, createShardCheck, type FilterReason } from '../sample/createRecordFilter.js';
import { createSampler } from '../sample/createSampler.js';
import { inferRoute, routeOf } from '../sample/inferRoute.js';
import { requestKey, stableHash53 } from '../sample/random.js';
import { resolveTimeWindow } from './cloudwatch/parseTimeWindow.js';
import type {
  CloudWatchLogsLike,
  CloudWatchOptions,
  CloudWatchStrategy,
} from './cloudwatch/readCloudWatch.js';
import { detachRecord } from './detachRecord.js';
import type { FieldMap, SourceOutcome } from './formatParser.js';
import { type LogInput, materialize, readOutcomeBatches } from './readRecords.js';

/** Records replayed when `sample` is not given. A 99% threshold at 95% confidence needs 381 matching records. */
export const DEFAULT_SAMPLE = 400;

/** The CloudWatch side of the source options (`--since`, `--start/--end`, `--filter-pattern`, ...). */
export interface CloudWatchSourceOptions {
  /** A duration back from `end` (or now): `30m`, `2h`, `1d`. */
  since?: string;
  /** ISO-8601 time, epoch ms, or a duration ago. */
  start?: string | number | Date;
  /** Default: now. */
  end?: string | number | Date;
  filterPattern?: string;
  streamPrefix?: string;
  /** `filter`, `insights` or `auto` (default). */
  strategy?: CloudWatchStrategy;
  region?: string;
  endpoint?: string;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  pollIntervalMs?: number;
  /** How long one Logs Insights query may run before it is stopped (default 15 min). */
  queryTimeoutMs?: number;
  maxRequestsPerSecond?: number;
  insightsRowLimit?: number;
  /** Time the read may take, ms; then the sample is drawn from what was read (see `onBudgetReached`). */
  budgetMs?: number;
  onBudgetReached?: CloudWatchOptions['onBudgetReached'];
}

/** Options of the first stages: which logs, how to read them, what is safe, what to sample. */
export interface SourceOptions {
  /** Where the records come from (files, streams, in-memory records, CloudWatch log groups). */
  logs: LogInput[];
  /** Aborting stops reading; the sample is chosen from what was read. */
  signal?: AbortSignal;
  /** The run's privacy policy, when the caller shares it with other stages (default: built from the options). */
  privacy?: Privacy;
  /** Log format, or `auto` to detect it from the first lines (default). */
  format?: string;
  /** Field map of application JSON logs: `{ method: 'req.method', path: 'req.url' }`. */
  fieldMap?: FieldMap;
  /**
   * Records to replay (default {@link DEFAULT_SAMPLE}: enough for a perfect run to show a 99% match rate at 95%
   * confidence, which needs 381 records).
   */
  sample?: number;
  /** Seed of the sample (default 1). */
  seed?: number;
  /** Guaranteed records per route (default: `minSamples`, so every route can be judged). */
  minPerRoute?: number;
  /** Records per route at most. */
  maxPerRoute?: number;
  /** Never pick two identical requests (method, path and body). */
  dedupe?: boolean;
  /** Route or path globs to keep (`GET /orders/:id`, `/orders/**`). */
  include?: string[];
  /** Route or path globs to drop. */
  exclude?: string[];
  /** Keep only records live answered with this status class (`2xx`, `2xx,404`), when the log has a status. */
  liveStatus?: string;
  /** Keep only shard `index` of `total` (1-based), by a stable hash of method, path and body. */
  shard?: { index: number; total: number };
  /** Methods that may be replayed (default GET, HEAD, OPTIONS). */
  allowMethods?: readonly string[];
  /** Header names added to the default secret list. */
  secretHeaders?: readonly string[];
  /** Query parameter names added to the default secret list. */
  secretParams?: readonly string[];
  /** Secret names let through to the replay (still redacted in reports). */
  allowSecrets?: readonly string[];
  /** Headers set on every chosen record after stripping (credentials a replay needs); their values are scrubbed from reports. */
  headers?: Record<string, string>;
  /** Window and strategy of `cloudwatch` inputs. */
  cloudwatch?: CloudWatchSourceOptions;
  /** Injected AWS clients. */
  clients?: { cloudwatchLogs?: CloudWatchLogsLike };
  logger?: Logger;
  /** Clock, for `--since`. */
  now?: () => Date;
}

/** Why records were filtered out before sampling (they add up to `counts.skipped.filtered`). */
/**
 * Why records were skipped: every reason but `shard` adds up to `counts.skipped.filtered`; `shard` counts the
 * lines left to the other shards, which this run neither reads as its own nor counts.
 */
export type SkippedBy = Record<FilterReason | 'duplicate' | 'shard', number>;

/** What the source stages hand to the replay. */
export interface CollectedSample {
  /** Chosen records, stripped of secrets (injected headers added), each with its route. */
  records: Array<{ record: RequestRecord; route: string }>;
  seenPerRoute: Map<string, number>;
  counts: Pick<Report['counts'], 'read' | 'sampled' | 'skipped'>;
  /** The reasons behind `counts.skipped.filtered`, and the lines left to other shards. */
  skippedBy: SkippedBy;
  malformed: Report['malformed'];
  /** The run's privacy policy, which has learned the secrets it stripped and the injected values. */
  privacy: Privacy;
}

const MAX_MALFORMED_LISTED = 20;

/** Builds the run's privacy policy: the default lists plus the user's names. */
export function createSourcePrivacy(
  options: Pick<SourceOptions, 'secretHeaders' | 'secretParams' | 'allowSecrets'>,
): Privacy {
  return createPrivacy({
    secretHeaders: [...DEFAULT_SECRET_HEADERS, ...(options.secretHeaders ?? [])],
    secretQueryParams: [...DEFAULT_SECRET_QUERY_PARAMS, ...(options.secretParams ?? [])],
    allow: options.allowSecrets,
  });
}

function cloudwatchOptions(options: SourceOptions): CloudWatchOptions | undefined {
  if (!options.logs.some((input) => input.kind === 'cloudwatch')) return undefined;
  const cw = options.cloudwatch ?? {};
  const clock = options.now ? () => (options.now as () => Date)().getTime() : Date.now;
  return {
    ...resolveTimeWindow(cw, clock),
    signal: options.signal,
    filterPattern: cw.filterPattern,
    streamPrefix: cw.streamPrefix,
    strategy: cw.strategy,
    region: cw.region,
    endpoint: cw.endpoint,
    client: options.clients?.cloudwatchLogs,
    sleep: cw.sleep,
    now: options.now ? clock : undefined,
    pollIntervalMs: cw.pollIntervalMs,
    queryTimeoutMs: cw.queryTimeoutMs,
    maxRequestsPerSecond: cw.maxRequestsPerSecond,
    insightsRowLimit: cw.insightsRowLimit,
    budgetMs: cw.budgetMs,
    onBudgetReached: cw.onBudgetReached,
    logger: options.logger,
  };
}

/**
 * Reads every log, counts malformed lines, unsafe methods and filtered records, samples by route, then strips
 * secrets from the chosen records and adds the injected headers. Memory is bounded by the sample, not by the
 * log: lines are read cheaply and parsed (and copied) in full only when the sampler keeps them.
 *
 * @example
 * const { records, counts } = await collectSample({ logs: [{ kind: 'file', path: 'access.log' }], sample: 100 });
 */
export async function collectSample(
  options: SourceOptions & { minSamples?: number },
): Promise<CollectedSample> {
  const privacy = options.privacy ?? createSourcePrivacy(options);
  const allowMethods = new Set((options.allowMethods ?? SAFE_METHODS).map((m) => m.toUpperCase()));
  const counts: CollectedSample['counts'] = {
    read: 0,
    sampled: 0,
    skipped: { malformed: 0, unsafeMethod: 0, filtered: 0 },
  };
  const skippedBy: SkippedBy = { include: 0, exclude: 0, liveStatus: 0, shard: 0, duplicate: 0 };
  const malformed: Report['malformed'] = [];
  checkRange('sample', options.sample, 1, 1e9, true);
  checkRange('seed', options.seed, -(2 ** 31), 2 ** 32, true);
  checkRange('min-per-route', options.minPerRoute, 0, 1e9, true);
  checkRange('max-per-route', options.maxPerRoute, 1, 1e9, true);
  if (options.allowMethods && !options.allowMethods.every((m) => /^[A-Za-z]{3,10}$/.test(m))) {
    throw new BgReplayError(
      'E_USAGE',
      `--allow-methods ${options.allowMethods.join(',')}: expected HTTP methods, e.g. GET,HEAD,OPTIONS`,
    );
  }
  if (options.allowMethods?.length === 0) {
    throw new BgReplayError(
      'E_USAGE',
      '--allow-methods is empty: name the methods to replay, e.g. GET,HEAD,OPTIONS',
    );
  }
  const filter = createRecordFilter(options);
  const inShard = createShardCheck(options.shard);
  const dedupe = options.dedupe === true;
  let failure: Report['malformed'][number] | undefined;
  const sampler = createSampler<SourceOutcome>({
    size: options.sample ?? DEFAULT_SAMPLE,
    seed: options.seed ?? 1,
    minPerRoute: options.minPerRoute ?? options.minSamples ?? 5,
    maxPerRoute: options.maxPerRoute,
    // Only kept candidates get here: parse lazy lines in full, and copy strings so no read chunk stays pinned.
    materialize(outcome) {
      const parsed = materialize(outcome);
      if (parsed.kind === 'malformed') {
        failure = { ...parsed.position, reason: parsed.reason };
        return undefined;
      }
      return detachRecord(parsed.record);
    },
  });
  const noteMalformed = (entry: Report['malformed'][number]) => {
    counts.skipped.malformed += 1;
    if (malformed.length < MAX_MALFORMED_LISTED) malformed.push(entry);
  };
  const readOptions = {
    format: options.format ?? 'auto',
    fieldMap: options.fieldMap,
    cloudwatch: cloudwatchOptions(options),
  };
  for (const input of options.logs) {
    for await (const batch of readOutcomeBatches(input, readOptions)) {
      if (options.signal?.aborted) break;
      for (const outcome of batch) {
        const subject =
          outcome.kind === 'malformed' ? undefined : outcome.kind === 'lazy' ? outcome.head : outcome.record;
        // A line of another shard is that shard's to count, so merged counts equal one run's.
        if (
          inShard &&
          !inShard(subject ?? (outcome as { position: { source: string; line: number } }).position)
        ) {
          skippedBy.shard += 1;
          continue;
        }
        counts.read += 1;
        if (outcome.kind === 'malformed' || !subject) {
          if (outcome.kind === 'malformed') noteMalformed({ ...outcome.position, reason: outcome.reason });
          continue;
        }
        if (!allowMethods.has(subject.method)) {
          counts.skipped.unsafeMethod += 1;
          continue;
        }
        const route = subject.route ?? inferRoute(subject.method, subject.path);
        if (filter) {
          const why = filter(route, subject);
          if (why) {
            counts.skipped.filtered += 1;
            skippedBy[why] += 1;
            continue;
          }
        }
        const offered = sampler.offer(outcome, route, dedupe ? stableHash53(requestKey(subject)) : undefined);
        if (offered === 'duplicate') {
          counts.skipped.filtered += 1;
          skippedBy.duplicate += 1;
        } else if (offered === 'failed' && failure) {
          noteMalformed(failure);
          failure = undefined;
        }
      }
    }
  }
  const { records, seenPerRoute } = sampler.result();
  counts.sampled = records.length;
  const injected = options.headers ?? {};
  for (const value of Object.values(injected)) privacy.remember(value, 'header');
  const chosen = records.map((record) => {
    const stripped = privacy.stripRecord(record);
    for (const [name, value] of Object.entries(injected)) stripped.headers[name.toLowerCase()] = value;
    return { record: stripped, route: routeOf(record) };
  });
  return { records: chosen, seenPerRoute, counts, skippedBy, malformed, privacy };
}
