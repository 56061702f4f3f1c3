import type { NoisePointerSummary, NoiseRouteSummary, NoiseSummary } from '../diff/diffSummary.js';
import { aggregatePointer } from '../diff/pointer.js';
import type { DifferenceKind, JudgedDifference } from '../model.js';
import type { RecordOutcome } from '../verdict/aggregate.js';
import { isRealDifference, type NoiseThresholds } from './isRealDifference.js';

export interface NoiseProbeSettings extends NoiseThresholds {
  /** Share of records probed. */
  probeShare: number;
  /** Probed records a route needs before its differences are judged as noise. */
  minProbed: number;
}

interface PointerCounts {
  raw: number;
  noise: number;
  kinds: Set<DifferenceKind>;
}

interface RouteCounts {
  compared: number;
  probed: number;
  pointers: Map<string, PointerCounts>;
}

function pointerCounts(route: RouteCounts, pointer: string): PointerCounts {
  let entry = route.pointers.get(pointer);
  if (!entry) {
    entry = { raw: 0, noise: 0, kinds: new Set() };
    route.pointers.set(pointer, entry);
  }
  return entry;
}

const rate = (count: number, total: number) => (total > 0 ? count / total : 0);

/** The noise probe's counts, fed one outcome at a time, so a run need not keep its outcomes to apply it. */
export interface NoiseCounter {
  /** Counts one outcome's counted live-vs-candidate and live-vs-live differences. */
  observe(outcome: RecordOutcome): void;
  /** Decides, per route and aggregated pointer, what is noise (call once every outcome is observed). */
  decide(settings: NoiseProbeSettings): NoiseDecision;
}

/** What the probe decided: `hide` marks an outcome's noisy differences, `summary` reports (hidden counts included). */
export interface NoiseDecision {
  /** Marks the outcome's counted differences at a noisy pointer as `{ counted: false, by: 'noise' }`. */
  hide(outcome: RecordOutcome): void;
  summary(): Omit<NoiseSummary, 'reorders'>;
}

/** A removal or a type change is breaking: live differing from itself does not explain it, so noise never hides one. */
const isHideable = (difference: JudgedDifference) =>
  difference.disposition.counted && difference.kind !== 'removed' && difference.kind !== 'type';

/**
 * True when the noise probe could still change how this outcome is judged: it has a counted difference
 * that noise may hide.
 *
 * @example
 * if (!mayHideNoise(outcome)) addOutcome(tally, outcome); // final already
 */
export function mayHideNoise(outcome: RecordOutcome): boolean {
  return outcome.differences.some(isHideable);
}

/**
 * Counts the noise probe over a run, one outcome at a time (memory bounded by routes × pointers).
 *
 * @example
 * const counter = createNoiseCounter();
 * for (const outcome of outcomes) counter.observe(outcome);
 * const decision = counter.decide({ probeShare: 1, relative: 0.2, absolute: 0.0003, minProbed: 5 });
 */
export function createNoiseCounter(): NoiseCounter {
  const routes = new Map<string, RouteCounts>();
  return {
    observe(outcome) {
      if (!outcome.live.ok || !outcome.candidate.ok) return;
      let route = routes.get(outcome.route);
      if (!route) {
        route = { compared: 0, probed: 0, pointers: new Map() };
        routes.set(outcome.route, route);
      }
      route.compared += 1;
      const seen = new Set<string>();
      for (const difference of outcome.differences) {
        if (!difference.disposition.counted) continue;
        const pointer = aggregatePointer(difference.pointer);
        const entry = pointerCounts(route, pointer);
        entry.kinds.add(difference.kind);
        if (!seen.has(pointer)) entry.raw += 1;
        seen.add(pointer);
      }
      if (outcome.probe?.live.ok) {
        route.probed += 1;
        const noisy = new Set<string>();
        for (const difference of outcome.probe.differences) {
          const pointer = aggregatePointer(difference.pointer);
          const entry = pointerCounts(route, pointer);
          entry.kinds.add(difference.kind);
          if (!noisy.has(pointer)) entry.noise += 1;
          noisy.add(pointer);
        }
      }
    },
    decide: (settings) => decideNoise(routes, settings),
  };
}

