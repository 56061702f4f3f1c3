import { aggregatePointer, joinPointer, splitPointer } from '../diff/pointer.js';
import type { Difference, Exchange, JudgedDifference, RequestRecord, TransportErrorCode } from '../model.js';
import type { DifferenceSample, FieldSummary, RouteSummary } from '../report/reportTypes.js';
import { isBreakingDifference } from '../rules/semverPolicy.js';
import { REDACTED, SECRET_FIELD } from '../safety/privacy.js';
import { stableHash } from '../sample/random.js';
import { addToSketch, createSketch, type LatencySketch, mergeSketches } from './latencySketch.js';

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

/** A route's mergeable counts: everything of its summary but what is decided from them. */
export type RouteTally = Omit<RouteSummary, 'matchRate' | 'matchRateLowerBound' | 'verdict'> & {
  probed: number;
  sketches: { live: LatencySketch; candidate: LatencySketch };
};

export type FieldTally = FieldSummary & { noise: number };

/** Mergeable tallies of a run: plain sums, sketches and bottom-k samples, so shards add up exactly. */
export interface Tally {
  routes: Map<string, RouteTally>;
  fields: Map<string, FieldTally>;
  latency: { live: LatencySketch; candidate: LatencySketch };
  /** Per route and parent pointer, the distinct child keys seen in differences (up to `MAX_POINTER_KEYS`). */
  pointerKeys: Map<string, Set<string>>;
  /** Route and parent pointer whose children are counted together as `*` (a map keyed by ids). */
  collapsed: Set<string>;
}

export const MAX_SAMPLES_PER_FIELD = 5;

/**
 * Distinct child keys under one parent pointer before they are counted together as `*`: an answer keyed
 * by random ids (`{"a81f…": {...}, "c02e…": {...}}`) would otherwise give a row per id and per record.
 */
export const MAX_POINTER_KEYS = 50;

export function createTally(): Tally {
  return {
    routes: new Map(),
    fields: new Map(),
    latency: { live: createSketch(), candidate: createSketch() },
    pointerKeys: new Map(),
    collapsed: new Set(),
  };
}

