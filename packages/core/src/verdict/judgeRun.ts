import type { Report } from '../report/reportTypes.js';
import { addOutcome, createTally, emptyRoute, type RecordOutcome, type Tally } from './aggregate.js';
import { computeVerdict, type VerdictOptions, type VerdictResult } from './computeVerdict.js';

export type { VerdictOptions };

export type RunCounts = Pick<Report['counts'], 'compared' | 'matched' | 'differed' | 'errors'>;

/** Sums the per-route counts of a tally into the run's counts. */
export function countsOf(tally: Tally): RunCounts {
  const counts = { compared: 0, matched: 0, differed: 0, errors: { live: 0, candidate: 0 } };
  for (const r of tally.routes.values()) {
    counts.compared += r.compared;
    counts.matched += r.matched;
    counts.differed += r.differed;
    counts.errors.live += r.errors.live;
    counts.errors.candidate += r.errors.candidate;
  }
  return counts;
}

/**
 * Tallies the outcomes of a run and decides its verdict.
 *
 * @example
 * const { verdict } = judgeRun(outcomes, collected.seenPerRoute, { threshold: 0.99, minSamples: 5 });
 */
export function judgeRun(
  outcomes: readonly RecordOutcome[],
  seenPerRoute: ReadonlyMap<string, number>,
  options: VerdictOptions,
): { tally: Tally; verdict: VerdictResult; counts: RunCounts } {
  const tally = createTally();
  for (const [route, seen] of seenPerRoute) tally.routes.set(route, emptyRoute(route, seen));
  for (const outcome of outcomes) addOutcome(tally, outcome);
  return {
    tally,
    verdict: computeVerdict([...tally.routes.values()], options, tally.latency),
    counts: countsOf(tally),
  };
}