function decideNoise(routes: Map<string, RouteCounts>, settings: NoiseProbeSettings): NoiseDecision {
  const routeSummaries: NoiseRouteSummary[] = [];
  const pointerSummaries: NoisePointerSummary[] = [];
  const noiseKeys = new Map<string, NoisePointerSummary>();
  for (const [name, route] of [...routes].sort(([a], [b]) => a.localeCompare(b))) {
    const judged = route.probed >= settings.minProbed;
    const summary: NoiseRouteSummary = {
      route: name,
      compared: route.compared,
      probed: route.probed,
      judged,
    };
    const hasRaw = [...route.pointers.values()].some((p) => p.raw > 0);
    if (!judged && hasRaw) {
      summary.message = `${name}: the noise probe compared live with itself on only ${route.probed} record(s), fewer than ${settings.minProbed}; its differences were not judged as noise (raise --noise-probe or --sample)`;
    }
    routeSummaries.push(summary);
    for (const [pointer, counts] of [...route.pointers].sort(([a], [b]) => a.localeCompare(b))) {
      const real = isRealDifference(
        { raw: counts.raw, compared: route.compared, noise: counts.noise, probed: route.probed },
        settings,
      );
      const entry: NoisePointerSummary = {
        route: name,
        pointer,
        kinds: [...counts.kinds].sort(),
        raw: counts.raw,
        compared: route.compared,
        noise: counts.noise,
        probed: route.probed,
        rawRate: rate(counts.raw, route.compared),
        noiseRate: rate(counts.noise, route.probed),
        verdict: !judged ? 'unjudged' : real ? 'real' : 'noise',
        hidden: 0,
      };
      pointerSummaries.push(entry);
      if (entry.verdict === 'noise' && counts.raw > 0) noiseKeys.set(`${name}\u0000${pointer}`, entry);
    }
  }
  const noisyEntry = (outcome: RecordOutcome, difference: JudgedDifference) =>
    isHideable(difference)
      ? noiseKeys.get(`${outcome.route}\u0000${aggregatePointer(difference.pointer)}`)
      : undefined;
  return {
    hide(outcome) {
      if (noiseKeys.size === 0) return;
      for (const difference of outcome.differences) {
        const entry = noisyEntry(outcome, difference);
        if (!entry) continue;
        difference.disposition = { counted: false, by: 'noise' };
        entry.hidden += 1;
      }
    },
    summary: () => ({
      probeShare: settings.probeShare,
      relative: settings.relative,
      absolute: settings.absolute,
      minProbed: settings.minProbed,
      routes: routeSummaries,
      pointers: pointerSummaries,
    }),
  };
}

/**
 * Applies the noise probe to a finished run: per route and aggregated pointer, counts the
 * records with a counted live-vs-candidate difference (r of T) and with a live-vs-live one (n of Tp), and
 * marks the counted differences of every pointer that Diffy's rule calls noise as `{ counted: false, by: 'noise' }`.
 * A route whose probe saw fewer than `minProbed` records is not judged and says so.
 *
 * @example
 * const noise = applyNoiseProbe(outcomes, { probeShare: 1, relative: 0.2, absolute: 0.0003, minProbed: 5 });
 * noise.pointers.filter((p) => p.verdict === 'noise') // what was hidden, with r, T, n, Tp
 */
export function applyNoiseProbe(
  outcomes: readonly RecordOutcome[],
  settings: NoiseProbeSettings,
): Omit<NoiseSummary, 'reorders'> {
  const counter = createNoiseCounter();
  for (const outcome of outcomes) counter.observe(outcome);
  const decision = counter.decide(settings);
  for (const outcome of outcomes) decision.hide(outcome);
  return decision.summary();
}
