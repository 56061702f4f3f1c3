import { describe, expect, it } from 'vitest';
import { counted, down, ok, outcome } from '../../test/verdict/outcomes.js';
import type { Coverage } from '../report/reportTypes.js';
import type { RecordOutcome } from './aggregate.js';
import { checkCoverage, checkVerdictOptions, computeVerdict } from './computeVerdict.js';
import { judgeRun } from './judgeRun.js';

const route = 'GET /orders/:id';
const matching = (n: number, r = route): RecordOutcome[] =>
  Array.from({ length: n }, (_, i) => outcome(r, `/orders/${i}`));
const differing = (n: number): RecordOutcome[] =>
  Array.from({ length: n }, (_, i) =>
    outcome(route, `/orders/d${i}`, { differences: [counted(route, '/note', 'changed', 'a', 'b')] }),
  );
const judge = (outcomes: RecordOutcome[], options = {}) =>
  judgeRun(outcomes, new Map(), { threshold: 0.9, minSamples: 5, confidence: 0.95, ...options }).verdict;
const codes = (v: ReturnType<typeof judge>) => v.reasons.map((r) => r.code);

describe('computeVerdict: statistics', () => {
  it('passes when the Wilson lower bound reaches the threshold and reports it per route and overall', () => {
    const v = judge(matching(40));
    expect(v.verdict).toBe('pass');
    expect(v.matchRateLowerBound).toBeCloseTo(40 / (40 + 1.6448536269514722 ** 2), 6);
    expect(v.routes[0]?.matchRateLowerBound).toBeCloseTo(v.matchRateLowerBound as number, 12);
    expect(codes(v)).toEqual(['pass']);
  });

  it('is inconclusive, not pass, when the rate meets the threshold but its lower bound does not', () => {
    const v = judge(matching(15));
    expect(v.matchRate).toBe(1);
    expect(v.verdict).toBe('inconclusive');
    const reason = v.reasons.find((r) => r.code === 'low-confidence' && r.route === route);
    expect(reason?.message).toMatch(/needs at least 25 matching records/);
  });

  it('passes on the overall lower bound when a small route matches but cannot reach the threshold alone', () => {
    const v = judge([...matching(100), ...matching(10, 'GET /rare')], { threshold: 0.95 });
    expect(v.verdict).toBe('pass');
    const rare = v.routes.find((r) => r.route === 'GET /rare');
    expect(rare?.verdict).toBe('pass');
    expect(rare?.lowConfidence).toBe(true);
    expect(v.reasons).toContainEqual(expect.objectContaining({ code: 'low-confidence', route: 'GET /rare' }));
    expect(v.matchRateLowerBound).toBeGreaterThan(0.95);
  });

  it('judges the raw rate when the confidence is 0', () => {
    expect(judge(matching(15), { confidence: 0 }).verdict).toBe('pass');
  });

  it('fails when the observed rate is below the threshold', () => {
    const v = judge([...matching(80), ...differing(20)]);
    expect(v.verdict).toBe('fail');
    expect(v.reasons.find((r) => r.route === route)?.code).toBe('match-rate');
  });

  it('is inconclusive when a route has fewer compared records than min-samples, however well it matched', () => {
    const v = judge([...matching(100), ...matching(3, 'GET /rare')], { minSamples: 5 });
    expect(v.verdict).toBe('inconclusive');
    expect(v.reasons).toContainEqual(
      expect.objectContaining({ code: 'too-few-samples', route: 'GET /rare' }),
    );
    expect(v.routes.find((r) => r.route === 'GET /orders/:id')?.verdict).toBe('pass');
  });

  it('never passes when both sides answer 503 to every request: those records are no evidence', () => {
    const both = Array.from({ length: 50 }, (_, i) =>
      outcome(route, `/orders/${i}`, { live: ok(503, 3), candidate: ok(503, 3) }),
    );
    const v = judge(both);
    expect(v.verdict).toBe('inconclusive');
    expect(v.matchRate).toBeNull();
    expect(v.reasons.find((r) => r.code === 'too-few-samples')?.message).toBe(
      'GET /orders/:id: only 0 compared record(s), fewer than --min-samples 5; 50 record(s) were not compared because live failed (answered 5xx ×50)',
    );
    expect(v.reasons.find((r) => r.code === 'no-evidence')?.message).toMatch(
      /live failed on 50 record\(s\): answered 5xx ×50/,
    );
  });

  it('judges only the records where live answered when some had both sides failing', () => {
    const both = Array.from({ length: 10 }, (_, i) =>
      outcome(route, `/orders/f${i}`, { live: ok(503, 3), candidate: ok(503, 3) }),
    );
    const v = judge([...matching(40), ...both]);
    expect(v.verdict).toBe('pass');
    expect(v.routes[0]?.compared).toBe(40);
    expect(v.routes[0]?.errors.live).toBe(10);
  });

  it('is inconclusive without any evidence', () => {
    const v = judge([outcome(route, '/orders/1', { live: down() })]);
    expect(v.verdict).toBe('inconclusive');
    expect(codes(v)).toContain('no-evidence');
  });
});

