import type { Verdict } from '../model.js';
import type { Reason, RouteSummary } from '../report/reportTypes.js';
import type { RouteTally } from './aggregate.js';

export interface VerdictOptions {
  /** Required match rate, 0..1. */
  threshold: number;
  /** Compared records a route needs before its rate is judged. */
  minSamples: number;
}

export interface VerdictResult {
  verdict: Verdict;
  reasons: Reason[];
  matchRate: number | null;
  routes: RouteSummary[];
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/** Judges one route's tallies. */
export function judgeRoute(route: RouteTally, options: VerdictOptions): { summary: RouteSummary; reasons: Reason[] } {
  const reasons: Reason[] = [];
  const matchRate = route.compared > 0 ? route.matched / route.compared : null;
  let verdict: Verdict = 'pass';
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
    reasons.push({
      code: 'candidate-unreachable',
      route: route.route,
      message: `${route.route}: candidate failed to answer ${route.critical.candidateErrors} request(s) that live answered`,
    });
  }
  if (route.compared < options.minSamples) {
    if (verdict === 'pass') verdict = 'inconclusive';
    reasons.push({
      code: 'too-few-samples',
      route: route.route,
      message: `${route.route}: only ${route.compared} compared record(s), fewer than --min-samples ${options.minSamples}`,
    });
  } else if (matchRate !== null && matchRate < options.threshold) {
    verdict = 'fail';
    reasons.push({
      code: 'match-rate',
      route: route.route,
      message: `${route.route}: match rate ${percent(matchRate)} (${route.matched}/${route.compared}) is below the threshold ${percent(options.threshold)}`,
    });
  }
  return { summary: { ...route, matchRate, verdict }, reasons };
}

/**
 * Decides pass, fail or inconclusive from per-route tallies. Any critical check or failing route fails the
 * run; a route without enough evidence makes it inconclusive; no evidence at all is never a pass.
 *
 * @example
 * computeVerdict([tally], { threshold: 0.99, minSamples: 5 }).verdict // 'pass' | 'fail' | 'inconclusive'
 */
export function computeVerdict(routes: readonly RouteTally[], options: VerdictOptions): VerdictResult {
  const judged = routes.map((route) => judgeRoute(route, options));
  const reasons = judged.flatMap((j) => j.reasons);
  const summaries = judged.map((j) => j.summary).sort((a, b) => a.route.localeCompare(b.route));
  const compared = routes.reduce((s, r) => s + r.compared, 0);
  const matched = routes.reduce((s, r) => s + r.matched, 0);
  const liveErrors = routes.reduce((s, r) => s + r.errors.live, 0);
  const matchRate = compared > 0 ? matched / compared : null;
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
    reasons.push({ code: 'no-evidence', message: 'no record could be compared: nothing was tested, so nothing passed' });
  } else if (summaries.some((s) => s.verdict === 'inconclusive')) verdict = 'inconclusive';
  else verdict = 'pass';
  if (liveErrors > 0) {
    reasons.push({
      code: 'live-errors',
      message: `live failed to answer ${liveErrors} request(s); those records were not compared`,
    });
  }
  if (verdict === 'pass') {
    reasons.unshift({
      code: 'pass',
      message: `${matched}/${compared} records matched (${percent(matchRate ?? 0)}) across ${summaries.length} route(s), at or above ${percent(options.threshold)}`,
    });
  }
  return { verdict, reasons, matchRate, routes: summaries };
}
