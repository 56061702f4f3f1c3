import { BgReplayError } from '../errors.js';
import type { Verdict } from '../model.js';
import type { Coverage, LatencyCheck, LatencyQuantile, Reason, RouteSummary } from '../report/reportTypes.js';
import type { RouteTally } from './aggregate.js';
import { type LatencySketch, quantile } from './latencySketch.js';
import { recordsNeeded, wilsonLowerBound, zForConfidence } from './wilson.js';

/** The settings of the verdict: threshold, minimum samples, confidence and what may pass. */
export interface VerdictOptions {
  /** Required match rate, 0..1, compared with the Wilson lower bound of the observed rate. */
  threshold: number;
  /** Compared records a route needs before its rate is judged. */
  minSamples: number;
  /** Confidence of the one-sided Wilson lower bound, z = Φ⁻¹(confidence) (default 0.95); 0 judges the raw rate. */
  confidence?: number;
  /** Largest candidate/live ratio per latency quantile, e.g. `{ p95: 1.5 }`. */
  latencyBudget?: Partial<Record<LatencyQuantile, number>>;
}

export interface VerdictResult {
  verdict: Verdict;
  reasons: Reason[];
  matchRate: number | null;
  matchRateLowerBound: number | null;
  routes: RouteSummary[];
  latencyChecks: LatencyCheck[];
}

export const DEFAULT_CONFIDENCE = 0.95;
const QUANTILES: Record<LatencyQuantile, number> = { p50: 0.5, p95: 0.95, p99: 0.99 };

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/**
 * Checks verdict options and throws `E_USAGE` naming the flag at fault.
 *
 * @example
 * checkVerdictOptions({ threshold: 0.99, minSamples: 5, confidence: 0.95 });
 */
export function checkVerdictOptions(options: Partial<VerdictOptions>): void {
  const { threshold, minSamples, confidence, latencyBudget } = options;
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 1)) {
    throw new BgReplayError('E_USAGE', `--threshold ${threshold} is out of range: expected a number 0..1`);
  }
  if (minSamples !== undefined && !(Number.isInteger(minSamples) && minSamples >= 0)) {
    throw new BgReplayError(
      'E_USAGE',
      `--min-samples ${minSamples} is out of range: expected an integer ≥ 0`,
    );
  }
  if (confidence !== undefined) zForConfidence(confidence);
  for (const [name, ratio] of Object.entries(latencyBudget ?? {})) {
    if (!(name in QUANTILES)) {
      throw new BgReplayError(
        'E_USAGE',
        `--latency-budget ${name}: unknown quantile; use p50, p95 or p99 (e.g. p95=1.5)`,
      );
    }
    if (!(typeof ratio === 'number' && ratio > 0 && Number.isFinite(ratio))) {
      throw new BgReplayError(
        'E_USAGE',
        `--latency-budget ${name}=${ratio}: the ratio must be a number > 0 (e.g. p95=1.5)`,
      );
    }
  }
}

/** The evidence a rate needs, phrased for a person. */
function evidenceHint(threshold: number, confidence: number): string {
  const needed = recordsNeeded(threshold, confidence);
  return Number.isFinite(needed)
    ? `at ${percent(confidence)} confidence a threshold of ${percent(threshold)} needs at least ${needed} matching records`
    : `a threshold of 100% can never be shown by a sample; lower --threshold or set --confidence 0`;
}

/**
 * Judges one route's tallies: critical checks first (no average hides them), then `minSamples`, then the
 * match rate against the threshold. A rate below the threshold fails. A rate at or above it whose Wilson
 * lower bound is still below passes marked `lowConfidence`: rare routes can never reach the evidence a
 * high threshold needs on their own, so the run is judged on the overall lower bound.
 */
