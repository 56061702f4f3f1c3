import { z } from 'zod';
import { BgReplayError } from '../errors.js';
import { MAX_BUCKET_INDEX } from '../verdict/latencySketch.js';
import type { Report } from './reportTypes.js';

// Every field a renderer reads is checked here, to its type and range: a saved report is input from
// anywhere, and a crafted one must not be able to run script, break a table or exhaust memory on render.
const count = z.number().int().nonnegative();
const finite = z.number();
const rate = z.number().min(0).max(1).nullable();
const text = z.string();
const MAX_NAME = 65_536;
const MAX_NAMED_COUNTS = 1000;
const bucketIndex = z
  .string()
  .regex(/^(0|[1-9]\d*)$/, 'a bucket index is a non-negative integer')
  .refine((key) => Number(key) <= MAX_BUCKET_INDEX, `a bucket index is at most ${MAX_BUCKET_INDEX}`);
const sketch = z.looseObject({
  buckets: z.record(bucketIndex, count),
  count,
  min: finite.nullable(),
  max: finite.nullable(),
});
const sketches = z.looseObject({ live: sketch, candidate: sketch });
const verdict = z.enum(['pass', 'fail', 'inconclusive']);
const kind = z.enum(['added', 'removed', 'changed', 'type', 'status', 'header', 'truncated']);
const quantileName = z.enum(['p50', 'p95', 'p99']);
const ratio = z.number().positive();
const quantiles = z.looseObject({
  p50: finite.nullable(),
  p95: finite.nullable(),
  p99: finite.nullable(),
  count,
});
const latencyCheck = z.looseObject({
  quantile: quantileName,
  budget: ratio,
  live: finite.nullable(),
  candidate: finite.nullable(),
  ratio: finite.nullable(),
  ok: z.boolean(),
});
const attempt = z.looseObject({
  attempt: count,
  startedAt: text,
  durationMs: z.number().nonnegative(),
  verdict,
  matchRate: rate,
  matchRateLowerBound: rate,
  compared: count,
  matched: count,
  reasons: z.array(text),
});
const sample = z.looseObject({
  method: text,
  path: text,
  pointer: text,
  live: z.unknown().optional(),
  candidate: z.unknown().optional(),
});
const sideVersion = z.looseObject({
  version: text.nullable().optional(),
  error: text.optional(),
  seen: z.record(text, count).optional(),
});

// Coverage and safety carry names from the log (sources, routes, strata, malformed causes): their lists are
// bounded (no tighter than their producer bounds them), and names by a length no real path or file name reaches.
const name = z.string().max(MAX_NAME);
const share = z.number().min(0).max(1);
const namedCounts = z
  .record(name, count)
  .refine((o) => Object.keys(o).length <= MAX_NAMED_COUNTS, `at most ${MAX_NAMED_COUNTS} names`);
const coverage = z.looseObject({
  safeLines: count,
  replayable: count,
  ratio: rate,
  minCoverage: share,
  malformed: count,
  malformedCauses: z
    .array(
      z.looseObject({
        reason: name,
        count,
        example: z.looseObject({ source: name, line: count }),
      }),
    )
    .max(100),
  withoutConcretePath: count,
  catchAll: z.looseObject({ records: count, share: rate }),
  otherHosts: count,
  routesFrom: z.looseObject({ templates: count, log: count, inferred: count }),
  learnedParameters: z.array(name).max(10_000),
  sources: z
    .array(
      z.looseObject({
        source: name,
        records: count,
        withQuery: count,
        queryStrings: z.enum(['present', 'absent', 'unknown']),
      }),
    )
    .max(1000),
  strata: z.array(z.looseObject({ route: name, stratum: name, seen: count, sampled: count })).max(1000),
});
const safety = z.looseObject({
  refusedPaths: count,
  stripped: namedCounts,
  dropped: namedCounts,
  masked: count,
});

