import { describe, expect, it } from 'vitest';
import { mergeReports } from '../../src/report/mergeReports.js';
import { parseReport } from '../../src/report/parseReport.js';
import type { Report } from '../../src/report/reportTypes.js';
import { stableHash } from '../../src/sample/random.js';
import type { RecordOutcome } from '../../src/verdict/aggregate.js';
import { reportOf, syntheticOutcomes } from './outcomes.js';

const options = { threshold: 0.85, minSamples: 5, confidence: 0.95, latencyBudget: { p95: 1.6 } };

function shardsOf(outcomes: readonly RecordOutcome[], n: number): RecordOutcome[][] {
  const parts: RecordOutcome[][] = Array.from({ length: n }, () => []);
  for (const o of outcomes) parts[stableHash(`${o.record.method} ${o.record.path}`) % n]?.push(o);
  return parts;
}

/** What merging must preserve exactly: every count, sketch, sample and the decision. */
const state = (r: Report) => ({
  verdict: r.verdict,
  reasons: r.reasons,
  matchRate: r.matchRate,
  matchRateLowerBound: r.matchRateLowerBound,
  counts: r.counts,
  routes: r.routes,
  fields: r.fields,
  rules: r.rules,
  latency: r.latency,
  latencyChecks: r.latencyChecks,
  sketches: r.sketches,
});

describe('merge of shards', () => {
  const outcomes = syntheticOutcomes(900);
  const single = reportOf(outcomes, options);

  it('the synthetic run exercises every kind of tally', () => {
    expect(single.counts.errors.candidate).toBeGreaterThan(0);
    expect(single.counts.errors.live).toBeGreaterThan(0);
    expect(single.routes.some((r) => r.critical.breaking > 0 && r.critical.candidate5xx > 0)).toBe(true);
    expect(single.fields.some((f) => (f.noise ?? 0) > 0 && Object.keys(f.hidden).length > 0)).toBe(true);
    expect(single.fields.some((f) => f.count > 5)).toBe(true);
  });

  for (const n of [1, 3, 7]) {
    it(`gives the counts, samples, sketches and verdict of one run for N = ${n}`, () => {
      const parts = shardsOf(outcomes, n).map((part, i) => ({
        source: `part-${i}.json`,
        report: reportOf(part, options),
      }));
      expect(parts.every((p) => p.report.counts.sampled > 0)).toBe(true);
      // Shards travel as JSON files: go through the same parse the CLI uses.
      const reread = parts.map((p) => ({
        source: p.source,
        report: parseReport(JSON.stringify(p.report), p.source),
      }));
      const merged = mergeReports(reread);
      expect(state(merged)).toEqual(state(single));
      expect(merged.mergedFrom).toBe(n);
    });
  }

  it('decides a passing run the same way merged as single', () => {
    const clean = syntheticOutcomes(900).filter(
      (o) =>
        o.live.ok &&
        o.candidate.ok &&
        o.differences.every((d) => !d.disposition.counted) &&
        o.candidate.ok &&
        o.candidate.status < 500,
    );
    const opts = { threshold: 0.9, minSamples: 5, confidence: 0.95 };
    const one = reportOf(clean, opts);
    expect(one.verdict).toBe('pass');
    const merged = mergeReports(
      shardsOf(clean, 3).map((part, i) => ({ source: `p${i}`, report: reportOf(part, opts) })),
    );
    expect(state(merged)).toEqual(state(one));
  });

  it('re-decides with the settings given to merge, and refuses parts that disagree without them', () => {
    const a = reportOf(outcomes.slice(0, 400), options);
    const b = reportOf(outcomes.slice(400), { ...options, threshold: 0.5 });
    expect(() =>
      mergeReports([
        { source: 'a.json', report: a },
        { source: 'b.json', report: b },
      ]),
    ).toThrow(/b\.json: threshold 0\.5 differs from a\.json/);
    const merged = mergeReports(
      [
        { source: 'a.json', report: a },
        { source: 'b.json', report: b },
      ],
      { threshold: 0.85 },
    );
    expect(merged.threshold).toBe(0.85);
    expect(merged.counts.sampled).toBe(900);
  });
});
