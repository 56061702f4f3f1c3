import { BgReplayError } from '../errors.js';
import { createPrivacy } from '../safety/privacy.js';
import { mergeCoverage } from '../sample/createCoverageCounter.js';
import {
  collapseParent,
  createTally,
  emptyRoute,
  type FieldTally,
  mergeTallies,
  type RouteTally,
  type Tally,
} from '../verdict/aggregate.js';
import {
  checkCoverage,
  checkVerdictOptions,
  computeVerdict,
  DEFAULT_CONFIDENCE,
  type VerdictOptions,
} from '../verdict/computeVerdict.js';
import { countsOf } from '../verdict/judgeRun.js';
import { createSketch } from '../verdict/latencySketch.js';
import { buildReport } from './buildReport.js';
import type { ReportBodies } from './redactValues.js';
import type { Report, SafetySummary } from './reportTypes.js';

/**
 * The mergeable state a report carries, back as a tally. Reports written before per-route sketches
 * existed merge with empty per-route sketches (the overall sketches still merge exactly).
 *
 * @example
 * const tally = tallyOfReport(report);
 */
export function tallyOfReport(report: Report): Tally {
  const tally = createTally();
  for (const r of report.routes) {
    const route: RouteTally = {
      ...emptyRoute(r.route, r.seen),
      total: r.total,
      compared: r.compared,
      matched: r.matched,
      differed: r.differed,
      probed: r.probed ?? 0,
      errors: { ...r.errors },
      critical: { ...r.critical },
      errorCodes: { live: { ...r.errorCodes?.live }, candidate: { ...r.errorCodes?.candidate } },
      truncated: { live: r.truncated?.live ?? 0, candidate: r.truncated?.candidate ?? 0 },
      sketches: r.sketches
        ? structuredClone(r.sketches)
        : { live: createSketch(), candidate: createSketch() },
    };
    tally.routes.set(r.route, route);
  }
  for (const f of report.fields) {
    const field: FieldTally = { ...structuredClone(f), noise: f.noise ?? 0 };
    tally.fields.set(`${f.route}\u0000${f.pointer}\u0000${f.kind}`, field);
  }
  tally.latency = structuredClone(report.sketches);
  for (const { route, pointer } of report.limits?.collapsed ?? []) collapseParent(tally, route, pointer);
  return tally;
}

/**
 * Sums the safety counts of the parts of a merge; undefined unless every part has them (a part written
 * before they existed would make the sum look smaller than the run's). Counts by name add by name.
 *
 * @example
 * mergeSafety(reports.map((r) => r.safety))?.masked
 */
export function mergeSafety(parts: ReadonlyArray<SafetySummary | undefined>): SafetySummary | undefined {
  if (parts.length === 0 || parts.some((p) => p === undefined)) return undefined;
  const all = parts as SafetySummary[];
  const add = (pick: (s: SafetySummary) => Record<string, number>) => {
    const sum: Record<string, number> = {};
    for (const part of all)
      for (const [name, n] of Object.entries(pick(part))) sum[name] = (sum[name] ?? 0) + n;
    return sum;
  };
  return {
    refusedPaths: all.reduce((s, p) => s + p.refusedPaths, 0),
    stripped: add((p) => p.stripped),
    dropped: add((p) => p.dropped),
    masked: all.reduce((s, p) => s + p.masked, 0),
  };
}

const STRICTNESS: Record<ReportBodies, number> = { full: 0, redacted: 1, none: 2 };

/** Options of `mergeReports`: verdict settings that override the parts', a clock, and how much of the values to keep. */
export interface MergeOptions extends Partial<VerdictOptions> {
  /** Clock, for tests. */
  now?: () => Date;
  /** `--report-bodies`; never less strict than the strictest part (values a part left out are gone). */
  reportBodies?: ReportBodies;
}

/**
 * Shards must be of one split (the same N), each at most once; returns the shard numbers not given, which
 * keep the merge from passing. Parts without shard identity (whole runs split by hand) are not checked.
 */
function checkShards(parts: readonly { source: string; report: Report }[]): number[] {
  const sharded = parts.filter((p) => p.report.shard);
  if (sharded.length === 0) return [];
  const total = agreed(sharded, 'shard count', (r) => r.shard?.total, false) as number;
  const seen = new Map<number, string>();
  for (const part of sharded) {
    const index = part.report.shard?.index as number;
    const other = seen.get(index);
    if (other) {
      throw new BgReplayError(
        'E_INPUT',
        `${part.source}: shard ${index}/${total} is also ${other}; give each shard once`,
      );
    }
    seen.set(index, part.source);
  }
  return Array.from({ length: total }, (_, i) => i + 1).filter((i) => !seen.has(i));
}

function agreed<T>(
  parts: readonly { source: string; report: Report }[],
  name: string,
  pick: (r: Report) => T,
  decidable = true,
): T {
  const first = parts[0] as { source: string; report: Report };
  const value = pick(first.report);
  for (const part of parts) {
    if (JSON.stringify(pick(part.report)) !== JSON.stringify(value)) {
      throw new BgReplayError(
        'E_INPUT',
        `${part.source}: ${name} ${JSON.stringify(pick(part.report))} differs from ${first.source} (${JSON.stringify(value)}); merge parts of one run${decidable ? `, or give --${name} to decide` : ''}`,
      );
    }
  }
  return value;
}

