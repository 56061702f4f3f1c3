import { createComparer, type DiffStageOptions } from './diff/createComparer.js';
import { BgReplayError } from './errors.js';
import type { Logger } from './logger.js';
import { silentLogger } from './logger.js';
import { buildReport } from './report/buildReport.js';
import type { Report } from './report/reportTypes.js';
import { type ReplayDeps, type ReplayOptions, replayRecords } from './replay/replayRecords.js';
import { collectSample, type SourceOptions } from './sources/collectSample.js';
import { judgeRun, type VerdictOptions } from './verdict/judgeRun.js';

/**
 * Options of one validation run, grouped by stage (each group is defined beside its stage); every field
 * but `logs`, `live` and `candidate` has a safe default.
 */
export interface ValidateOptions extends SourceOptions, ReplayOptions, DiffStageOptions, Partial<VerdictOptions> {
  /** Undici dispatcher for both targets (tests inject a MockAgent). */
  dispatcher?: ReplayDeps['dispatcher'];
  logger?: Logger;
  /** Called after each replayed record. */
  onProgress?: ReplayDeps['onProgress'];
  /** Aborting stops new requests; the report covers what finished. */
  signal?: AbortSignal;
  /** Clock, for tests. */
  now?: () => Date;
}

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
      throw new BgReplayError(
        'E_USAGE',
        `--${name} ${v} is out of range: expected ${integer ? 'an integer ' : 'a number '}${min}..${max}`,
      );
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

/**
 * Runs the whole pipeline of DESIGN.md §2: read logs, filter unsafe methods, sample by route, replay each
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
  const verdictOptions: VerdictOptions = { threshold: options.threshold ?? 0.99, minSamples: options.minSamples ?? 5 };

  const comparer = await createComparer(options);
  const collected = await collectSample({ ...options, minSamples: verdictOptions.minSamples });
  logger.info('sampled', { ...collected.counts, routes: collected.seenPerRoute.size });

  const outcomes = await replayRecords(collected.records, options, comparer, collected.privacy, {
    dispatcher: options.dispatcher,
    signal: options.signal,
    onProgress: options.onProgress,
  });

  comparer.finish(outcomes);
  const { tally, verdict, counts } = judgeRun(outcomes, collected.seenPerRoute, verdictOptions);
  if (options.signal?.aborted) {
    verdict.reasons.push({
      code: 'aborted',
      message: `the run was interrupted after ${outcomes.length} of ${collected.records.length} records`,
    });
    if (verdict.verdict === 'pass') verdict.verdict = 'inconclusive';
  }
  const report = buildReport(
    {
      startedAt,
      durationMs: now().getTime() - startedAt.getTime(),
      ...verdictOptions,
      targets: { live: options.live, candidate: options.candidate },
      counts: { ...collected.counts, ...counts },
      malformed: collected.malformed,
      tally,
      verdict,
      ruleHits: comparer.ruleHits(),
    },
    collected.privacy,
    comparer.summary(),
  );
  logger.info('verdict', { verdict: report.verdict, matchRate: report.matchRate });
  return report;
}
