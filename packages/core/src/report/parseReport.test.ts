import { describe, expect, it } from 'vitest';
import { lowCoverage, SAFETY } from '../../test/report/sections.js';
import { outcome, reportOf } from '../../test/verdict/outcomes.js';
import { parseReport } from './parseReport.js';

const saved = () => ({
  ...reportOf(
    Array.from({ length: 10 }, (_, i) => outcome('GET /a', `/a/${i}`)),
    { threshold: 0.9, minSamples: 5, confidence: 0 },
  ),
  coverage: lowCoverage(),
  safety: SAFETY,
});

function refusal(craft: (r: ReturnType<typeof saved>) => void): string {
  const report = saved();
  craft(report);
  try {
    parseReport(JSON.stringify(report), 'run.json');
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
}

describe('parseReport of the coverage and safety sections', () => {
  it('keeps both sections of a saved report as they were written', () => {
    const report = parseReport(JSON.stringify(saved()), 'run.json');
    expect(report.coverage).toEqual(lowCoverage());
    expect(report.safety).toEqual(SAFETY);
  });

  it.each([
    [
      'a stratum count that is not a number',
      (r: ReturnType<typeof saved>) => {
        (r.coverage.strata[0] as { seen: unknown }).seen = '<b>1</b>';
      },
      'coverage.strata.0.seen',
    ],
    [
      'more strata than a report keeps',
      (r: ReturnType<typeof saved>) => {
        r.coverage.strata = Array.from({ length: 1001 }, (_, i) => ({
          route: 'GET /a',
          stratum: `GET /a?${i}`,
          seen: 1,
          sampled: 0,
        }));
      },
      'coverage.strata',
    ],
    [
      'a source name longer than any path',
      (r: ReturnType<typeof saved>) => {
        (r.coverage.sources[0] as { source: string }).source = 'x'.repeat(70_000);
      },
      'coverage.sources.0.source',
    ],
    [
      'an unknown query-string state',
      (r: ReturnType<typeof saved>) => {
        (r.coverage.sources[0] as { queryStrings: string }).queryStrings = '<script>';
      },
      'coverage.sources.0.queryStrings',
    ],
    [
      'a coverage without its catch-all share',
      (r: ReturnType<typeof saved>) => {
        delete (r.coverage as Partial<typeof r.coverage>).catchAll;
      },
      'coverage.catchAll',
    ],
    [
      'a ratio above 1',
      (r: ReturnType<typeof saved>) => {
        r.coverage.ratio = 1.5;
      },
      'coverage.ratio',
    ],
    [
      'a negative masked count',
      (r: ReturnType<typeof saved>) => {
        r.safety.masked = -1;
      },
      'safety.masked',
    ],
    [
      'a stripped count that is markup',
      (r: ReturnType<typeof saved>) => {
        (r.safety.stripped as Record<string, unknown>)['x-forwarded-host'] = '<img src=x>';
      },
      'safety.stripped.x-forwarded-host',
    ],
    [
      'more stripped names than there are headers',
      (r: ReturnType<typeof saved>) => {
        r.safety.stripped = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`h${i}`, 1]));
      },
      'safety.stripped',
    ],
  ])('refuses a report with %s, naming the field', (_what, craft, field) => {
    const message = refusal(craft);
    expect(message).toMatch(/^run\.json: not a bg-replay run report \(schemaVersion 1\): /);
    expect(message.split(': ')[2]).toBe(field);
  });
});