/**
 * Sums the reports of shards (`--shard i/N`) into the report of the whole run and decides its verdict
 * again from the summed state: counts, per-route sketches, rule hits, coverage and safety counts add, samples are re-chosen
 * (bottom-k by stable hash), so merging N shards gives the counts and verdict of one run over all records.
 * Verdict settings come from `options`, else from the parts, which must then agree.
 * Noise is not re-decided: each part's noise decisions (the `noise` counts under `hidden`) are summed as
 * they are; the raw probe counts (`fields[].noise`, `routes[].probed`) are summed so they can be audited.
 *
 * @example
 * const whole = mergeReports([{ source: 'a.json', report: a }, { source: 'b.json', report: b }]);
 */
export function mergeReports(
  parts: ReadonlyArray<{ source: string; report: Report }>,
  options: MergeOptions = {},
): Report {
  if (parts.length === 0) throw new BgReplayError('E_USAGE', 'merge: name at least one report to merge');
  checkVerdictOptions(options);
  const verdictOptions: VerdictOptions = {
    threshold: options.threshold ?? agreed(parts, 'threshold', (r) => r.threshold),
    minSamples: options.minSamples ?? agreed(parts, 'min-samples', (r) => r.minSamples),
    confidence: options.confidence ?? agreed(parts, 'confidence', (r) => r.confidence ?? DEFAULT_CONFIDENCE),
  };
  const latencyBudget =
    options.latencyBudget ?? agreed(parts, 'latency-budget', (r) => r.latencyBudget ?? null);
  if (latencyBudget) verdictOptions.latencyBudget = latencyBudget;
  const targets = agreed(parts, 'targets', (r) => r.targets, false);
  const missingShards = checkShards(parts);

  const reports = parts.map((p) => p.report);
  const tally = mergeTallies(reports.map(tallyOfReport));
  const verdict = computeVerdict([...tally.routes.values()], verdictOptions, tally.latency);
  const coverage = mergeCoverage(reports.map((r) => r.coverage));
  if (coverage) checkCoverage(verdict, coverage);
  // A part that stopped early (interrupted, or live looked unhealthy) cannot make the whole a pass.
  for (const [code, what] of [
    ['aborted', 'were interrupted before they finished'],
    ['live-unhealthy', 'stopped because live looked unhealthy'],
  ] as const) {
    const stopped = reports.filter((r) => r.reasons.some((reason) => reason.code === code)).length;
    if (stopped === 0) continue;
    verdict.reasons.push({ code, message: `${stopped} of ${reports.length} parts ${what}` });
    if (verdict.verdict === 'pass') verdict.verdict = 'inconclusive';
  }
  if (missingShards.length > 0) {
    verdict.reasons.push({
      code: 'missing-shards',
      message: `shard(s) ${missingShards.join(', ')} of ${parts[0]?.report.shard?.total} were not given: the merge covers part of the log`,
    });
    if (verdict.verdict === 'pass') verdict.verdict = 'inconclusive';
  }

  const sum = (pick: (r: Report) => number) => reports.reduce((s, r) => s + pick(r), 0);
  const starts = reports.map((r) => Date.parse(r.startedAt)).filter(Number.isFinite);
  const ends = reports.map((r) => Date.parse(r.startedAt) + r.durationMs).filter(Number.isFinite);
  const startedAt = new Date(
    starts.length > 0 ? Math.min(...starts) : (options.now ?? (() => new Date()))().getTime(),
  );
  const durationMs = ends.length > 0 ? Math.max(...ends) - startedAt.getTime() : 0;

  const ruleHits: Record<string, number> = {};
  for (const r of reports)
    for (const [id, n] of Object.entries(r.rules.hits)) ruleHits[id] = (ruleHits[id] ?? 0) + n;
  const seen = new Set<string>();
  const malformed = reports
    .flatMap((r) => r.malformed)
    .filter((m) => {
      const key = `${m.source}\u0000${m.line}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : a.line - b.line))
    .slice(0, 20);
  // Sections of the diff stage merge only when every part agrees (the same versions were seen).
  const sections: Record<string, unknown> = {};
  for (const key of ['versions', 'noise'] as const) {
    const values = reports.map((r) => JSON.stringify(r[key] ?? null));
    if (reports[0]?.[key] !== undefined && values.every((v) => v === values[0]))
      sections[key] = reports[0][key];
  }

  const safety = mergeSafety(reports.map((r) => r.safety));
  const merged = buildReport(
    {
      startedAt,
      durationMs,
      threshold: verdictOptions.threshold,
      minSamples: verdictOptions.minSamples,
      confidence: verdictOptions.confidence,
      ...(verdictOptions.latencyBudget ? { latencyBudget: verdictOptions.latencyBudget } : {}),
      mergedFrom: reports.reduce((s, r) => s + (r.mergedFrom ?? 1), 0),
      targets,
      counts: {
        read: sum((r) => r.counts.read),
        sampled: sum((r) => r.counts.sampled),
        skipped: {
          malformed: sum((r) => r.counts.skipped.malformed),
          unsafeMethod: sum((r) => r.counts.skipped.unsafeMethod),
          filtered: sum((r) => r.counts.skipped.filtered),
        },
        ...countsOf(tally),
      },
      malformed,
      ...(coverage ? { coverage } : {}),
      tally,
      verdict,
      ruleHits,
      reportBodies: [options.reportBodies ?? 'redacted', ...reports.map((r) => r.limits?.bodies ?? 'full')]
        .sort((a, b) => STRICTNESS[b] - STRICTNESS[a])
        .at(0),
      dropped: {
        fields: sum((r) => r.limits?.droppedFields ?? 0),
        differences: sum((r) => r.limits?.droppedDifferences ?? 0),
      },
    },
    createPrivacy(),
    sections as Pick<Report, 'versions' | 'noise'>,
  );
  return safety ? { ...merged, safety } : merged;
}
