import { checkRange } from '../checkRange.js';
import { BgReplayError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ParseOutcome, RequestRecord, SourcePosition } from '../model.js';
import type { Report } from '../report/reportTypes.js';
import { loadRouteMatcher, type RouteSourceOptions } from '../routes/loadRouteMatcher.js';
import { canonicalizePath } from '../safety/canonicalizePath.js';
import {
  createPrivacy,
  DEFAULT_SECRET_HEADERS,
  DEFAULT_SECRET_QUERY_PARAMS,
  type Privacy,
  SAFE_METHODS,
} from '../safety/privacy.js';
import { createSafetyCounts, type SafetyCounts, sanitizeRequest } from '../safety/sanitizeRequest.js';
import { createCoverageCounter, type SourceCoverageFacts } from '../sample/createCoverageCounter.js';
import { createQueryShaper } from '../sample/createQueryShaper.js';
import { createRecordFilter, createShardCheck, type FilterReason } from '../sample/createRecordFilter.js';
import { createRouteLearner } from '../sample/createRouteLearner.js';
import { createSampler } from '../sample/createSampler.js';
import { isCatchAllRoute, routeOf } from '../sample/inferRoute.js';
import { requestKey, stableHash53 } from '../sample/random.js';
import { resolveTimeWindow } from './cloudwatch/parseTimeWindow.js';
import type {
  CloudWatchLogsLike,
  CloudWatchOptions,
  CloudWatchStrategy,
} from './cloudwatch/readCloudWatch.js';
import { detachRecord } from './detachRecord.js';
import type { FieldMap } from './formatParser.js';
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
export interface SourceOptions extends RouteSourceOptions {
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
   * Records to replay (default `DEFAULT_SAMPLE`: enough for a perfect run to show a 99% match rate at 95%
   * confidence, which needs 381 records).
   */
  sample?: number;
  /** Seed of the sample (default 1). */
  seed?: number;
  /** Guaranteed records per stratum, a route and its query shape (default: `minSamples`, so every route can be judged). */
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
  /** Method-override or routing headers to forward anyway (stripped by default; see `sanitizeRequest`). */
  keepHeaders?: readonly string[];
  /** Headers set on every chosen record after stripping (credentials a replay needs); their values are scrubbed from reports. */
  headers?: Record<string, string>;
  /**
   * Host of a HAR's own site (`--har-host`); entries for other hosts (CDNs, analytics) are skipped and counted.
   * Default: the host of the HAR's first entry.
   */
  harHost?: string;
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
export type SkippedBy = Record<FilterReason | 'duplicate' | 'shard' | 'otherHost' | 'unsafePath', number>;

/** Records read before routes and query shapes are learned from them (a bounded prefix of the log). */
export const LEARNING_PREFIX = 10_000;

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
  /** How much of the log can be tested (the report's `coverage` without the verdict's `minCoverage`). */
  coverage: SourceCoverageFacts;
  /** What was stripped, dropped or masked from the chosen records before replay. */
  safety: SafetyCounts;
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

/** A parse outcome with its path made canonical, or refused (see `canonicalizePath`). */
function canonicalOutcome(
  outcome: ParseOutcome,
): ParseOutcome | { kind: 'refused'; position: SourcePosition; reason: string } {
  if (outcome.kind !== 'record') return outcome;
  const canonical = canonicalizePath(outcome.record.path);
  if ('refused' in canonical)
    return {
      kind: 'refused',
      position: outcome.record.position ?? { source: 'records', line: 0 },
      reason: canonical.refused,
    };
  if (canonical.path === outcome.record.path) return outcome;
  // A route taken from the log's own template stays; an inferred one is inferred again from the new path.
  return { kind: 'record', record: { ...outcome.record, path: canonical.path } };
}

/**
 * Reads every log, counts malformed lines, unsafe methods and filtered records, samples by route, then strips
 * secrets from the chosen records and adds the injected headers. Memory is bounded by the sample, not by the
 * log: each line is parsed once, and only the records the sampler keeps (and the learning prefix) are copied and held.
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
  const skippedBy: SkippedBy = {
    include: 0,
    exclude: 0,
    liveStatus: 0,
    shard: 0,
    duplicate: 0,
    otherHost: 0,
    unsafePath: 0,
  };
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
  const matcher = await loadRouteMatcher(options);
  const learner = createRouteLearner();
  const shaper = createQueryShaper({ isSecret: (name) => privacy.isSecretQueryParam(name) });
  const coverage = createCoverageCounter();
  const harHost = options.harHost?.toLowerCase();
  const stratumRoute = new Map<string, string>();
  // The route of the candidate being offered: `materialize` runs inside `offer` and keeps it on the record.
  let offeredRoute = '';
  // True while the learning prefix is offered: those records are copies already.
  let offeringHeld = false;
  const sampler = createSampler<RequestRecord>({
    size: options.sample ?? DEFAULT_SAMPLE,
    seed: options.seed ?? 1,
    minPerRoute: options.minPerRoute ?? options.minSamples ?? 5,
    maxPerRoute: options.maxPerRoute,
    routeOfStratum: (stratum) => stratumRoute.get(stratum) ?? stratum,
    // Only kept candidates get here: copy strings so no read chunk stays pinned (the learning prefix's
    // records were copied when they were held).
    materialize(record) {
      const kept = offeringHeld ? record : detachRecord(record);
      kept.route = offeredRoute;
      return kept;
    },
  });
  const noteMalformed = (entry: Report['malformed'][number]) => {
    counts.skipped.malformed += 1;
    coverage.malformed(entry.reason, entry);
    if (malformed.length < MAX_MALFORMED_LISTED) malformed.push(entry);
  };
  type Subject = { method: string; path: string; route?: string; meta?: Record<string, string> };
  // The service's own templates first, then the log's route key unless it is a catch-all, then inference.
  let knownFrom: 'templates' | 'log' = 'log';
  // The route when learning cannot change it: a template's, or the log's own unless it is a catch-all.
  const knownRoute = (subject: Subject): string | undefined => {
    const templated = matcher?.match(subject.method, subject.path);
    if (templated !== undefined) {
      knownFrom = 'templates';
      return templated;
    }
    knownFrom = 'log';
    return subject.route !== undefined && !isCatchAllRoute(subject.route) ? subject.route : undefined;
  };
  const routeFor = (subject: Subject, known = knownRoute(subject)): string => {
    if (known !== undefined) {
      coverage.routed(knownFrom);
      return known;
    }
    coverage.routed('inferred');
    return learner.route(subject.method, subject.path);
  };
  const offer = (subject: RequestRecord, route: string) => {
    if (filter) {
      const why = filter(route, subject as Parameters<typeof filter>[1]);
      if (why) {
        counts.skipped.filtered += 1;
        skippedBy[why] += 1;
        return;
      }
    }
    const source = subject.position?.source ?? 'records';
    coverage.replayable(source, subject.path.includes('?'));
    if (subject.route !== undefined && isCatchAllRoute(subject.route)) coverage.catchAll();
    const stratum = shaper.stratum(route, subject.path);
    // The stratum's one copy of its route: a kept record shares it instead of holding a string of its own.
    let shared = stratumRoute.get(stratum);
    if (shared === undefined) {
      shared = route;
      stratumRoute.set(stratum, route);
    }
    offeredRoute = shared;
    const offered = sampler.offer(subject, stratum, dedupe ? stableHash53(requestKey(subject)) : undefined);
    if (offered === 'duplicate') {
      counts.skipped.filtered += 1;
      skippedBy.duplicate += 1;
    }
  };
  // Routes and query shapes are learned from a bounded prefix of the log, then that prefix is offered.
  let prefix: RequestRecord[] | undefined = [];
  const endLearning = () => {
    if (!prefix) return;
    const held = prefix;
    prefix = undefined;
    for (const subject of held)
      if (knownRoute(subject) === undefined) learner.learn(subject.method, subject.path);
    learner.finish();
    const routes = held.map((subject) => routeFor(subject));
    for (const [i, subject] of held.entries()) shaper.learn(routes[i] as string, subject.path);
    shaper.finish();
    offeringHeld = true;
    try {
      for (const [i, subject] of held.entries()) offer(subject, routes[i] as string);
    } finally {
      offeringHeld = false;
    }
  };
  const readOptions = {
    format: options.format ?? 'auto',
    fieldMap: options.fieldMap,
    cloudwatch: cloudwatchOptions(options),
  };
  for (const input of options.logs) {
    for await (const batch of readOutcomeBatches(input, readOptions)) {
      if (options.signal?.aborted) break;
      for (const lazy of batch) {
        // One parse per record: the object judged here is the one sampled, replayed and reported.
        const outcome = canonicalOutcome(materialize(lazy));
        const subject = outcome.kind === 'record' ? outcome.record : undefined;
        // A line of another shard is that shard's to count, so merged counts equal one run's.
        if (
          inShard &&
          !inShard(subject ?? (outcome as { position: { source: string; line: number } }).position)
        ) {
          skippedBy.shard += 1;
          continue;
        }
        counts.read += 1;
        if (outcome.kind === 'malformed') {
          noteMalformed({ ...outcome.position, reason: outcome.reason });
          continue;
        }
        if (outcome.kind === 'refused' || !subject) {
          counts.skipped.filtered += 1;
          skippedBy.unsafePath += 1;
          continue;
        }
        if (!allowMethods.has(subject.method)) {
          counts.skipped.unsafeMethod += 1;
          continue;
        }
        if (isOtherHarHost(subject, harHost)) {
          counts.skipped.filtered += 1;
          skippedBy.otherHost += 1;
          coverage.otherHost();
          continue;
        }
        const known = knownRoute(subject);
        // Only records whose route must be inferred, or whose query shape must be learned, wait for learning.
        if (prefix && (known === undefined || subject.path.includes('?'))) {
          // Held records are copied now, so the prefix pins no read chunk.
          prefix.push(detachRecord(subject));
          if (prefix.length >= LEARNING_PREFIX) endLearning();
        } else offer(subject, routeFor(subject, known));
      }
    }
  }
  endLearning();
  const { records, seenPerRoute: seenPerStratum } = sampler.result();
  counts.sampled = records.length;
  const seenPerRoute = new Map<string, number>();
  for (const [stratum, seen] of seenPerStratum) {
    const route = stratumRoute.get(stratum) ?? stratum;
    seenPerRoute.set(route, (seenPerRoute.get(route) ?? 0) + seen);
  }
  const sampledPerStratum = new Map<string, number>();
  for (const record of records) {
    const stratum = shaper.stratum(routeOf(record), record.path);
    sampledPerStratum.set(stratum, (sampledPerStratum.get(stratum) ?? 0) + 1);
  }
  const strata = [...seenPerStratum].map(([stratum, seen]) => ({
    route: stratumRoute.get(stratum) ?? stratum,
    stratum,
    seen,
    sampled: sampledPerStratum.get(stratum) ?? 0,
  }));
  const facts = coverage.facts(
    {
      read: counts.read,
      malformed: counts.skipped.malformed,
      unsafeMethod: counts.skipped.unsafeMethod,
      leftOut: counts.skipped.filtered - skippedBy.duplicate,
    },
    { learnedParameters: learner.learned(), strata },
  );
  const injected = options.headers ?? {};
  for (const value of Object.values(injected)) privacy.remember(value, 'header');
  const safety = createSafetyCounts();
  const sanitize = { keepHeaders: options.keepHeaders, remember: (value: string) => privacy.remember(value) };
  const chosen = records.map((record) => {
    const stripped = sanitizeRequest(privacy.stripRecord(record), safety, sanitize);
    for (const [name, value] of Object.entries(injected)) stripped.headers[name.toLowerCase()] = value;
    return { record: compactRecord(stripped), route: routeOf(record) };
  });
  return { records: chosen, seenPerRoute, counts, skippedBy, malformed, privacy, coverage: facts, safety };
}

/** The headers of every chosen record that has none: one object, frozen so that no one adds to all of them. */
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * The most common chosen record (a path, a method, headers, a position and a route, nothing else) rebuilt
 * as one literal with the same fields in the same order: its copies by spread kept the route in a separate
 * property array, and each kept an empty headers object of its own. About 100 bytes less per record held
 * for the whole replay; any other record is returned as it is.
 */
function compactRecord(record: RequestRecord): RequestRecord {
  const keys = Object.keys(record);
  if (
    keys.length !== 5 ||
    keys[0] !== 'path' ||
    keys[1] !== 'method' ||
    keys[2] !== 'headers' ||
    keys[3] !== 'position' ||
    keys[4] !== 'route'
  )
    return record;
  let empty = true;
  for (const _ in record.headers) {
    empty = false;
    break;
  }
  return {
    path: record.path,
    method: record.method,
    headers: empty ? NO_HEADERS : record.headers,
    position: record.position,
    route: record.route,
  } as RequestRecord;
}

/**
 * True for a HAR entry whose host is not the recorded site's: `harHost` when given, else the host of the HAR's
 * first entry (the page itself), which the HAR parser notes as `meta.harMainHost`. The note is removed.
 */
function isOtherHarHost(subject: { meta?: Record<string, string> }, harHost: string | undefined): boolean {
  const meta = subject.meta;
  const main = meta?.harMainHost;
  if (meta === undefined || main === undefined) return false;
  delete meta.harMainHost;
  const host = (meta.host ?? '').toLowerCase();
  const wanted = harHost ?? main.toLowerCase();
  return host !== wanted && host.replace(/:\d+$/, '') !== wanted;
}
