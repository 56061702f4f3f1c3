import { createComparer, type DiffStageOptions } from './diff/createComparer.js';
import { BgReplayError, checkRange } from './errors.js';
import type { Logger } from './logger.js';
import { silentLogger } from './logger.js';
import { createRateLimiter } from './replay/createRateLimiter.js';
import { isLambdaTarget, parseLambdaTarget } from './replay/lambdaTarget.js';
import { type ReplayDeps, type ReplayOptions, replayRecords } from './replay/replayRecords.js';
import { buildReport } from './report/buildReport.js';
import type { ReportBodies } from './report/redactValues.js';
import type { Attempt, Report } from './report/reportTypes.js';
import { createPrivacy } from './safety/privacy.js';
import { finishCoverage } from './sample/createCoverageCounter.js';
import { sleep as realSleep } from './sleep.js';
import { collectSample, createSourcePrivacy, type SourceOptions } from './sources/collectSample.js';
import { addOutcome, createTally, emptyRoute, type RecordOutcome, type Tally } from './verdict/aggregate.js';
import {
  checkCoverage,
  checkVerdictOptions,
  computeVerdict,
  DEFAULT_CONFIDENCE,
  DEFAULT_MIN_COVERAGE,
  type VerdictResult,
} from './verdict/computeVerdict.js';
import { countsOf, type RunCounts, type VerdictOptions } from './verdict/judgeRun.js';

/**
 * Options of one validation run, grouped by stage (each group is defined beside its stage); every field
 * but `logs`, `live` and `candidate` has a safe default.
 */
export interface ValidateOptions
  extends SourceOptions,
    ReplayOptions,
    DiffStageOptions,
    Partial<VerdictOptions> {
  /** Undici dispatcher for both targets (tests inject a MockAgent). */
  dispatcher?: ReplayDeps['dispatcher'];
  /** Invokes `lambda://function[:qualifier]` targets (required when one is given). */
  lambdaInvoker?: ReplayDeps['lambdaInvoker'];
  logger?: Logger;
  /** Called after each replayed record. */
  onProgress?: ReplayDeps['onProgress'];
  /** How much of the response values reports show (default `redacted`). */
  reportBodies?: ReportBodies;
  /** Aborting stops new requests; the report covers what finished. */
  signal?: AbortSignal;
  /** Clock, for tests. */
  now?: () => Date;
  /**
   * Re-run the same sample until the verdict is `pass` or this many milliseconds since the start have
   * passed (the new stack may still be seeding its data). Without it the sample is run once.
   */
  retryUntilMs?: number;
  /** Pause between attempts (default 30 s). */
  retryIntervalMs?: number;
  /** Waits between attempts, for tests; rejects or returns early when the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The least share of safe log lines that must be replayable for a pass (default 0.9; 0 turns the check off). */
  minCoverage?: number;
}

