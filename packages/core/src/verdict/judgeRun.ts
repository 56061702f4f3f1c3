import type { Report } from '../report/reportTypes.js';
import { addOutcome, createTally, emptyRoute, type RecordOutcome, type Tally } from './aggregate.js';
import { computeVerdict, type VerdictOptions, type VerdictResult } from './computeVerdict.js';

export type { VerdictOptions };

/** Tallies the outcomes of a run and decides its verdict. */
export function judgeRun(
  outcomes: readonly RecordOutcome[],
  seenPerRoute: ReadonlyMap<string, number>,
  options: VerdictOptions,
): { tally: Tally; verdict: VerdictResult; counts: Pick<Report['counts'], 'compared' | 'matched' | 'differed' | 'errors'> } {
  const tally = createTally();
  for (const [route, seen] of seenPerRoute) tally.routes.set(route, emptyRoute(route, seen));
  for (const outcome of outcomes) addOutcome(tally, outcome);
  const routes = [...tally.routes.values()];
  const counts = { compared: 0, matched: 0, differed: 0, errors: { live: 0, candidate: 0 } };
  for (const r of routes) {
    counts.compared += r.compared;
    counts.matched += r.matched;
    counts.differed += r.differed;
    counts.errors.live += r.errors.live;
    counts.errors.candidate += r.errors.candidate;
  }
  return { tally, verdict: computeVerdict(routes, options), counts };
}
