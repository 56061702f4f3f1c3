import pLimit from 'p-limit';
import type { Dispatcher } from 'undici';
import { diffResponses } from './diff/diffResponses.js';
import { BgReplayError } from './errors.js';
import { type Logger, silentLogger } from './logger.js';
import type { Exchange, JudgedDifference, RequestRecord } from './model.js';
import { buildReport } from './report/buildReport.js';
import type { Report } from './report/reportTypes.js';
import { createRateLimiter } from './replay/createRateLimiter.js';
import { sendRequest } from './replay/sendRequest.js';
import { createJudge } from './rules/createJudge.js';
import { loadRules } from './rules/parseRules.js';
import type { Rule } from './rules/ruleSchema.js';
import { createPrivacy, SAFE_METHODS } from './safety/privacy.js';
import { createSampler } from './sample/createSampler.js';
import { routeOf } from './sample/inferRoute.js';
import { type LogInput, readRecords } from './sources/readRecords.js';
import { addOutcome, createTally, emptyRoute, type RecordOutcome } from './verdict/aggregate.js';
import { computeVerdict } from './verdict/computeVerdict.js';
import { USER_AGENT } from './version.js';

/** Options of one validation run; every field but `logs`, `live` and `candidate` has a safe default. */
export interface ValidateOptions {
  /** Where the records come from (files, streams, in-memory records). */
  logs: LogInput[];
  /** Log format, or `auto` to detect it from the first line (default). */
  format?: string;
  /** Base URL of the live (production) service. */
  live: string;
  /** Base URL of the candidate (the test listener or next stage). */
  candidate: string;
  /** A rules file path, or rules already parsed. */
  rules?: string | Rule[];
  /** Required match rate, 0..1 (default 0.99). */
  threshold?: number;
  /** Compared records each route needs to be judged (default 5). */
  minSamples?: number;
  /** Records to replay (default 200). */
  sample?: number;
  /** Seed of the sample (default 1). */
  seed?: number;
  /** Records in flight at once (default 16). */
  concurrency?: number;
  /** Records started per second at most, protecting live (default 50; 0 = no cap). */
  rps?: number;
  /** Per-request timeout in milliseconds (default 5000). */
  timeoutMs?: number;
  /** Bodies are cut at this many decoded bytes (default 5 MiB). */
  maxBodyBytes?: number;
  /** Methods that may be replayed (default GET, HEAD, OPTIONS). */
  allowMethods?: readonly string[];
  /** Response headers compared (default content-type). */
  compareHeaders?: readonly string[];
  /** Undici dispatcher for both targets (tests inject a MockAgent). */
  dispatcher?: Dispatcher;
  logger?: Logger;
  /** Called after each replayed record. */
  onProgress?: (done: number, total: number) => void;
  /** Aborting stops new requests; the report covers what finished. */
  signal?: AbortSignal;
  /** Clock, for tests. */
  now?: () => Date;
}

const DEFAULTS = {
  format: 'auto',
  threshold: 0.99,
  minSamples: 5,
  sample: 200,
  seed: 1,
  concurrency: 16,
  rps: 50,
  timeoutMs: 5000,
  maxBodyBytes: 5 * 1024 * 1024,
  compareHeaders: ['content-type'],
};

const HOP_BY_HOP = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'proxy-connection',
  'user-agent',
]);

function checkOptions(options: ValidateOptions): void {
  for (const side of ['live', 'candidate'] as const) {
    const value = options[side];
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new BgReplayError('E_USAGE', `--${side} ${value} is not a URL; give a base URL like http://127.0.0.1:8080`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new BgReplayError('E_USAGE', `--${side} ${value} must be an http:// or https:// URL`);
    }
  }
  const inRange = (name: string, v: number | undefined, min: number, max: number, integer = false) => {
    if (v === undefined) return;
    if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      throw new BgReplayError('E_USAGE', `--${name} ${v} is out of range: expected ${integer ? 'an integer ' : ''}${min}..${max}`);
    }
  };
  inRange('threshold', options.threshold, 0, 1);
  inRange('min-samples', options.minSamples, 0, 1e9, true);
  inRange('sample', options.sample, 1, 1e9, true);
  inRange('concurrency', options.concurrency, 1, 10000, true);
  inRange('timeout', options.timeoutMs, 1, 3_600_000, true);
  inRange('rps', options.rps, 0, 1e9);
  if (options.logs.length === 0) throw new BgReplayError('E_USAGE', 'no log given: pass --logs <file|->');
}

/** Joins a base URL (which may carry a path prefix such as an API Gateway stage) and a record's path. */
export function targetUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * Runs the whole pipeline: read logs, filter unsafe methods, sample by route, replay each record against
 * live and candidate at nearly the same moment, diff, apply rules, and decide. Resolves to the report the
 * CLI writes; never exits the process nor prints unless given a logger.
 *
 * @example
 * const report = await validate({
 *   logs: [{ kind: 'file', path: 'access.log' }],
 *   live: 'https://api.example.com',
 *   candidate: 'https://api.example.com:8080',
 * });
 * if (report.verdict !== 'pass') console.log(report.reasons);
 */