function checkOptions(options: ValidateOptions): void {
  for (const side of ['live', 'candidate'] as const) {
    // A base URL may carry user:password or a secret query value: errors never print them.
    const raw = options[side];
    if (isLambdaTarget(raw)) {
      if (!parseLambdaTarget(raw) || !options.lambdaInvoker)
        throw new BgReplayError(
          'E_USAGE',
          `--${side} ${raw}: ${options.lambdaInvoker ? 'give lambda://function[:qualifier][?payload=1.0|2.0]' : 'a lambda:// target needs a Lambda invoker (lambdaInvoker)'}`,
        );
      continue;
    }
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      const shown = createPrivacy().redactPath(
        raw.replace(/^((?:[a-z][a-z0-9+.-]*:)?\/\/)?[^/?#\s]*@/i, '$1'),
      );
      throw new BgReplayError(
        'E_USAGE',
        `--${side} ${shown} is not a URL; give a base URL like http://127.0.0.1:8080`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new BgReplayError('E_USAGE', `--${side} must be an http:// or https:// URL, not ${url.protocol}`);
    }
  }
  checkRange('threshold', options.threshold, 0, 1);
  checkRange('min-samples', options.minSamples, 0, 1e9, true);
  checkRange('concurrency', options.concurrency, 1, 10000, true);
  checkRange('timeout', options.timeoutMs, 1, 3_600_000, true);
  checkRange('rps', options.rps, 0, 1e9);
  checkRange('retries', options.retries, 0, 10, true);
  checkRange('max-body', options.maxBodyBytes, 1, 2 ** 31, true);
  checkRange('live-error-breaker', options.liveErrorBreaker, 0.01, 1);
  checkRange('retry-until', options.retryUntilMs, 0, 86_400_000);
  checkRange('retry-interval', options.retryIntervalMs, 0, 86_400_000);
  checkRange('min-coverage', options.minCoverage, 0, 1);
  checkVerdictOptions(options);
  if (options.logs.length === 0) throw new BgReplayError('E_USAGE', 'no log given: pass --logs <file|->');
}

/**
 * Runs the whole pipeline of docs/architecture.md: read logs, filter unsafe methods, sample by route, replay each
 * record against live and candidate at nearly the same moment, diff, apply rules, and decide. Resolves to
 * the report the CLI writes; never exits the process nor prints unless given a logger.
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
  const logger = options.logger ?? silentLogger;
  const startedAt = now();
  const verdictOptions: VerdictOptions = {
    threshold: options.threshold ?? 0.99,
    minSamples: options.minSamples ?? 5,
    confidence: options.confidence ?? DEFAULT_CONFIDENCE,
    ...(options.latencyBudget ? { latencyBudget: options.latencyBudget } : {}),
  };

  // One privacy policy for the run: what the sources strip, the diff redacts in answers too.
  const privacy = createSourcePrivacy(options);
  // One limiter for every live request of the run: the version endpoint, records, probes, retries, attempts.
  const limiter = createRateLimiter(options.rps ?? 50);
  let comparer = await createComparer({ ...options, privacy, limiter });
  const collected = await collectSample({ ...options, privacy, minSamples: verdictOptions.minSamples });
  logger.info('sampled', { ...collected.counts, routes: collected.seenPerRoute.size });
  const coverage = finishCoverage(collected.coverage, options.minCoverage ?? DEFAULT_MIN_COVERAGE);

  // Retry until pass: the same sample is replayed again, each attempt with a fresh comparer so rule hits
  // and noise counts are those of the attempt the verdict comes from.
  const sleep = options.sleep ?? realSleep;
  const deadline =
    options.retryUntilMs === undefined ? undefined : startedAt.getTime() + options.retryUntilMs;
  const intervalMs = options.retryIntervalMs ?? 30_000;
  const attempts: Attempt[] = [];
  let judged: { tally: Tally; verdict: VerdictResult; counts: RunCounts };
  for (let attempt = 1; ; attempt += 1) {
    const attemptStart = now();
    if (attempt > 1) comparer = await createComparer({ ...options, privacy, limiter });
    // Outcomes go into the tally as they finish, so memory is bounded by the report, not by the run; only
    // those the noise probe may still re-judge wait for the run's rates.
    const tally = createTally();
    for (const [route, seen] of collected.seenPerRoute) tally.routes.set(route, emptyRoute(route, seen));
    const pending: RecordOutcome[] = [];
    const current = comparer;
    const { replayed, stoppedBecause } = await replayRecords(
      collected.records,
      options,
      comparer,
      collected.privacy,
      {
        dispatcher: options.dispatcher,
        ...(options.lambdaInvoker ? { lambdaInvoker: options.lambdaInvoker } : {}),
        signal: options.signal,
        onProgress: options.onProgress,
        limiter,
        onOutcome: (outcome) => {
          if (current.observe(outcome)) pending.push(outcome);
          else addOutcome(tally, outcome);
        },
      },
    );
    comparer.finish(pending);
    for (const outcome of pending) addOutcome(tally, outcome);
    pending.length = 0;
    judged = {
      tally,
      verdict: computeVerdict([...tally.routes.values()], verdictOptions, tally.latency),
      counts: countsOf(tally),
    };
    const { verdict } = judged;
    checkCoverage(verdict, coverage);
    if (options.signal?.aborted) {
      verdict.reasons.push({
        code: 'aborted',
        message: `the run was interrupted after ${replayed} of ${collected.records.length} records`,
      });
      if (verdict.verdict === 'pass') verdict.verdict = 'inconclusive';
    }
    if (stoppedBecause) {
      // Production looked unhealthy and the replay stopped early: what was compared is too little to pass on.
      // A failure stays a failure: records where live answered 5xx were never compared, so the evidence left
      // against the candidate is sound.
      verdict.reasons.push({ code: 'live-unhealthy', message: stoppedBecause });
      if (verdict.verdict === 'pass') verdict.verdict = 'inconclusive';
    }
    attempts.push({
      attempt,
      startedAt: attemptStart.toISOString(),
      durationMs: Math.round(now().getTime() - attemptStart.getTime()),
      verdict: verdict.verdict,
      matchRate: verdict.matchRate,
      matchRateLowerBound: verdict.matchRateLowerBound,
      compared: judged.counts.compared,
      matched: judged.counts.matched,
      reasons: verdict.reasons.map((r) => r.code),
    });
    if (verdict.verdict === 'pass' || deadline === undefined || options.signal?.aborted || stoppedBecause)
      break;
    if (now().getTime() + intervalMs > deadline) {
      verdict.reasons.push({
        code: 'retries-exhausted',
        message: `still ${verdict.verdict} after ${attempt} attempt(s); --retry-until ran out`,
      });
      break;
    }
    logger.info('retrying', {
      attempt,
      verdict: verdict.verdict,
      matchRate: verdict.matchRate,
      inMs: intervalMs,
    });
    await sleep(intervalMs, options.signal);
    if (options.signal?.aborted) break;
  }
  const { tally, verdict, counts } = judged;
  const report = buildReport(
    {
      startedAt,
      durationMs: now().getTime() - startedAt.getTime(),
      ...verdictOptions,
      attempts,
      targets: { live: options.live, candidate: options.candidate },
      counts: { ...collected.counts, ...counts },
      malformed: collected.malformed,
      coverage,
      tally,
      verdict,
      ruleHits: comparer.ruleHits(),
      ...(options.reportBodies ? { reportBodies: options.reportBodies } : {}),
    },
    collected.privacy,
    comparer.summary(),
  );
  if (options.shard && options.shard.total > 1) report.shard = { ...options.shard };
  report.safety = { refusedPaths: collected.skippedBy.unsafePath, ...collected.safety };
  logger.info('verdict', { verdict: report.verdict, matchRate: report.matchRate });
  return report;
}
