import { describe, expect, it } from 'vitest';
import { mergeReports } from '../../src/report/mergeReports.js';
import { renderHtml } from '../../src/report/renderHtml.js';
import { renderMarkdown } from '../../src/report/renderMarkdown.js';
import type { RecordOutcome } from '../../src/verdict/aggregate.js';
import { MAX_POINTER_KEYS } from '../../src/verdict/aggregate.js';
import { counted, outcome, reportOf } from './outcomes.js';

const route = 'GET /accounts';
/** A deterministic "random" id: a different one for every record and key. */
const id = (record: number, key: number) =>
  ((record * 7919 + key * 104729) % 2 ** 31).toString(36).padStart(6, 'x');

/** Records whose answers are maps keyed by random ids: every key differs, and no two records share one. */
function idKeyedOutcomes(records: number, keys: number, from = 0): RecordOutcome[] {
  return Array.from({ length: records }, (_, r) =>
    outcome(route, `/accounts?page=${from + r}`, {
      differences: Array.from({ length: keys }, (_, k) =>
        counted(route, `/${id(from + r, k)}/balance`, 'changed', k, k + 1),
      ),
    }),
  );
}

describe('pointer cardinality', () => {
  it('counts the keys of a map keyed by ids together as /* once more than MAX_POINTER_KEYS differ', () => {
    const report = reportOf(idKeyedOutcomes(200, 40), { threshold: 0.99, minSamples: 5 });
    expect(report.fields.map((f) => f.pointer)).toEqual(['/*/balance']);
    expect(report.fields[0]?.count).toBe(200 * 40);
    expect(report.limits?.collapsed).toEqual([{ route, pointer: '' }]);
    expect(report.limits?.maxPointerKeys).toBe(MAX_POINTER_KEYS);
    expect(renderMarkdown(report)).toContain('keys of 1 object\\(s\\) counted together as \\*');
    expect(renderHtml(report)).toContain('keys of 1 object(s) counted together as *');
  });

  it('keeps separate rows while an object has few differing keys', () => {
    const outcomes = Array.from({ length: 20 }, (_, r) =>
      outcome(route, `/a/${r}`, {
        differences: [counted(route, '/name', 'changed', 'a', 'b'), counted(route, '/total', 'type', 1, '1')],
      }),
    );
    const report = reportOf(outcomes, { threshold: 0.99, minSamples: 5 });
    expect(report.fields.map((f) => f.pointer).sort()).toEqual(['/name', '/total']);
    expect(report.limits?.collapsed).toEqual([]);
  });

  it('merges shards to the rows of one run, even when only one shard collapsed the map', () => {
    const options = { threshold: 0.99, minSamples: 5 };
    const whole = reportOf([...idKeyedOutcomes(30, 3), ...idKeyedOutcomes(1, 10, 30)], options);
    const a = reportOf(idKeyedOutcomes(30, 3), options);
    const b = reportOf(idKeyedOutcomes(1, 10, 30), options);
    expect(b.fields).toHaveLength(10);
    const merged = mergeReports([
      { source: 'a', report: a },
      { source: 'b', report: b },
    ]);
    expect(merged.fields.map((f) => [f.pointer, f.count])).toEqual(
      whole.fields.map((f) => [f.pointer, f.count]),
    );
    expect(merged.fields).toEqual([expect.objectContaining({ pointer: '/*/balance', count: 100 })]);
  });

  it('keeps at most 100 rows per route and says how many rows and differences it left out', () => {
    const outcomes = Array.from({ length: 30 }, (_, r) =>
      outcome(route, `/r/${r}`, {
        // 40 fixed fields × 4 nested objects: 160 distinct rows, none of them a map keyed by ids.
        differences: Array.from({ length: 160 }, (_, k) =>
          counted(route, `/group${k % 4}/field${Math.floor(k / 4)}`, 'changed', r, r + 1),
        ),
      }),
    );
    const report = reportOf(outcomes, { threshold: 0.99, minSamples: 5 });
    expect(report.fields).toHaveLength(100);
    expect(report.limits?.droppedFields).toBe(60);
    expect(report.limits?.droppedDifferences).toBe(60 * 30);
    expect(renderHtml(report)).toContain(
      '60 pointer row(s) holding 1800 difference(s) left out (at most 100 per route, 2000 in all)',
    );
  });

  it('keeps at most 2000 rows in all, however many routes differ', () => {
    const outcomes = Array.from({ length: 25 }, (_, r) =>
      outcome(`GET /r${r}`, `/r${r}`, {
        differences: Array.from({ length: 100 }, (_, k) =>
          counted(`GET /r${r}`, `/g${k % 4}/f${Math.floor(k / 4)}`, 'changed', 1, 2),
        ),
      }),
    );
    const report = reportOf(outcomes, { threshold: 0.99, minSamples: 1 });
    expect(report.fields).toHaveLength(2000);
    expect(report.limits?.droppedFields).toBe(500);
    expect(report.limits?.droppedDifferences).toBe(500);
  });

  it('keeps one sample per distinct pair of values', () => {
    const outcomes = Array.from({ length: 12 }, (_, r) =>
      outcome(route, `/s/${r}`, {
        differences: [counted(route, '/status', 'changed', 'open', r < 10 ? 'closed' : `closed-${r}`)],
      }),
    );
    const samples = reportOf(outcomes, { threshold: 0.99, minSamples: 5 }).fields[0]?.samples ?? [];
    expect(samples.map((s) => s.candidate).sort()).toEqual(['closed', 'closed-10', 'closed-11']);
  });
});
