import type { Verdict } from '../model.js';
import { tallyOfReport } from '../report/mergeReports.js';
import type { Report } from '../report/reportTypes.js';
import { computeVerdict, DEFAULT_CONFIDENCE } from './computeVerdict.js';
import { wilsonLowerBound } from './wilson.js';

/** The expected outcome of a saved run: a good run should pass, a bad one should not. */
export type RunLabel = 'good' | 'bad';

/** A saved report given to `tuneThresholds`, with its name and label. */
export interface TuneRun {
  /** Where the run came from (its file), for tables. */
  name: string;
  report: Report;
  /** Whether the run should pass; falls back to the report's own `label`. */
  label?: RunLabel;
}

/** The settings `tuneThresholds` tries; every field has a default. */
export interface TuneOptions {
  /** Thresholds to try (default 0.8 … 0.999). */
  thresholds?: readonly number[];
  /** Minimum samples per route to try (default 1 … 100). */
  minSamples?: readonly number[];
  /** Confidence of the Wilson bound (default: each run's own, else 0.95). */
  confidence?: number;
  /** Count an inconclusive verdict as passing, as `--allow-inconclusive` would. */
  allowInconclusive?: boolean;
}

/** One threshold × min-samples pair of the grid, and how it decided each run. */
export interface TuneCell {
  threshold: number;
  minSamples: number;
  /** Verdict of each run under these settings, in run order. */
  verdicts: Verdict[];
  /** Labelled runs decided as their label says. */
  correct: number;
  /** True when every good run passes and every bad run does not. */
  separates: boolean;
}

/** One route's match rate across the runs. */
export interface RouteDistribution {
  route: string;
  /** Per run (in run order): match rate, Wilson lower bound and compared records; null rate when absent. */
  runs: Array<{ rate: number | null; lowerBound: number | null; compared: number }>;
  min: number | null;
  median: number | null;
  max: number | null;
}

/** What `tuneThresholds` found: each run, each route's spread, the grid and a recommendation. */
export interface TuneResult {
  runs: Array<{
    name: string;
    label?: RunLabel;
    verdict: Verdict;
    matchRate: number | null;
    matchRateLowerBound: number | null;
  }>;
  routes: RouteDistribution[];
  grid: TuneCell[];
  labelled: number;
  recommendation: {
    threshold: number;
    minSamples: number;
    confidence: number;
    separates: boolean;
    /** Thresholds (at the recommended min-samples) that also separate the labelled runs. */
    range: [number, number] | null;
    why: string;
  } | null;
}

export const DEFAULT_TUNE_THRESHOLDS = [0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999] as const;
export const DEFAULT_TUNE_MIN_SAMPLES = [1, 3, 5, 10, 20, 30, 50, 100] as const;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Re-decides saved runs under a grid of thresholds and min-samples, shows per route how match rates are
 * distributed, and recommends settings that pass the runs labelled good and fail the bad ones: among the
 * separating settings, the largest min-samples (more evidence per route) and, at it, the threshold in the
 * middle of the separating range (margin on both sides). Critical checks and latency budgets fail a run
 * whatever the threshold.
 *
 * @example
 * const { recommendation } = tuneThresholds([{ name: 'a.json', report: a, label: 'good' }, { name: 'b.json', report: b, label: 'bad' }]);
 */