describe('computeVerdict: critical checks no average hides', () => {
  const many = matching(500);

  it('fails on a single candidate 5xx where live answered 2xx or 4xx, but not where live failed too', () => {
    const v = judge([...many, outcome(route, '/orders/x', { live: ok(404, 3), candidate: ok(500, 3) })]);
    expect(v.verdict).toBe('fail');
    expect(codes(v)).toContain('candidate-5xx');
    const both = judge([...many, outcome(route, '/orders/y', { live: ok(502, 3), candidate: ok(503, 3) })]);
    expect(codes(both)).not.toContain('candidate-5xx');
  });

  it('fails on a single candidate transport error and names its cause', () => {
    const v = judge([...many, outcome(route, '/orders/x', { candidate: down() })]);
    expect(v.verdict).toBe('fail');
    expect(v.reasons.find((r) => r.code === 'candidate-unreachable')?.message).toBe(
      'GET /orders/:id: candidate failed to answer 1 request(s) that live answered (connection refused ×1)',
    );
  });

  it('counts critical records, not values: one record with three retyped fields is one critical record', () => {
    const record = outcome(route, '/orders/x', {
      differences: [
        counted(route, '/a', 'type', 1, '1'),
        counted(route, '/b', 'type', 2, '2'),
        counted(route, '/c', 'removed', 3, undefined),
      ],
    });
    const summary = judge([...many, record]).routes[0];
    expect(summary?.critical.breaking).toBe(3);
    expect(summary?.critical.records).toBe(1);
  });

  it('fails on a counted removed or type difference, but not on one a rule allowed', () => {
    for (const kind of ['removed', 'type'] as const) {
      const v = judge([
        ...many,
        outcome(route, '/orders/x', { differences: [counted(route, '/total', kind, 1, '1')] }),
      ]);
      expect(v.verdict).toBe('fail');
      expect(v.reasons.find((r) => r.code === 'breaking-change')?.message).toMatch(/1 removed or retyped/);
    }
    const allowed = judge([
      ...many,
      outcome(route, '/orders/x', {
        differences: [
          {
            route,
            pointer: '/total',
            kind: 'type',
            live: 1,
            candidate: '1',
            disposition: { counted: false, by: 'rule', ruleId: 'price-became-text' },
          },
        ],
      }),
    ]);
    expect(allowed.verdict).toBe('pass');
  });
});

