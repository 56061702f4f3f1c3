import { describe, expect, it } from 'vitest';
import { createCoverageCounter, finishCoverage, mergeCoverage } from './createCoverageCounter.js';

function shard(malformed: number, withQuery: number) {
  const counter = createCoverageCounter();
  for (let i = 0; i < malformed; i += 1)
    counter.malformed('no concrete request path (log $context.path)', { source: 'a.log', line: i + 1 });
  for (let i = 0; i < 30; i += 1) counter.replayable('a.log', i < withQuery);
  const facts = counter.facts(
    { read: 30 + malformed + 5, malformed, unsafeMethod: 5, leftOut: 0 },
    {
      learnedParameters: ['GET /products/*'],
      strata: [{ route: 'GET /a', stratum: 'GET /a', seen: 30, sampled: 10 }],
    },
  );
  return finishCoverage(facts, 0.9);
}

describe('coverage counting', () => {
  it('counts safe lines less unsafe methods, the replayable share and the causes of the rest', () => {
    const coverage = shard(10, 0);
    expect(coverage).toMatchObject({ safeLines: 40, replayable: 30, ratio: 0.75, withoutConcretePath: 10 });
    expect(coverage.malformedCauses).toEqual([
      {
        reason: 'no concrete request path (log $context.path)',
        count: 10,
        example: { source: 'a.log', line: 1 },
      },
    ]);
    expect(coverage.sources).toEqual([
      { source: 'a.log', records: 30, withQuery: 0, queryStrings: 'absent' },
    ]);
  });

  it('merges shards into the counts of the whole run', () => {
    const merged = mergeCoverage([shard(10, 0), shard(0, 3)]);
    expect(merged).toMatchObject({
      safeLines: 70,
      replayable: 60,
      malformed: 10,
      learnedParameters: ['GET /products/*'],
    });
    expect(merged?.ratio).toBeCloseTo(60 / 70, 12);
    expect(merged?.sources).toEqual([
      { source: 'a.log', records: 60, withQuery: 3, queryStrings: 'present' },
    ]);
    expect(merged?.strata).toEqual([{ route: 'GET /a', stratum: 'GET /a', seen: 60, sampled: 20 }]);
    expect(mergeCoverage([shard(1, 1), undefined])).toBeUndefined();
  });
});