export async function validate(options: ValidateOptions): Promise<Report> {
  checkOptions(options);
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const logger = options.logger ?? silentLogger;
  const settings = { ...DEFAULTS, ...stripUndefined(options) };
  const allowMethods = new Set((options.allowMethods ?? SAFE_METHODS).map((m) => m.toUpperCase()));
  const rules = typeof options.rules === 'string' ? await loadRules(options.rules) : (options.rules ?? []);
  const judge = createJudge(rules);
  const privacy = createPrivacy();

  // 1. Read, filter and sample: memory is bounded by the sample, not the log.
  const counts: Report['counts'] = {
    read: 0,
    sampled: 0,
    compared: 0,
    matched: 0,
    differed: 0,
    skipped: { malformed: 0, unsafeMethod: 0, filtered: 0 },
    errors: { live: 0, candidate: 0 },
  };
  const malformed: Report['malformed'] = [];
  const sampler = createSampler({ size: settings.sample, seed: settings.seed, minPerRoute: settings.minSamples });
  for (const input of options.logs) {
    for await (const outcome of readRecords(input, { format: settings.format })) {
      counts.read += 1;
      if (outcome.kind === 'malformed') {
        counts.skipped.malformed += 1;
        if (malformed.length < 20) malformed.push({ ...outcome.position, reason: outcome.reason });
        continue;
      }
      const { record } = outcome;
      if (!allowMethods.has(record.method)) {
        counts.skipped.unsafeMethod += 1;
        continue;
      }
      sampler.offer(privacy.stripRecord(record), routeOf(record));
    }
  }
  const { records, seenPerRoute } = sampler.result();
  counts.sampled = records.length;
  logger.info('sampled', { read: counts.read, sampled: records.length, routes: seenPerRoute.size });

  // 2. Replay both sides, bounded in concurrency and rate.
  const tally = createTally();
  for (const [route, seen] of seenPerRoute) tally.routes.set(route, emptyRoute(route, seen));
  const limit = pLimit(settings.concurrency);
  const limiter = createRateLimiter(settings.rps);
  let done = 0;
  const send = (base: string, record: RequestRecord): Promise<Exchange> =>
    sendRequest({
      method: record.method,
      url: targetUrl(base, record.path),
      headers: requestHeaders(record),
      body: record.body === undefined ? undefined : Buffer.from(record.body, record.bodyEncoding === 'base64' ? 'base64' : 'utf8'),
      timeoutMs: settings.timeoutMs,
      maxBodyBytes: settings.maxBodyBytes,
      dispatcher: options.dispatcher,
    });
  await Promise.all(
    records.map((record) =>
      limit(async () => {
        if (options.signal?.aborted) return;
        await limiter.take();
        if (options.signal?.aborted) return;
        const route = routeOf(record);
        const [live, candidate] = await Promise.all([send(options.live, record), send(options.candidate, record)]);
        let differences: JudgedDifference[] = [];
        if (live.ok && candidate.ok) {
          differences = diffResponses(live, candidate, route, { headers: settings.compareHeaders }).map((d) => ({
            ...d,
            disposition: judge.judge(d),
          }));
        }
        const outcome: RecordOutcome = {
          route,
          record: { ...record, path: privacy.redactPath(record.path), headers: privacy.redactHeaders(record.headers) },
          live,
          candidate,
          differences,
        };
        addOutcome(tally, outcome);
        done += 1;
        options.onProgress?.(done, records.length);
      }),
    ),
  );

  // 3. Decide and report.
  const routeTallies = [...tally.routes.values()].filter((r) => r.total > 0 || r.seen > 0);
  for (const r of routeTallies) {
    counts.compared += r.compared;
    counts.matched += r.matched;
    counts.differed += r.differed;
    counts.errors.live += r.errors.live;
    counts.errors.candidate += r.errors.candidate;
  }
  const verdict = computeVerdict(routeTallies, { threshold: settings.threshold, minSamples: settings.minSamples });
  if (options.signal?.aborted) {
    verdict.reasons.push({ code: 'aborted', message: `the run was interrupted after ${done} of ${records.length} records` });
    if (verdict.verdict === 'pass') verdict.verdict = 'inconclusive';
  }
  return buildReport(
    {
      startedAt,
      durationMs: now().getTime() - startedAt.getTime(),
      threshold: settings.threshold,
      minSamples: settings.minSamples,
      targets: { live: options.live, candidate: options.candidate },
      counts,
      malformed,
      tally,
      verdict,
      ruleHits: judge.hits(),
    },
    privacy,
  );
}

function requestHeaders(record: RequestRecord): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
  headers['user-agent'] = USER_AGENT;
  return headers;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
