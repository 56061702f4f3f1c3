import { describe, expect, it } from 'vitest';
import { lowCoverage, SAFETY } from '../../test/report/sections.js';
import { capped, coverageNotes, safetyText, stratumGroups } from './format.js';

describe('coverageNotes', () => {
  it('says the replayable share is below the minimum, with the top malformed cause, sources without query strings and the catch-all share', () => {
    expect(coverageNotes(lowCoverage())).toEqual({
      low: true,
      share: 'replayable 48.0% of safe lines (480/1000), below the minimum 90.0%',
      details: [
        'top malformed cause: no concrete request path (log $context.path) ×500 (e.g. apigw.log:3)',
        'no query strings in apigw.log',
        'catch-all routes: 2.5% of replayable records (12)',
      ],
    });
  });

  it('names only what applies to a run with enough coverage', () => {
    const notes = coverageNotes(
      lowCoverage({
        replayable: 950,
        ratio: 0.95,
        malformedCauses: [],
        catchAll: { records: 0, share: 0 },
        sources: [{ source: 'alb.log', records: 950, withQuery: 6, queryStrings: 'present' }],
      }),
    );
    expect(notes).toEqual({
      low: false,
      share: 'replayable 95.0% of safe lines (950/1000), at least the minimum 90.0%',
      details: [],
    });
  });

  it('does not judge a log without safe lines, and lists at most three sources without query strings', () => {
    const absent = ['a', 'b', 'c', 'd', 'e'].map((source) => ({
      source,
      records: 20,
      withQuery: 0,
      queryStrings: 'absent' as const,
    }));
    const notes = coverageNotes(
      lowCoverage({ safeLines: 0, replayable: 0, ratio: null, malformedCauses: [], sources: absent }),
    );
    expect(notes.low).toBe(false);
    expect(notes.share).toBe('no safe lines to judge (minimum 90.0%)');
    expect(notes.details).toEqual([
      'no query strings in a, b, c and 2 more',
      'catch-all routes: 2.5% of replayable records (12)',
    ]);
  });
});

describe('safetyText', () => {
  it('lists refused paths, stripped and dropped names largest first, and masked credentials', () => {
    expect(safetyText(SAFETY)).toBe(
      '2 path(s) refused; stripped x-forwarded-host ×3, _method ×1; dropped expect ×1; 4 credential(s) masked',
    );
  });

  it('is empty when the safety stage took nothing out, or the report predates it', () => {
    expect(safetyText({ refusedPaths: 0, stripped: { forwarded: 0 }, dropped: {}, masked: 0 })).toBe('');
    expect(safetyText(undefined)).toBe('');
  });
});

describe('stratumGroups', () => {
  it('keeps the largest strata and puts each route’s together, routes by their largest stratum', () => {
    const strata = [
      { route: 'A', stratum: 'A?x', seen: 10, sampled: 1 },
      { route: 'B', stratum: 'B', seen: 9, sampled: 1 },
      { route: 'A', stratum: 'A?y', seen: 8, sampled: 1 },
      { route: 'C', stratum: 'C', seen: 1, sampled: 1 },
    ];
    const { rows, more } = stratumGroups(strata, 3);
    expect(rows.map((s) => s.stratum)).toEqual(['A?x', 'A?y', 'B']);
    expect(more).toBe(1);
  });
});

describe('capped', () => {
  it('shows the first items and counts the rest', () => {
    expect(capped(['a', 'b', 'c'], 2, (s) => s.toUpperCase())).toBe('A, B and 1 more');
    expect(capped(['a'], 2, String)).toBe('a');
  });
});