export function emptyRoute(route: string, seen = 0): RouteTally {
  return {
    route,
    seen,
    total: 0,
    compared: 0,
    matched: 0,
    differed: 0,
    probed: 0,
    errors: { live: 0, candidate: 0 },
    critical: { candidate5xx: 0, candidateErrors: 0, breaking: 0, records: 0 },
    errorCodes: { live: {}, candidate: {} },
    truncated: { live: 0, candidate: 0 },
    sketches: { live: createSketch(), candidate: createSketch() },
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

const fieldKey = (route: string, pointer: string, kind: string) => `${route}\u0000${pointer}\u0000${kind}`;

const parentKey = (route: string, parent: string) => `${route}\u0000${parent}`;

/**
 * The pointer a difference is counted under: array indices as `*` (`aggregatePointer`), and the keys of
 * any object that has shown more than `MAX_POINTER_KEYS` distinct differing keys as `*` too. When a parent
 * crosses that line its rows so far are folded into the `*` row, so memory and report size stay bounded.
 * `aggregated` says the pointer is already a report row's (a merge): aggregating again would read its `*`
 * wildcards as keys named `*` and escape them.
 */
export function collapsePointer(tally: Tally, route: string, pointer: string, aggregated = false): string {
  const segments = splitPointer(aggregated ? pointer : aggregatePointer(pointer));
  const out: string[] = [];
  for (const segment of segments) {
    const parent = joinPointer(out);
    const key = parentKey(route, parent);
    if (tally.collapsed.has(key)) {
      out.push('*');
      continue;
    }
    if (segment !== '*') {
      let keys = tally.pointerKeys.get(key);
      if (!keys) {
        keys = new Set();
        tally.pointerKeys.set(key, keys);
      }
      if (!keys.has(segment)) {
        if (keys.size >= MAX_POINTER_KEYS) {
          collapseParent(tally, route, parent);
          out.push('*');
          continue;
        }
        keys.add(segment);
      }
    }
    out.push(segment);
  }
  return joinPointer(out);
}

/** Counts every child of `parent` as `*` from now on, and folds the rows counted so far into those rows. */
export function collapseParent(tally: Tally, route: string, parent: string): void {
  const key = parentKey(route, parent);
  tally.collapsed.add(key);
  for (const k of [...tally.pointerKeys.keys()]) {
    if (k === key || k.startsWith(`${key}/`)) tally.pointerKeys.delete(k);
  }
  const depth = splitPointer(parent).length;
  for (const [k, field] of [...tally.fields]) {
    if (field.route !== route || !field.pointer.startsWith(`${parent}/`)) continue;
    const segments = splitPointer(field.pointer);
    if (segments[depth] === '*') continue;
    segments[depth] = '*';
    tally.fields.delete(k);
    addField(tally, { ...field, pointer: joinPointer(segments) });
  }
}

/** Adds a field's counts and samples into the tally's row of the same route, pointer and kind. */
function addField(tally: Tally, field: FieldTally): void {
  const key = fieldKey(field.route, field.pointer, field.kind);
  const into = tally.fields.get(key);
  if (!into) {
    tally.fields.set(key, structuredClone(field));
    return;
  }
  into.count += field.count;
  into.noise += field.noise;
  for (const [by, n] of Object.entries(field.hidden)) into.hidden[by] = (into.hidden[by] ?? 0) + n;
  into.samples = keepSamples([...into.samples, ...field.samples]);
}

function fieldTally(tally: Tally, route: string, difference: Difference): FieldTally {
  const pointer = collapsePointer(tally, route, difference.pointer);
  const key = fieldKey(route, pointer, difference.kind);
  let field = tally.fields.get(key);
  if (!field) {
    field = { route, pointer, kind: difference.kind, count: 0, hidden: {}, noise: 0, samples: [] };
    tally.fields.set(key, field);
  }
  return field;
}

/**
 * Adds one outcome to the tallies. A record is compared when live answered without a 5xx (or both sides
 * answered 5xx); it matches when candidate answered too and no difference counts.
 */
export function addOutcome(tally: Tally, outcome: RecordOutcome): void {
  const route = routeTally(tally, outcome.route);
  route.total += 1;
  const { live, candidate } = outcome;
  if (live.ok) {
    addToSketch(tally.latency.live, live.latencyMs);
    addToSketch(route.sketches.live, live.latencyMs);
  }
  if (candidate.ok) {
    addToSketch(tally.latency.candidate, candidate.latencyMs);
    addToSketch(route.sketches.candidate, candidate.latencyMs);
  }
  if (outcome.probe) {
    // Raw live-vs-live counts per pointer, kept so noise could be re-decided on merged rates.
    route.probed += 1;
    for (const difference of outcome.probe.differences)
      fieldTally(tally, outcome.route, difference).noise += 1;
  }
  route.errorCodes ??= { live: {}, candidate: {} };
  route.truncated ??= { live: 0, candidate: 0 };
  for (const side of ['live', 'candidate'] as const) {
    const exchange = outcome[side];
    if (!exchange.ok) countIn(route.errorCodes[side], exchange.code, 1);
    else if (exchange.truncated) route.truncated[side] += 1;
  }
  // Live's own 5xx is no reference, and a record where both sides failed is no evidence that they agree:
  // the record is not compared (a field missing from live's error page is not the candidate's breaking
  // change, and two 503s are not a match). Too few compared records then make the run inconclusive.
  const liveBroken = live.ok && live.status >= 500;
  if (liveBroken) countIn(route.errorCodes.live, 'status-5xx', 1);
  if (!live.ok || liveBroken) {
    route.errors.live += 1;
    if (!candidate.ok) route.errors.candidate += 1;
    return;
  }
  route.compared += 1;
  route.critical.records ??= 0;
  if (!candidate.ok) {
    route.errors.candidate += 1;
    route.critical.candidateErrors += 1;
    route.critical.records += 1;
    route.differed += 1;
    return;
  }
  let critical = false;
  if (candidate.status >= 500) {
    route.critical.candidate5xx += 1;
    critical = true;
  }
  let counted = 0;
  for (const difference of outcome.differences) {
    const field = fieldTally(tally, outcome.route, difference);
    const { disposition } = difference;
    if (disposition.counted) {
      counted += 1;
      field.count += 1;
      if (isBreakingDifference(difference)) {
        route.critical.breaking += 1;
        critical = true;
      }
      field.samples = keepSamples([...field.samples, sampleOf(outcome, difference)]);
    } else {
      const by =
        disposition.by === 'rule'
          ? `rule:${disposition.ruleId}`
          : disposition.by === 'policy'
            ? `policy:${disposition.policy}`
            : 'noise';
      field.hidden[by] = (field.hidden[by] ?? 0) + 1;
    }
  }
  if (critical) route.critical.records += 1;
  if (counted === 0) route.matched += 1;
  else route.differed += 1;
}

function countIn<K extends string>(counts: Partial<Record<K, number>>, key: K, n: number): void {
  counts[key] = (counts[key] ?? 0) + n;
}

function sampleOf(outcome: RecordOutcome, difference: JudgedDifference): DifferenceSample {
  const sample: DifferenceSample = {
    method: outcome.record.method,
    path: outcome.record.path,
    pointer: difference.pointer,
  };
  if (difference.live !== undefined) sample.live = sampleValue(difference.live);
  if (difference.candidate !== undefined) sample.candidate = sampleValue(difference.candidate);
  return sample;
}

/** Longest text of a sample value kept in a report; an added or removed subtree can be a whole body. */
const MAX_SAMPLE_CHARS = 2000;

const clipText = (text: string) =>
  text.length > MAX_SAMPLE_CHARS ? `${text.slice(0, MAX_SAMPLE_CHARS)}…` : text;

/**
 * A difference's value as a report shows it: secret-looking fields inside an added, removed or retyped
 * subtree redacted (the diff redacts only the field a difference is at), and large values clipped to text.
 */
function sampleValue(value: unknown): unknown {
  if (typeof value === 'string') return clipText(value);
  if (value === null || typeof value !== 'object') return value;
  let text: string;
  try {
    text = JSON.stringify(value, (key, v) => (key !== '' && SECRET_FIELD.test(key) ? REDACTED : v));
  } catch {
    // Nested deeper than the stack allows (JSON.parse accepts 100 000 brackets; stringify does not).
    return '[value nested too deeply to show]';
  }
  return text.length > MAX_SAMPLE_CHARS ? clipText(text) : JSON.parse(text);
}

const sampleOrder = (s: DifferenceSample) => stableHash(`${s.method} ${s.path} ${s.pointer}`);

/**
 * The samples a field keeps: the `MAX_SAMPLES_PER_FIELD` with the smallest stable hash (bottom-k), so the
 * choice does not depend on the order records finished in, and the samples of merged shards are exactly
 * those of one run.
 */
export function keepSamples(samples: readonly DifferenceSample[]): DifferenceSample[] {
  // Samples showing the same pair of values are one example: only the first (by hash) of each is kept,
  // which still merges exactly (a pair's first sample overall is its first in the shard that holds it).
  const seen = new Set<string>();
  const kept: DifferenceSample[] = [];
  const sorted = samples
    .map((sample) => ({ sample, hash: sampleOrder(sample), text: JSON.stringify(sample) }))
    .sort((a, b) => a.hash - b.hash || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  for (const { sample } of sorted) {
    const values = JSON.stringify([
      sample.live ?? null,
      sample.candidate ?? null,
      'live' in sample,
      'candidate' in sample,
    ]);
    if (seen.has(values)) continue;
    seen.add(values);
    kept.push(sample);
    if (kept.length === MAX_SAMPLES_PER_FIELD) break;
  }
  return kept;
}

function addRoute(into: RouteTally, from: RouteTally): void {
  into.seen += from.seen;
  into.total += from.total;
  into.compared += from.compared;
  into.matched += from.matched;
  into.differed += from.differed;
  into.probed += from.probed;
  into.errors.live += from.errors.live;
  into.errors.candidate += from.errors.candidate;
  into.critical.candidate5xx += from.critical.candidate5xx;
  into.critical.candidateErrors += from.critical.candidateErrors;
  into.critical.breaking += from.critical.breaking;
  // Reports before `records` existed: each critical value is taken as its own record (an upper bound).
  into.critical.records =
    (into.critical.records ?? 0) +
    (from.critical.records ??
      from.critical.candidate5xx + from.critical.candidateErrors + from.critical.breaking);
  into.errorCodes ??= { live: {}, candidate: {} };
  into.truncated ??= { live: 0, candidate: 0 };
  for (const side of ['live', 'candidate'] as const) {
    for (const [code, n] of Object.entries(from.errorCodes?.[side] ?? {}))
      countIn(into.errorCodes[side], code as TransportErrorCode, n as number);
    into.truncated[side] += from.truncated?.[side] ?? 0;
  }
  into.sketches = {
    live: mergeSketches(into.sketches.live, from.sketches.live),
    candidate: mergeSketches(into.sketches.candidate, from.sketches.candidate),
  };
}

/**
 * Sums tallies (of shards, say) into a new one. Counts and sketches add, samples are re-chosen by
 * `keepSamples`: merging the tallies of any split of the outcomes gives the tally of all of them.
 *
 * @example
 * const whole = mergeTallies([tallyOfShard0, tallyOfShard1, tallyOfShard2]);
 */
export function mergeTallies(tallies: readonly Tally[]): Tally {
  const merged = createTally();
  for (const tally of tallies) {
    for (const route of tally.routes.values()) {
      let into = merged.routes.get(route.route);
      if (!into) {
        into = emptyRoute(route.route);
        merged.routes.set(route.route, into);
      }
      addRoute(into, route);
    }
    for (const key of tally.collapsed) {
      if (merged.collapsed.has(key)) continue;
      const at = key.indexOf('\u0000');
      collapseParent(merged, key.slice(0, at), key.slice(at + 1));
    }
    for (const field of tally.fields.values()) {
      // Collapsed in any part is collapsed in the whole, as in one run over all records.
      addField(merged, { ...field, pointer: collapsePointer(merged, field.route, field.pointer, true) });
    }
    merged.latency = {
      live: mergeSketches(merged.latency.live, tally.latency.live),
      candidate: mergeSketches(merged.latency.candidate, tally.latency.candidate),
    };
  }
  return merged;
}