export function judgeRoute(
  route: RouteTally,
  options: VerdictOptions,
): { summary: RouteSummary; reasons: Reason[] } {
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const reasons: Reason[] = [];
  const matchRate = route.compared > 0 ? route.matched / route.compared : null;
  const matchRateLowerBound = wilsonLowerBound(route.matched, route.compared, confidence);
  let verdict: Verdict = 'pass';
  let lowConfidence = false;
  const inconclusive = () => {
    if (verdict === 'pass') verdict = 'inconclusive';
  };
  if (route.critical.candidate5xx > 0) {
    verdict = 'fail';
    reasons.push({
      code: 'candidate-5xx',
      route: route.route,
      message: `${route.route}: candidate answered 5xx ${route.critical.candidate5xx} time(s) where live did not`,
    });
  }
  if (route.critical.candidateErrors > 0) {
    verdict = 'fail';
    const causes = describeCauses(route.errorCodes?.candidate ?? {});
    reasons.push({
      code: 'candidate-unreachable',
      route: route.route,
      message: `${route.route}: candidate failed to answer ${route.critical.candidateErrors} request(s) that live answered${causes ? ` (${causes})` : ''}`,
    });
  }
  if (route.critical.breaking > 0) {
    verdict = 'fail';
    reasons.push({
      code: 'breaking-change',
      route: route.route,
      message: `${route.route}: ${route.critical.breaking} removed or retyped value(s) that no rule allows`,
    });
  }
  if (route.compared < options.minSamples) {
    inconclusive();
    reasons.push({
      code: 'too-few-samples',
      route: route.route,
      message: `${route.route}: only ${route.compared} compared record(s), fewer than --min-samples ${options.minSamples}${notComparedCause(route)}`,
    });
  } else if (matchRate !== null && matchRate < options.threshold) {
    verdict = 'fail';
    reasons.push({
      code: 'match-rate',
      route: route.route,
      message: `${route.route}: match rate ${percent(matchRate)} (${route.matched}/${route.compared}) is below the threshold ${percent(options.threshold)}`,
    });
  } else if (matchRateLowerBound !== null && matchRateLowerBound < options.threshold) {
    // Short of evidence on its own, but it does not block a pass: the run is judged on the overall bound.
    lowConfidence = true;
    reasons.push({
      code: 'low-confidence',
      route: route.route,
      message: `${route.route}: match rate ${percent(matchRate ?? 0)} (${route.matched}/${route.compared}) but its lower bound ${percent(matchRateLowerBound)} is below the threshold ${percent(options.threshold)}: ${evidenceHint(options.threshold, confidence)}`,
    });
  }
  const summary: RouteSummary = { ...structuredClone(route), matchRate, matchRateLowerBound, verdict };
  if (lowConfidence && verdict === 'pass') summary.lowConfidence = true;
  return { summary, reasons };
}

/** Candidate's latency quantiles over live's, against the budget. */
export function checkLatencyBudget(
  budget: Partial<Record<LatencyQuantile, number>>,
  latency: { live: LatencySketch; candidate: LatencySketch },
): LatencyCheck[] {
  return (Object.keys(QUANTILES) as LatencyQuantile[])
    .filter((q) => budget[q] !== undefined)
    .map((q) => {
      const live = quantile(latency.live, QUANTILES[q]);
      const candidate = quantile(latency.candidate, QUANTILES[q]);
      const ratio = live !== null && candidate !== null && live > 0 ? candidate / live : null;
      const limit = budget[q] as number;
      return { quantile: q, budget: limit, live, candidate, ratio, ok: ratio === null || ratio <= limit };
    });
}

const CAUSE_NAMES: Record<string, string> = {
  timeout: 'timeout',
  'connection-refused': 'connection refused',
  'connection-reset': 'connection reset',
  dns: 'DNS lookup failed',
  'body-too-large': 'body too large',
  decode: 'undecodable body',
  'circuit-open': 'circuit open',
  'status-5xx': 'answered 5xx',
  other: 'other transport error',
};

/**
 * Transport causes by count, largest first, as a person reads them.
 *
 * @example
 * describeCauses({ 'connection-refused': 50, timeout: 2 }) // 'connection refused ×50, timeout ×2'
 */
export function describeCauses(codes: Partial<Record<string, number>>): string {
  return Object.entries(codes)
    .filter((entry): entry is [string, number] => (entry[1] ?? 0) > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([code, n]) => `${CAUSE_NAMES[code] ?? code} ×${n}`)
    .join(', ');
}

/** Why records of a route were not compared: live failed on them (they are no evidence either way). */
function notComparedCause(route: RouteTally): string {
  if (route.errors.live === 0) return '';
  const causes = describeCauses(route.errorCodes?.live ?? {});
  return `; ${route.errors.live} record(s) were not compared because live failed${causes ? ` (${causes})` : ''}`;
}

function mergeCodes(all: ReadonlyArray<Partial<Record<string, number>>>): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const codes of all)
    for (const [code, n] of Object.entries(codes)) merged[code] = (merged[code] ?? 0) + (n ?? 0);
  return merged;
}

const byRoute = (a: { route: string }, b: { route: string }) =>
  a.route < b.route ? -1 : a.route > b.route ? 1 : 0;

/**
 * Decides pass, fail or inconclusive from per-route tallies. Any critical check, failing route or exceeded
 * latency budget fails the run; a route below `minSamples` makes it inconclusive, and so does an overall
 * lower bound below the threshold; no evidence at all is never a pass. Routes are judged in name order, so the reasons do not depend on the order records came in.
 *
 * @example
 * computeVerdict([tally], { threshold: 0.99, minSamples: 5 }).verdict // 'pass' | 'fail' | 'inconclusive'
 */
