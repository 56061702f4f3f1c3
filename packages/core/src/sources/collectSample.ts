import type { Report } from '../report/reportTypes.js';
import type { RequestRecord } from '../model.js';
import { createPrivacy, type Privacy, SAFE_METHODS } from '../safety/privacy.js';
import { createSampler } from '../sample/createSampler.js';
import { routeOf } from '../sample/inferRoute.js';
import { type LogInput, readRecords } from './readRecords.js';

/** Options of the first stages: which logs, how to read them, what is safe, what to sample. */
export interface SourceOptions {
  /** Where the records come from (files, streams, in-memory records). */
  logs: LogInput[];
  /** Log format, or `auto` to detect it from the first line (default). */
  format?: string;
  /** Records to replay (default 200). */
  sample?: number;
  /** Seed of the sample (default 1). */
  seed?: number;
  /** Guaranteed records per route (default: `minSamples`, so every route can be judged). */
  minPerRoute?: number;
  /** Methods that may be replayed (default GET, HEAD, OPTIONS). */
  allowMethods?: readonly string[];
}

/** What the source stages hand to the replay. */
export interface CollectedSample {
  /** Chosen records, stripped of secrets, each with its route. */
  records: Array<{ record: RequestRecord; route: string }>;
  seenPerRoute: Map<string, number>;
  counts: Pick<Report['counts'], 'read' | 'sampled' | 'skipped'>;
  malformed: Report['malformed'];
  /** The run's privacy policy, which has learned the secrets it stripped. */
  privacy: Privacy;
}

const MAX_MALFORMED_LISTED = 20;

/**
 * Reads every log, counts malformed lines and unsafe methods, strips secrets and samples by route.
 * Memory is bounded by the sample, not by the log.
 *
 * @example
 * const { records, counts } = await collectSample({ logs: [{ kind: 'file', path: 'access.log' }] });
 */
export async function collectSample(options: SourceOptions & { minSamples?: number }): Promise<CollectedSample> {
  const privacy = createPrivacy();
  const allowMethods = new Set((options.allowMethods ?? SAFE_METHODS).map((m) => m.toUpperCase()));
  const counts: CollectedSample['counts'] = { read: 0, sampled: 0, skipped: { malformed: 0, unsafeMethod: 0, filtered: 0 } };
  const malformed: Report['malformed'] = [];
  const sampler = createSampler({
    size: options.sample ?? 200,
    seed: options.seed ?? 1,
    minPerRoute: options.minPerRoute ?? options.minSamples ?? 5,
  });
  for (const input of options.logs) {
    for await (const outcome of readRecords(input, { format: options.format ?? 'auto' })) {
      counts.read += 1;
      if (outcome.kind === 'malformed') {
        counts.skipped.malformed += 1;
        if (malformed.length < MAX_MALFORMED_LISTED) malformed.push({ ...outcome.position, reason: outcome.reason });
        continue;
      }
      const { record } = outcome;
      if (!allowMethods.has(record.method)) {
        counts.skipped.unsafeMethod += 1;
        continue;
      }
      sampler.offer(privacy.stripRecord(record), routeOf(record));
    }
  }
  const { records, seenPerRoute } = sampler.result();
  counts.sampled = records.length;
  return { records: records.map((record) => ({ record, route: routeOf(record) })), seenPerRoute, counts, malformed, privacy };
}