export function tuneThresholds(runs: readonly TuneRun[], options: TuneOptions = {}): TuneResult {
  const thresholds = [...(options.thresholds ?? DEFAULT_TUNE_THRESHOLDS)].sort((a, b) => a - b);
  const minSamples = [...(options.minSamples ?? DEFAULT_TUNE_MIN_SAMPLES)].sort((a, b) => a - b);
  const prepared = runs.map((run) => {
    const tally = tallyOfReport(run.report);
    const confidence = options.confidence ?? run.report.confidence ?? DEFAULT_CONFIDENCE;
    return { run, label: run.label ?? run.report.label, tally, confidence };
  });
  const passes = (verdict: Verdict) =>
    verdict === 'pass' || (verdict === 'inconclusive' && options.allowInconclusive === true);

  const grid: TuneCell[] = [];
  for (const ms of minSamples) {
    for (const threshold of thresholds) {
      const verdicts = prepared.map(
        (p) =>
          computeVerdict(
            [...p.tally.routes.values()],
            {
              threshold,
              minSamples: ms,
              confidence: p.confidence,
              ...(p.run.report.latencyBudget ? { latencyBudget: p.run.report.latencyBudget } : {}),
            },
            p.tally.latency,
          ).verdict,
      );
      let correct = 0;
      let wrong = 0;
      prepared.forEach((p, i) => {
        if (!p.label) return;
        const ok = passes(verdicts[i] as Verdict) === (p.label === 'good');
        if (ok) correct += 1;
        else wrong += 1;
      });
      grid.push({ threshold, minSamples: ms, verdicts, correct, separates: wrong === 0 && correct > 0 });
    }
  }

  const routeNames = [...new Set(runs.flatMap((r) => r.report.routes.map((route) => route.route)))].sort();
  const routes: RouteDistribution[] = routeNames.map((route) => {
    const perRun = prepared.map((p) => {
      const r = p.tally.routes.get(route);
      if (!r || r.compared === 0) return { rate: null, lowerBound: null, compared: r?.compared ?? 0 };
      return {
        rate: r.matched / r.compared,
        lowerBound: wilsonLowerBound(r.matched, r.compared, p.confidence),
        compared: r.compared,
      };
    });
    const rates = perRun.map((r) => r.rate).filter((r): r is number => r !== null);
    return {
      route,
      runs: perRun,
      min: rates.length > 0 ? Math.min(...rates) : null,
      median: median(rates),
      max: rates.length > 0 ? Math.max(...rates) : null,
    };
  });

  const labelled = prepared.filter((p) => p.label).length;
  const confidence = options.confidence ?? prepared[0]?.confidence ?? DEFAULT_CONFIDENCE;
  let recommendation: TuneResult['recommendation'] = null;
  if (labelled > 0) {
    const separating = grid.filter((c) => c.separates);
    if (separating.length > 0) {
      const ms = Math.max(...separating.map((c) => c.minSamples));
      const at = separating.filter((c) => c.minSamples === ms).map((c) => c.threshold);
      const pick = at[Math.floor((at.length - 1) / 2)] as number;
      const range: [number, number] = [at[0] as number, at[at.length - 1] as number];
      recommendation = {
        threshold: pick,
        minSamples: ms,
        confidence,
        separates: true,
        range,
        why: `at --min-samples ${ms}, thresholds ${range[0]}–${range[1]} pass all ${prepared.filter((p) => p.label === 'good').length} good run(s) and fail all ${prepared.filter((p) => p.label === 'bad').length} bad run(s); ${pick} sits in the middle of that range, leaving margin on both sides`,
      };
    } else {
      const best = [...grid].sort(
        (a, b) => b.correct - a.correct || b.minSamples - a.minSamples || a.threshold - b.threshold,
      )[0];
      if (best) {
        recommendation = {
          threshold: best.threshold,
          minSamples: best.minSamples,
          confidence,
          separates: false,
          range: null,
          why: `no setting tried separates the labelled runs; this one decides ${best.correct} of ${labelled} as labelled. Look at the runs it gets wrong: a bad run that passes needs a rule or a critical check, not a threshold`,
        };
      }
    }
  }

  return {
    runs: prepared.map((p) => ({
      name: p.run.name,
      ...(p.label ? { label: p.label } : {}),
      verdict: p.run.report.verdict,
      matchRate: p.run.report.matchRate,
      matchRateLowerBound:
        p.run.report.matchRateLowerBound ??
        wilsonLowerBound(p.run.report.counts.matched, p.run.report.counts.compared, p.confidence),
    })),
    routes,
    grid,
    labelled,
    recommendation,
  };
}
