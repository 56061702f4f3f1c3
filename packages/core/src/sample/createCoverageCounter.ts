import type { Coverage, SourceCoverage, StratumSummary } from '../report/reportTypes.js';

/** Records a source needs before the lack of any query string means its format cannot carry one. */
export const QUERY_EVIDENCE = 20;
const MAX_CAUSES = 100;
const MAX_SOURCES = 1000;
const MAX_STRATA_LISTED = 200;

/** What the source stage knows of coverage; `minCoverage` is the verdict's to add. */
export type SourceCoverageFacts = Omit<Coverage, 'minCoverage' | 'ratio' | 'safeLines'> & {
  /** Computed from the run's counts by {@link finishCoverage}. */
  safeLines: number;
};

/** Counts, while the logs are read, what coverage needs. */
export interface CoverageCounter {
  malformed(reason: string, position: { source: string; line: number }): void;
  /** A record that can be replayed, from `source`, with or without a query string. */
  replayable(source: string, hasQuery: boolean): void;
  catchAll(): void;
  otherHost(): void;
  routed(from: keyof Coverage['routesFrom']): void;
  /**
   * The facts, given the run's counts: safe lines are those read less unsafe methods and what was left out
   * on purpose; replayable ones are safe lines that were not malformed.
   */
  facts(
    counts: { read: number; malformed: number; unsafeMethod: number; leftOut: number },
    extra: { learnedParameters: string[]; strata: StratumSummary[] },
  ): SourceCoverageFacts;
}

/**
 * Counts coverage facts with bounded memory (100 malformed causes, 1,000 sources).
 *
 * @example
 * const counter = createCoverageCounter();
 * counter.malformed('no concrete request path (log $context.path)', { source: 'a.log', line: 3 });
 */
export function createCoverageCounter(): CoverageCounter {
  const causes = new Map<string, { count: number; example: { source: string; line: number } }>();
  const sources = new Map<string, { records: number; withQuery: number }>();
  let catchAll = 0;
  let otherHosts = 0;
  let replayable = 0;
  const routesFrom = { templates: 0, log: 0, inferred: 0 };
  return {
    malformed(reason, position) {
      const known = causes.get(reason);
      if (known) known.count += 1;
      else if (causes.size < MAX_CAUSES)
        causes.set(reason, { count: 1, example: { source: position.source, line: position.line } });
    },
    replayable(source, hasQuery) {
      replayable += 1;
      let entry = sources.get(source);
      if (!entry) {
        if (sources.size >= MAX_SOURCES) return;
        entry = { records: 0, withQuery: 0 };
        sources.set(source, entry);
      }
      entry.records += 1;
      if (hasQuery) entry.withQuery += 1;
    },
    catchAll: () => {
      catchAll += 1;
    },
    otherHost: () => {
      otherHosts += 1;
    },
    routed: (from) => {
      routesFrom[from] += 1;
    },
    facts(counts, extra) {
      const malformedCauses = [...causes]
        .map(([reason, { count, example }]) => ({ reason, count, example }))
        .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1))
        .slice(0, 5);
      let withoutConcretePath = 0;
      for (const [reason, { count }] of causes)
        if (/concrete .*path/i.test(reason)) withoutConcretePath += count;
      const sourceList: SourceCoverage[] = [...sources].map(([source, s]) => ({
        source,
        records: s.records,
        withQuery: s.withQuery,
        queryStrings: s.withQuery > 0 ? 'present' : s.records >= QUERY_EVIDENCE ? 'absent' : 'unknown',
      }));
      const safeLines = Math.max(0, counts.read - counts.unsafeMethod - counts.leftOut);
      return {
        safeLines,
        replayable: Math.max(0, safeLines - counts.malformed),
        malformed: counts.malformed,
        malformedCauses,
        withoutConcretePath,
        catchAll: { records: catchAll, share: replayable > 0 ? catchAll / replayable : null },
        otherHosts,
        routesFrom: { ...routesFrom },
        learnedParameters: extra.learnedParameters,
        sources: sourceList,
        strata: [...extra.strata]
          .sort((a, b) => b.seen - a.seen || (a.stratum < b.stratum ? -1 : 1))
          .slice(0, MAX_STRATA_LISTED),
      };
    },
  };
}

/**
 * The report's coverage section: the source facts, their ratio, and the least ratio that passes.
 *
 * @example
 * finishCoverage(collected.coverage, 0.9).ratio // 0.48
 */
export function finishCoverage(facts: SourceCoverageFacts, minCoverage: number): Coverage {
  const ratio = facts.safeLines > 0 ? Math.min(1, facts.replayable / facts.safeLines) : null;
  return { ...facts, ratio, minCoverage };
}

/**
 * Sums the coverage of shard reports into the whole run's (`bg-replay merge`); undefined unless every part
 * has one. Counts add; causes, sources and strata add by name; the strictest `minCoverage` applies.
 *
 * @example
 * mergeCoverage(reports.map((r) => r.coverage))?.ratio
 */
export function mergeCoverage(parts: ReadonlyArray<Coverage | undefined>): Coverage | undefined {
  if (parts.length === 0 || parts.some((p) => p === undefined)) return undefined;
  const all = parts as Coverage[];
  const sum = (pick: (c: Coverage) => number) => all.reduce((s, c) => s + pick(c), 0);
  const causes = new Map<string, Coverage['malformedCauses'][number]>();
  const sources = new Map<string, { records: number; withQuery: number }>();
  const strata = new Map<string, StratumSummary>();
  for (const c of all) {
    for (const cause of c.malformedCauses) {
      const known = causes.get(cause.reason);
      causes.set(cause.reason, known ? { ...known, count: known.count + cause.count } : { ...cause });
    }
    for (const s of c.sources) {
      const known = sources.get(s.source) ?? { records: 0, withQuery: 0 };
      sources.set(s.source, { records: known.records + s.records, withQuery: known.withQuery + s.withQuery });
    }
    for (const s of c.strata) {
      const known = strata.get(s.stratum);
      strata.set(
        s.stratum,
        known ? { ...known, seen: known.seen + s.seen, sampled: known.sampled + s.sampled } : { ...s },
      );
    }
  }
  const catchAll = sum((c) => c.catchAll.records);
  const replayable = sum((c) => c.replayable);
  const facts: SourceCoverageFacts = {
    safeLines: sum((c) => c.safeLines),
    replayable,
    malformed: sum((c) => c.malformed),
    malformedCauses: [...causes.values()]
      .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1))
      .slice(0, 5),
    withoutConcretePath: sum((c) => c.withoutConcretePath),
    catchAll: { records: catchAll, share: replayable > 0 ? catchAll / replayable : null },
    otherHosts: sum((c) => c.otherHosts),
    routesFrom: {
      templates: sum((c) => c.routesFrom.templates),
      log: sum((c) => c.routesFrom.log),
      inferred: sum((c) => c.routesFrom.inferred),
    },
    learnedParameters: [...new Set(all.flatMap((c) => c.learnedParameters))].sort(),
    sources: [...sources].map(([source, s]) => ({
      source,
      ...s,
      queryStrings: s.withQuery > 0 ? 'present' : s.records >= QUERY_EVIDENCE ? 'absent' : 'unknown',
    })),
    strata: [...strata.values()]
      .sort((a, b) => b.seen - a.seen || (a.stratum < b.stratum ? -1 : 1))
      .slice(0, MAX_STRATA_LISTED),
  };
  return finishCoverage(facts, Math.max(...all.map((c) => c.minCoverage)));
}
