import type { Difference, Exchange, JudgedDifference, RequestRecord } from '../model.js';
import { aggregatePointer } from '../diff/pointer.js';
import type { DifferenceSample, FieldSummary, RouteSummary } from '../report/reportTypes.js';
import { addToSketch, createSketch, type LatencySketch } from './latencySketch.js';

/** Everything learned from replaying one record. `record` is already redacted. */
export interface RecordOutcome {
  route: string;
  record: RequestRecord;
  live: Exchange;
  candidate: Exchange;
  differences: JudgedDifference[];
  /** Present when live was asked a second time (noise probe): its answer and live-vs-live differences. */
  probe?: { live: Exchange; differences: Difference[] };
}

export type RouteTally = Omit<RouteSummary, 'matchRate' | 'verdict'>;

/** Mergeable tallies of a run: plain sums and sketches, so shards add up exactly. */
export interface Tally {
  routes: Map<string, RouteTally>;
  fields: Map<string, FieldSummary>;
  latency: { live: LatencySketch; candidate: LatencySketch };
}

export const MAX_SAMPLES_PER_FIELD = 5;

export function createTally(): Tally {
  return { routes: new Map(), fields: new Map(), latency: { live: createSketch(), candidate: createSketch() } };
}

export function emptyRoute(route: string, seen = 0): RouteTally {
  return {
    route,
    seen,
    total: 0,
    compared: 0,
    matched: 0,
    differed: 0,
    errors: { live: 0, candidate: 0 },
    critical: { candidate5xx: 0, candidateErrors: 0, breaking: 0 },
  };
}

function routeTally(tally: Tally, route: string): RouteTally {
  let entry = tally.routes.get(route);
  if (!entry) {
    entry = emptyRoute(route);
    tally.routes.set(route, entry);
  }
  return entry;
}

/**
 * Adds one outcome to the tallies. A record is compared when live answered; it matches when candidate
 * answered too and no difference counts.
 */
export function addOutcome(tally: Tally, outcome: RecordOutcome): void {
  const route = routeTally(tally, outcome.route);
  route.total += 1;
  const { live, candidate } = outcome;
  if (live.ok) addToSketch(tally.latency.live, live.latencyMs);
  if (candidate.ok) addToSketch(tally.latency.candidate, candidate.latencyMs);
  if (!live.ok) {
    route.errors.live += 1;
    if (!candidate.ok) route.errors.candidate += 1;
    return;
  }
  route.compared += 1;
  if (!candidate.ok) {
    route.errors.candidate += 1;
    route.critical.candidateErrors += 1;
    route.differed += 1;
    return;
  }
  if (candidate.status >= 500 && live.status < 500) route.critical.candidate5xx += 1;
  let counted = 0;
  for (const difference of outcome.differences) {
    const pointer = aggregatePointer(difference.pointer);
    const key = `${outcome.route}\u0000${pointer}\u0000${difference.kind}`;
    let field = tally.fields.get(key);
    if (!field) {
      field = { route: outcome.route, pointer, kind: difference.kind, count: 0, hidden: {}, samples: [] };
      tally.fields.set(key, field);
    }
    const { disposition } = difference;
    if (disposition.counted) {
      counted += 1;
      field.count += 1;
      if (difference.kind === 'removed' || difference.kind === 'type') route.critical.breaking += 1;
      if (field.samples.length < MAX_SAMPLES_PER_FIELD) field.samples.push(sampleOf(outcome, difference));
    } else {
      const by =
        disposition.by === 'rule' ? `rule:${disposition.ruleId}` : disposition.by === 'policy' ? `policy:${disposition.policy}` : 'noise';
      field.hidden[by] = (field.hidden[by] ?? 0) + 1;
    }
  }
  if (counted === 0) route.matched += 1;
  else route.differed += 1;
}

function sampleOf(outcome: RecordOutcome, difference: JudgedDifference): DifferenceSample {
  const sample: DifferenceSample = { method: outcome.record.method, path: outcome.record.path, pointer: difference.pointer };
  if (difference.live !== undefined) sample.live = difference.live;
  if (difference.candidate !== undefined) sample.candidate = difference.candidate;
  return sample;
}