describe('computeVerdict: latency budget', () => {
  const timed = (liveMs: number, candidateMs: number) =>
    Array.from({ length: 100 }, (_, i) =>
      outcome(route, `/orders/${i}`, {
        live: ok(200, liveMs + (i % 10)),
        candidate: ok(200, candidateMs + (i % 10)),
      }),
    );

  it('passes within the budget and fails over it, with the measured ratio', () => {
    const within = judge(timed(100, 120), { latencyBudget: { p95: 1.5, p50: 1.3 } });
    expect(within.verdict).toBe('pass');
    expect(within.latencyChecks.map((c) => c.quantile)).toEqual(['p50', 'p95']);
    expect(within.latencyChecks.every((c) => c.ok)).toBe(true);
    const over = judge(timed(100, 200), { latencyBudget: { p95: 1.5 } });
    expect(over.verdict).toBe('fail');
    expect(over.latencyChecks[0]?.ratio).toBeGreaterThan(1.8);
    expect(over.reasons.find((r) => r.code === 'latency-budget')?.message).toMatch(
      /p95 .* over the budget 1.5×/,
    );
  });

  it('ignores the budget when it is not set', () => {
    expect(judge(timed(100, 400)).verdict).toBe('pass');
  });

  it('rejects a budget on an unknown quantile or a ratio that is not positive', () => {
    expect(() => checkVerdictOptions({ latencyBudget: { p90: 1.2 } as never })).toThrow(
      /p90: unknown quantile/,
    );
    expect(() => checkVerdictOptions({ latencyBudget: { p95: 0 } })).toThrow(/p95=0/);
  });
});

describe('computeVerdict: order', () => {
  it('gives the same reasons whatever order the routes come in', () => {
    const routes = [
      ...judgeRun([...matching(3, 'GET /b'), ...matching(3, 'GET /a')], new Map(), {
        threshold: 0.9,
        minSamples: 5,
      }).tally.routes.values(),
    ];
    const a = computeVerdict(routes, { threshold: 0.9, minSamples: 5 });
    const b = computeVerdict([...routes].reverse(), { threshold: 0.9, minSamples: 5 });
    expect(b.reasons).toEqual(a.reasons);
    expect(a.reasons.map((r) => r.route)).toEqual(['GET /a', 'GET /b']);
  });
});

describe('checkCoverage', () => {
  const coverage = (over: Partial<Coverage> = {}): Coverage => ({
    safeLines: 1000,
    replayable: 466,
    ratio: 0.466,
    minCoverage: 0.9,
    malformed: 534,
    malformedCauses: [
      {
        reason: 'no concrete request path (log $context.path)',
        count: 534,
        example: { source: 'api.log', line: 2 },
      },
    ],
    withoutConcretePath: 534,
    catchAll: { records: 0, share: 0 },
    otherHosts: 0,
    routesFrom: { templates: 0, log: 466, inferred: 0 },
    learnedParameters: [],
    sources: [{ source: 'api.log', records: 466, withQuery: 0, queryStrings: 'absent' }],
    strata: [],
    ...over,
  });

  it('turns a pass into inconclusive when too few safe lines were replayable, naming the cause first', () => {
    const v = checkCoverage(judge(matching(100)), coverage());
    expect(v.verdict).toBe('inconclusive');
    expect(codes(v)).toEqual(['low-coverage', 'no-query-strings']);
    expect(v.reasons[0]?.message).toBe(
      'only 46.6% of safe lines (466/1000) could be replayed, below --min-coverage 90.0%: 534 malformed; top cause: no concrete request path (log $context.path) ×534 (e.g. api.log:2): log $context.path in the API Gateway access-log format (see docs/coverage-and-routes.md)',
    );
  });

  it('keeps a failure a failure, and only warns about missing query strings when coverage is enough', () => {
    expect(checkCoverage(judge(differing(10)), coverage()).verdict).toBe('fail');
    const v = checkCoverage(judge(matching(100)), coverage({ ratio: 0.95, minCoverage: 0.9 }));
    expect(v.verdict).toBe('pass');
    expect(codes(v)).toEqual(['pass', 'no-query-strings']);
    expect(v.reasons[1]?.message).toMatch(/^api\.log: none of 466 records carried a query string/);
  });

  it('is off with a minimum of 0', () => {
    const v = checkCoverage(judge(matching(100)), coverage({ minCoverage: 0, sources: [] }));
    expect(codes(v)).toEqual(['pass']);
  });
});