export function computeVerdict(
  routes: readonly RouteTally[],
  options: VerdictOptions,
  latency?: { live: LatencySketch; candidate: LatencySketch },
): VerdictResult {
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const judged = [...routes].sort(byRoute).map((route) => judgeRoute(route, options));
  const reasons = judged.flatMap((j) => j.reasons);
  const summaries = judged.map((j) => j.summary);
  const compared = routes.reduce((s, r) => s + r.compared, 0);
  const matched = routes.reduce((s, r) => s + r.matched, 0);
  const liveErrors = routes.reduce((s, r) => s + r.errors.live, 0);
  const matchRate = compared > 0 ? matched / compared : null;
  const matchRateLowerBound = wilsonLowerBound(matched, compared, confidence);
  const latencyChecks =
    options.latencyBudget && latency ? checkLatencyBudget(options.latencyBudget, latency) : [];
  let verdict: Verdict;
  if (summaries.some((s) => s.verdict === 'fail')) verdict = 'fail';
  else if (matchRate !== null && matchRate < options.threshold) {
    verdict = 'fail';
    reasons.push({
      code: 'match-rate',
      message: `overall match rate ${percent(matchRate)} (${matched}/${compared}) is below the threshold ${percent(options.threshold)}`,
    });
  } else if (compared === 0) {
    verdict = 'inconclusive';
    const liveCauses = describeCauses(mergeCodes(routes.map((r) => r.errorCodes?.live ?? {})));
    reasons.push({
      code: 'no-evidence',
      message: `no record could be compared: nothing was tested, so nothing passed${liveErrors > 0 ? ` (live failed on ${liveErrors} record(s)${liveCauses ? `: ${liveCauses}` : ''})` : ''}`,
    });
  } else if (summaries.some((s) => s.verdict === 'inconclusive')) verdict = 'inconclusive';
  else if (matchRateLowerBound !== null && matchRateLowerBound < options.threshold) {
    verdict = 'inconclusive';
    reasons.push({
      code: 'low-confidence',
      message: `overall match rate ${percent(matchRate ?? 0)} (${matched}/${compared}) but its lower bound ${percent(matchRateLowerBound)} is below the threshold ${percent(options.threshold)}: ${evidenceHint(options.threshold, confidence)}`,
    });
  } else verdict = 'pass';
  for (const check of latencyChecks) {
    if (check.ok) continue;
    verdict = 'fail';
    reasons.push({
      code: 'latency-budget',
      message: `candidate ${check.quantile} latency ${check.candidate?.toFixed(1)} ms is ${check.ratio?.toFixed(2)}× live's ${check.live?.toFixed(1)} ms, over the budget ${check.budget}×`,
    });
  }
  if (liveErrors > 0) {
    const liveCauses = describeCauses(mergeCodes(routes.map((r) => r.errorCodes?.live ?? {})));
    reasons.push({
      code: 'live-errors',
      message: `live failed to answer ${liveErrors} request(s)${liveCauses ? ` (${liveCauses})` : ''}; those records were not compared`,
    });
  }
  if (verdict === 'pass') {
    reasons.unshift({
      code: 'pass',
      message: `${matched}/${compared} records matched (${percent(matchRate ?? 0)}, lower bound ${percent(matchRateLowerBound ?? 0)} at ${percent(confidence)} confidence) across ${summaries.length} route(s), at or above ${percent(options.threshold)}`,
    });
  }
  return { verdict, reasons, matchRate, matchRateLowerBound, routes: summaries, latencyChecks };
}

/** The least share of safe lines that must be replayable for a run to pass (`--min-coverage`). */
export const DEFAULT_MIN_COVERAGE = 0.9;

/**
 * The coverage check, apart from the match rate: a run that could replay less than `coverage.minCoverage` of
 * its safe lines is at best `inconclusive`, with the cause first among the reasons; a source that carried no
 * query string at all adds a warning (not by itself a failure). Mutates and returns `result`.
 *
 * @example
 * checkCoverage(verdict, report.coverage).verdict // 'inconclusive' when 48% of safe lines were replayable
 */
export function checkCoverage(result: VerdictResult, coverage: Coverage): VerdictResult {
  const { ratio, minCoverage } = coverage;
  if (ratio !== null && ratio < minCoverage) {
    if (result.verdict === 'pass') {
      result.verdict = 'inconclusive';
      result.reasons = result.reasons.filter((r) => r.code !== 'pass');
    }
    const top = coverage.malformedCauses[0];
    const cause = top
      ? `; top cause: ${top.reason} ×${top.count} (e.g. ${top.example.source}:${top.example.line})`
      : '';
    const hint =
      coverage.withoutConcretePath > 0
        ? ': log $context.path in the API Gateway access-log format (see docs/coverage-and-routes.md)'
        : '';
    result.reasons.unshift({
      code: 'low-coverage',
      message: `only ${percent(ratio)} of safe lines (${coverage.replayable}/${coverage.safeLines}) could be replayed, below --min-coverage ${percent(minCoverage)}: ${coverage.malformed} malformed${cause}${hint}`,
    });
  }
  for (const source of coverage.sources) {
    if (source.queryStrings !== 'absent') continue;
    result.reasons.push({
      code: 'no-query-strings',
      message: `${source.source}: none of ${source.records} records carried a query string, so variants such as ?page=2 were replayed without it; API Gateway access logs cannot log query strings: use ALB access logs or application logs (--map) if the service reads them`,
    });
  }
  return result;
}