const reportSchema = z.looseObject({
  schemaVersion: z.literal(1),
  tool: z.looseObject({ name: z.literal('bg-replay'), version: text }),
  shard: z.object({ index: z.number().int().positive(), total: z.number().int().positive() }).optional(),
  startedAt: text,
  durationMs: z.number().nonnegative(),
  verdict,
  reasons: z.array(z.looseObject({ code: text, message: text, route: text.optional() })),
  threshold: z.number().min(0).max(1),
  minSamples: count,
  confidence: z.number().min(0).lt(1).optional(),
  matchRate: rate,
  matchRateLowerBound: rate.optional(),
  latencyBudget: z
    .looseObject({ p50: ratio.optional(), p95: ratio.optional(), p99: ratio.optional() })
    .optional(),
  latencyChecks: z.array(latencyCheck).optional(),
  attempts: z.array(attempt).optional(),
  mergedFrom: count.optional(),
  label: z.enum(['good', 'bad']).optional(),
  targets: z.looseObject({ live: text, candidate: text }),
  counts: z.looseObject({
    read: count,
    sampled: count,
    compared: count,
    matched: count,
    differed: count,
    skipped: z.looseObject({ malformed: count, unsafeMethod: count, filtered: count }),
    errors: z.looseObject({ live: count, candidate: count }),
  }),
  malformed: z.array(z.looseObject({ source: text, line: count, reason: text })),
  coverage: coverage.optional(),
  safety: safety.optional(),
  routes: z.array(
    z.looseObject({
      route: text,
      total: count,
      compared: count,
      matched: count,
      differed: count,
      matchRate: rate,
      matchRateLowerBound: rate.optional(),
      verdict,
      lowConfidence: z.literal(true).optional(),
      seen: count,
      errors: z.looseObject({ live: count, candidate: count }),
      critical: z.looseObject({
        candidate5xx: count,
        candidateErrors: count,
        breaking: count,
        records: count.optional(),
      }),
      errorCodes: z.looseObject({ live: z.record(text, count), candidate: z.record(text, count) }).optional(),
      truncated: z.looseObject({ live: count, candidate: count }).optional(),
      probed: count.optional(),
      sketches: sketches.optional(),
    }),
  ),
  fields: z.array(
    z.looseObject({
      route: text,
      pointer: text,
      kind,
      count,
      hidden: z.record(text, count),
      noise: count.optional(),
      samples: z.array(sample),
    }),
  ),
  rules: z.looseObject({ hits: z.record(text, count), unused: z.array(text) }),
  latency: z.looseObject({ live: quantiles, candidate: quantiles }),
  sketches,
  versions: z
    .looseObject({
      live: sideVersion.optional(),
      candidate: sideVersion.optional(),
      relation: text.optional(),
      policy: text.optional(),
    })
    .optional(),
  normalized: z.record(text, count).optional(),
  limits: z
    .looseObject({
      bodies: z.enum(['none', 'redacted', 'full']),
      maxFieldsPerRoute: count,
      maxFields: count.optional(),
      maxSamplesPerField: count,
      maxPointerKeys: count,
      droppedFields: count,
      droppedDifferences: count,
      collapsed: z.array(z.looseObject({ route: text, pointer: text })),
    })
    .optional(),
});

/**
 * Reads a saved run report (the JSON `--report-json` wrote) and checks every field a renderer reads, so a
 * wrong or crafted file fails with one message naming it and the field at fault instead of a crash (or
 * worse) deep in a renderer.
 *
 * @example
 * const report = parseReport(await readFile('run.json', 'utf8'), 'run.json');
 */
export function parseReport(source: string, name: string): Report {
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (error) {
    throw new BgReplayError(
      'E_INPUT',
      `${name}: not JSON (${(error as Error).message}); give a report written by --report-json`,
      { cause: error },
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
      `${name}: not a bg-replay run report (schemaVersion 1): ${where}: ${issue?.message ?? 'invalid'}${more}; give a report written by --report-json`,
    );
  }
  return result.data as unknown as Report;
}
