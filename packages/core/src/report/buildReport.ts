import type { DiffSummary } from '../diff/diffSummary.js';
import { createPrivacy, type Privacy } from '../safety/privacy.js';
import type { Tally } from '../verdict/aggregate.js';
import { MAX_POINTER_KEYS, MAX_SAMPLES_PER_FIELD } from '../verdict/aggregate.js';
import type { VerdictResult } from '../verdict/computeVerdict.js';
import { DEFAULT_CONFIDENCE } from '../verdict/computeVerdict.js';
import { type LatencySketch, quantile } from '../verdict/latencySketch.js';
import { VERSION } from '../version.js';
import { limitSampleValues, type ReportBodies } from './redactValues.js';
import type { FieldSummary, Quantiles, Report, ReportLimits } from './reportTypes.js';

export interface ReportInput {
  startedAt: Date;
  durationMs: number;
  threshold: number;
  minSamples: number;
  confidence?: number;
  latencyBudget?: Report['latencyBudget'];
  /** Every attempt of the run (`--retry-until`); the verdict is the last one's. */
  attempts?: Report['attempts'];
  mergedFrom?: number;
  label?: Report['label'];
  targets: { live: string; candidate: string };
  counts: Report['counts'];
  malformed: Report['malformed'];
  /** The run's coverage section, when the source stage counted it. */
  coverage?: Report['coverage'];
  tally: Tally;
  verdict: VerdictResult;
  ruleHits: Record<string, number>;
  /** `--report-bodies` (default `redacted`). */
  reportBodies?: ReportBodies;
  /** Rows and differences already left out by the parts of a merge. */
  dropped?: { fields: number; differences: number };
}

/** Pointer rows a report keeps per route: the most counted first; the rest are counted in `limits`. */
export const MAX_FIELDS_PER_ROUTE = 100;
/** Pointer rows a report keeps in all, however many routes the log has. */
export const MAX_FIELDS = 2000;

export function quantilesOf(sketch: LatencySketch): Quantiles {
  return {
    p50: quantile(sketch, 0.5),
    p95: quantile(sketch, 0.95),
    p99: quantile(sketch, 0.99),
    count: sketch.count,
  };
}

/** Strips user:password from a URL so a report never carries it. */
/**
 * A base URL as a report or a log line may show it: no user:password, secret query parameters redacted.
 *
 * @example
 * safeUrl('https://u:p@api.example.com/prod?api_key=k') // 'https://api.example.com/prod?api_key=[redacted]'
 */
export function safeUrl(url: string, privacy: Privacy = createPrivacy()): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    // A non-web scheme (`lambda://fn:2`) has the opaque origin "null": keep its scheme and host instead.
    const origin = parsed.origin === 'null' ? `${parsed.protocol}//${parsed.host}` : parsed.origin;
    return `${origin}${privacy.redactPath(`${parsed.pathname}${parsed.search}`)}`;
  } catch {
    return url;
  }
}

/**
 * Assembles the JSON report (schemaVersion 1) and redacts it: every string that carries a secret seen in
 * the run is scrubbed on the way out. The report carries the exact mergeable state of the run (per-route
 * counts and sketches, per-field counts and samples, rule hits) so `mergeReports` can sum shards.
 *
 * @example
 * const report = buildReport({ ...run, tally, verdict }, privacy);
 */
export function buildReport(input: ReportInput, privacy: Privacy, sections: DiffSummary = {}): Report {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  const bodies = input.reportBodies ?? 'redacted';
  const sum = (hidden: Record<string, number>) => Object.values(hidden).reduce((a, n) => a + n, 0);
  const all = [...input.tally.fields.values()].sort(
    (a, b) =>
      b.count - a.count ||
      sum(b.hidden) - sum(a.hidden) ||
      cmp(a.route, b.route) ||
      cmp(a.pointer, b.pointer) ||
      cmp(a.kind, b.kind),
  );
  const perRoute = new Map<string, number>();
  const fields: FieldSummary[] = [];
  const limits: ReportLimits = {
    bodies,
    maxFieldsPerRoute: MAX_FIELDS_PER_ROUTE,
    maxFields: MAX_FIELDS,
    maxSamplesPerField: MAX_SAMPLES_PER_FIELD,
    maxPointerKeys: MAX_POINTER_KEYS,
    droppedFields: input.dropped?.fields ?? 0,
    droppedDifferences: input.dropped?.differences ?? 0,
    collapsed: [...input.tally.collapsed]
      .map((key) => {
        const at = key.indexOf('\u0000');
        return { route: key.slice(0, at), pointer: key.slice(at + 1) };
      })
      .sort((a, b) => cmp(a.route, b.route) || cmp(a.pointer, b.pointer)),
  };
  for (const field of all) {
    const kept = perRoute.get(field.route) ?? 0;
    if (kept >= MAX_FIELDS_PER_ROUTE || fields.length >= MAX_FIELDS) {
      limits.droppedFields += 1;
      limits.droppedDifferences += field.count + sum(field.hidden);
      continue;
    }
    perRoute.set(field.route, kept + 1);
    const copy = structuredClone(field);
    copy.samples = copy.samples.map((sample) => limitSampleValues(sample, bodies));
    fields.push(copy);
  }
  const report: Report = {
    schemaVersion: 1,
    tool: { name: 'bg-replay', version: VERSION },
    startedAt: input.startedAt.toISOString(),
    durationMs: Math.round(input.durationMs),
    verdict: input.verdict.verdict,
    reasons: input.verdict.reasons,
    threshold: input.threshold,
    minSamples: input.minSamples,
    confidence: input.confidence ?? DEFAULT_CONFIDENCE,
    matchRate: input.verdict.matchRate,
    matchRateLowerBound: input.verdict.matchRateLowerBound,
    ...(input.latencyBudget
      ? { latencyBudget: input.latencyBudget, latencyChecks: input.verdict.latencyChecks }
      : {}),
    ...(input.attempts ? { attempts: input.attempts } : {}),
    ...(input.mergedFrom !== undefined ? { mergedFrom: input.mergedFrom } : {}),
    ...(input.label ? { label: input.label } : {}),
    targets: {
      live: safeUrl(input.targets.live, privacy),
      candidate: safeUrl(input.targets.candidate, privacy),
    },
    counts: input.counts,
    malformed: input.malformed,
    ...(input.coverage ? { coverage: input.coverage } : {}),
    routes: input.verdict.routes,
    fields,
    rules: {
      hits: input.ruleHits,
      unused: Object.entries(input.ruleHits)
        .filter(([, n]) => n === 0)
        .map(([id]) => id),
    },
    latency: {
      live: quantilesOf(input.tally.latency.live),
      candidate: quantilesOf(input.tally.latency.candidate),
    },
    sketches: input.tally.latency,
    ...sections,
    limits,
  };
  return redactReport(report, privacy);
}

/** Returns a deep copy of `value` with every secret string value scrubbed. */
export function redactReport<T>(value: T, privacy: Privacy): T {
  return JSON.parse(JSON.stringify(value), (_key, v) =>
    typeof v === 'string' ? privacy.redactText(v) : v,
  ) as T;
}
