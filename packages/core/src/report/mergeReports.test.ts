import { describe, expect, it } from 'vitest';
import { lowCoverage, SAFETY } from '../../test/report/sections.js';
import { outcome, reportOf } from '../../test/verdict/outcomes.js';
import { mergeReports, mergeSafety } from './mergeReports.js';

const part = (from: number, extra: object) => ({
  ...reportOf(
    Array.from({ length: 10 }, (_, i) => outcome('GET /a', `/a/${from + i}`)),
    { threshold: 0.9, minSamples: 5, confidence: 0 },
  ),
  ...extra,
});

describe('mergeSafety', () => {
  it('adds the counts of every part, by name', () => {
    expect(
      mergeSafety([
        SAFETY,
        { refusedPaths: 1, stripped: { forwarded: 2, _method: 1 }, dropped: {}, masked: 0 },
      ]),
    ).toEqual({
      refusedPaths: 3,
      stripped: { 'x-forwarded-host': 3, _method: 2, forwarded: 2 },
      dropped: { expect: 1 },
      masked: 4,
    });
  });

  it('gives nothing when a part was written before safety was counted', () => {
    expect(mergeSafety([SAFETY, undefined])).toBeUndefined();
  });
});

describe('mergeReports of parts with coverage and safety', () => {
  it('keeps both, summed, and the merged run is inconclusive when coverage is below the minimum', () => {
    const merged = mergeReports([
      { source: 'a.json', report: part(0, { coverage: lowCoverage(), safety: SAFETY }) },
      { source: 'b.json', report: part(10, { coverage: lowCoverage(), safety: SAFETY }) },
    ]);
    expect(merged.safety).toEqual({
      refusedPaths: 4,
      stripped: { 'x-forwarded-host': 6, _method: 2 },
      dropped: { expect: 2 },
      masked: 8,
    });
    expect([merged.coverage?.safeLines, merged.coverage?.replayable, merged.coverage?.ratio]).toEqual([
      2000, 960, 0.48,
    ]);
    expect(merged.verdict).toBe('inconclusive');
    expect(merged.reasons[0]?.code).toBe('low-coverage');
  });

  it('leaves safety out when a part lacks it', () => {
    const merged = mergeReports([
      { source: 'a.json', report: part(0, { safety: SAFETY }) },
      { source: 'b.json', report: part(10, {}) },
    ]);
    expect(merged.safety).toBeUndefined();
    expect(merged.verdict).toBe('pass');
  });
});
