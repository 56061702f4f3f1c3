import { z } from 'zod';
import { BgReplayError } from '../errors.js';
import type { Report } from './reportTypes.js';

const sketch = z.looseObject({
  buckets: z.record(z.string(), z.number().int().nonnegative()),
  count: z.number().int().nonnegative(),
  min: z.number().nullable(),
  max: z.number().nullable(),
});
const sketches = z.looseObject({ live: sketch, candidate: sketch });
const verdict = z.enum(['pass', 'fail', 'inconclusive']);
const kind = z.enum(['added', 'removed', 'changed', 'type', 'status', 'header', 'truncated']);
const count = z.number().int().nonnegative();
const rate = z.number().min(0).max(1).nullable();
const quantiles = z.looseObject({
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  count,
});

const reportSchema = z.looseObject({
  schemaVersion: z.literal(1),
  tool: z.looseObject({ name: z.literal('bg-replay'), version: z.string() }),
  shard: z.object({ index: z.number().int().positive(), total: z.number().int().positive() }).optional(),
  startedAt: z.string(),
  durationMs: z.number().nonnegative(),
  verdict,
  reasons: z.array(z.looseObject({ code: z.string(), message: z.string(), route: z.string().optional() })),
  threshold: z.number().min(0).max(1),
  minSamples: count,
  confidence: z.number().min(0).lt(1).optional(),
  matchRate: rate,
  matchRateLowerBound: rate.optional(),
  latencyBudget: z
    .looseObject({
      p50: z.number().positive().optional(),
      p95: z.number().positive().optional(),
      p99: z.number().positive().optional(),
    })
    .optional(),
  latencyChecks: z.array(z.looseObject({})).optional(),
  attempts: z.array(z.looseObject({ attempt: count, verdict, matchRate: rate })).optional(),
  mergedFrom: count.optional(),
  label: z.enum(['good', 'bad']).optional(),
  targets: z.looseObject({ live: z.string(), candidate: z.string() }),
  counts: z.looseObject({
    read: count,
    sampled: count,
    compared: count,
    matched: count,
    differed: count,
    skipped: z.looseObject({ malformed: count, unsafeMethod: count, filtered: count }),
    errors: z.looseObject({ live: count, candidate: count }),
  }),
  malformed: z.array(z.looseObject({ source: z.string(), line: z.number(), reason: z.string() })),
  coverage: z
    .looseObject({
      safeLines: count,
      replayable: count,
      ratio: rate,
      minCoverage: z.number().min(0).max(1),
      malformed: count,
      sources: z.array(z.looseObject({ source: z.string(), records: count, withQuery: count })),
      strata: z.array(z.looseObject({ route: z.string(), stratum: z.string(), seen: count, sampled: count })),
    })
    .optional(),
  routes: z.array(
    z.looseObject({
      route: z.string(),
      total: count,
      compared: count,
      matched: count,
      differed: count,
      matchRate: rate,
      matchRateLowerBound: rate.optional(),
      verdict,
      seen: count,
      errors: z.looseObject({ live: count, candidate: count }),
      critical: z.looseObject({ candidate5xx: count, candidateErrors: count, breaking: count }),
      errorCodes: z
        .looseObject({ live: z.record(z.string(), count), candidate: z.record(z.string(), count) })
        .optional(),
      truncated: z.looseObject({ live: count, candidate: count }).optional(),
      probed: count.optional(),
      sketches: sketches.optional(),
    }),
  ),
  fields: z.array(
    z.looseObject({
      route: z.string(),
      pointer: z.string(),
      kind,
      count,
      hidden: z.record(z.string(), count),
      noise: count.optional(),
      samples: z.array(z.looseObject({ method: z.string(), path: z.string(), pointer: z.string() })),
    }),
  ),
  rules: z.looseObject({ hits: z.record(z.string(), count), unused: z.array(z.string()) }),
  latency: z.looseObject({ live: quantiles, candidate: quantiles }),
  sketches,
});

/**
 * Reads a saved run report (the JSON `--report-json` wrote) and checks its shape, so a wrong file fails
 * with one message naming it and the field at fault instead of a crash deep in a renderer.
 *
 * @example
 * const report = parseReport(await readFile('run.json', 'utf8'), 'run.json');
 */
export function parseReport(text: string, source: string): Report {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BgReplayError(
      'E_INPUT',
      `${source}: not JSON (${(error as Error).message}); give a report written by --report-json`,
      {
        cause: error,
      },
    );
  }
  const result = reportSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    const more =
      result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problem(s))` : '';
    throw new BgReplayError(
      'E_INPUT',
      `${source}: not a bg-replay run report (schemaVersion 1): ${where}: ${issue?.message ?? 'invalid'}${more}; give a report written by --report-json`,
    );
  }
  return result.data as unknown as Report;
}
