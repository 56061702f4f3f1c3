import { describe, expect, it } from 'vitest';
import type { RecordOutcome } from '../../src/verdict/aggregate.js';
import { tuneThresholds } from '../../src/verdict/tuneThresholds.js';
import { counted, outcome, reportOf } from './outcomes.js';

/** A run whose routes each have `perRoute` records, of which `differing` differ on a changed value. */
function run(perRoute: number, differing: Record<string, number>) {
  const outcomes: RecordOutcome[] = [];
  for (const [route, bad] of Object.entries(differing)) {
    for (let i = 0; i < perRoute; i += 1) {
      outcomes.push(
        outcome(
          route,
          `/${route.split('/')[1]}/${i}`,
          i < bad ? { differences: [counted(route, '/v', 'changed', 1, 2)] } : {},
        ),
      );
    }
  }
  return reportOf(outcomes, { threshold: 0.99, minSamples: 5, confidence: 0.95 });
}

describe('tuneThresholds', () => {
  const good = [
    run(200, { 'GET /a': 0, 'GET /b': 1 }),
    run(200, { 'GET /a': 2, 'GET /b': 0 }),
    run(150, { 'GET /a': 0, 'GET /b': 1 }),
  ];
  const bad = [run(200, { 'GET /a': 30, 'GET /b': 1 }), run(200, { 'GET /a': 0, 'GET /b': 24 })];
  const runs = [
    ...good.map((report, i) => ({ name: `good-${i}.json`, report, label: 'good' as const })),
    ...bad.map((report, i) => ({ name: `bad-${i}.json`, report, label: 'bad' as const })),
  ];

  it('recommends settings that pass every good run and fail every bad one, with margin', () => {
    const result = tuneThresholds(runs);
    expect(result.labelled).toBe(5);
    const rec = result.recommendation;
    expect(rec?.separates).toBe(true);
    // Good runs' overall lower bounds are ≥ 0.98 and their routes' rates ≥ 0.99; bad routes' rates are ≤ 0.88.
    expect(rec?.range).toEqual([0.9, 0.98]);
    expect(rec?.threshold).toBe(0.95); // the middle of the separating range
    expect(rec?.minSamples).toBe(100);
    const cell = result.grid.find((c) => c.threshold === rec?.threshold && c.minSamples === rec?.minSamples);
    expect(cell?.verdicts).toEqual(['pass', 'pass', 'pass', 'fail', 'fail']);
  });

  it('shows what each threshold and min-samples would have decided', () => {
    const result = tuneThresholds(runs, { thresholds: [0.8, 0.99], minSamples: [5, 500] });
    const at = (t: number, m: number) =>
      result.grid.find((c) => c.threshold === t && c.minSamples === m)?.verdicts;
    // bad-0's route at 170/200 is above 0.8 though its own lower bound (0.795) is not: such a route does not
    // block a run whose overall lower bound (0.89) reaches the threshold.
    expect(at(0.8, 5)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass']);
    expect(at(0.99, 5)).toEqual(['inconclusive', 'inconclusive', 'inconclusive', 'fail', 'fail']);
    expect(at(0.8, 500)).toEqual([
      'inconclusive',
      'inconclusive',
      'inconclusive',
      'inconclusive',
      'inconclusive',
    ]);
    expect(result.recommendation?.separates).toBe(false);
  });

  it('reports the per-route distribution of match rates across runs', () => {
    const result = tuneThresholds(runs);
    const a = result.routes.find((r) => r.route === 'GET /a');
    expect(a?.min).toBeCloseTo(170 / 200, 10);
    expect(a?.max).toBe(1);
    expect(a?.median).toBe(1);
    expect(a?.runs[1]).toMatchObject({ rate: 0.99, compared: 200 });
  });

  it('uses the label stored in a report and recommends nothing without labels', () => {
    const labelled = tuneThresholds([{ name: 'x', report: { ...good[0], label: 'good' } as never }]);
    expect(labelled.labelled).toBe(1);
    const none = tuneThresholds(runs.map(({ name, report }) => ({ name, report })));
    expect(none.recommendation).toBeNull();
    expect(none.grid.length).toBe(9 * 8);
  });
});
