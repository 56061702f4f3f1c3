import type { Coverage, SafetySummary, StratumSummary } from '../../src/report/reportTypes.js';

/** Markup, a table-breaking pipe, a line break and a link, as a log could carry them in a name. */
export const HOSTILE_NAME = 'x|<script>alert(1)</script>\r\n[a](https://evil.example/r)';

/**
 * A coverage section of an API Gateway log without `$context.path`: 480 of 1,000 safe lines replayable
 * (48%, below the 90% minimum), two sources, 3 routes with 25 strata between them.
 */
export function lowCoverage(overrides: Partial<Coverage> = {}): Coverage {
  const strata: StratumSummary[] = [];
  for (let i = 0; i < 20; i += 1)
    strata.push({
      route: 'GET /orders/:id',
      stratum: `GET /orders/:id?page=${i}`,
      seen: 100 - i,
      sampled: 4,
    });
  for (let i = 0; i < 4; i += 1)
    strata.push({
      route: 'GET /products/*',
      stratum: `GET /products/*?sort=${i}`,
      seen: 90 - i * 30,
      sampled: 3,
    });
  strata.push({ route: 'GET /health', stratum: 'GET /health', seen: 1, sampled: 1 });
  return {
    safeLines: 1000,
    replayable: 480,
    ratio: 0.48,
    minCoverage: 0.9,
    malformed: 520,
    malformedCauses: [
      {
        reason: 'no concrete request path (log $context.path)',
        count: 500,
        example: { source: 'apigw.log', line: 3 },
      },
      { reason: 'not valid JSON', count: 20, example: { source: 'apigw.log', line: 7 } },
    ],
    withoutConcretePath: 500,
    catchAll: { records: 12, share: 0.025 },
    otherHosts: 4,
    routesFrom: { templates: 0, log: 468, inferred: 12 },
    learnedParameters: ['GET /products/*'],
    sources: [
      { source: 'apigw.log', records: 450, withQuery: 0, queryStrings: 'absent' },
      { source: 'alb.log', records: 30, withQuery: 6, queryStrings: 'present' },
    ],
    strata: strata.sort((a, b) => b.seen - a.seen),
    ...overrides,
  };
}

export const SAFETY: SafetySummary = {
  refusedPaths: 2,
  stripped: { 'x-forwarded-host': 3, _method: 1 },
  dropped: { expect: 1 },
  masked: 4,
};
