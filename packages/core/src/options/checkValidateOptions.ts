import { resolveOptionLayers } from './resolveOptionLayers.js';
import { type OptionKey, runOptionsSchema } from './runOptionsSchema.js';

/** Options of `validate` whose values have the option schema's type as they are. */
const SAME_AS_SCHEMA = [
  'live',
  'candidate',
  'sample',
  'seed',
  'maxPerRoute',
  'concurrency',
  'rps',
  'timeoutMs',
  'retries',
  'maxBodyBytes',
  'liveErrorBreaker',
  'timestampWindowMs',
  'versionPointer',
  'noiseProbe',
  'noiseRelative',
  'noiseAbsolute',
  'noiseMinProbed',
  'threshold',
  'confidence',
  'minSamples',
  'minCoverage',
  'latencyBudget',
  'reportBodies',
] as const satisfies readonly OptionKey[];

/**
 * Checks a library caller's options against the option schema; throws `OptionsError` naming the option
 * path at fault (`rps -1: out of range: expected a number 0..1000000000`), never a CLI flag.
 *
 * @example
 * checkValidateOptions({ live: 'http://127.0.0.1:8080', candidate: 'http://127.0.0.1:8081', rps: -1 }) // throws
 */
export function checkValidateOptions(
  options: {
    [K in (typeof SAME_AS_SCHEMA)[number]]?: unknown;
  } & { retryUntilMs?: number; retryIntervalMs?: number },
): void {
  const values: Record<string, unknown> = {};
  for (const key of SAME_AS_SCHEMA) if (options[key] !== undefined) values[key] = options[key];
  // Milliseconds, as a duration the schema reads.
  if (options.retryUntilMs !== undefined) values.retryUntil = `${options.retryUntilMs}ms`;
  if (options.retryIntervalMs !== undefined) values.retryInterval = `${options.retryIntervalMs}ms`;
  resolveOptionLayers(
    [
      {
        source: 'options',
        values,
        locate: (path, shown) => `${path.map(String).join('.')}${shown ? ` ${shown}` : ''}`,
      },
    ],
    runOptionsSchema,
  );
}
