import { resolve } from 'node:path';
import { BgReplayError, type DiffStageOptions } from '@bg-replay/core';
import type { Argv } from 'yargs';
import type { CliIo } from '../io.js';

/** Flags of the diff, rules, versions and noise stages (docs/architecture.md). */
export function withDiffFlags<T>(yargs: Argv<T>) {
  return yargs
    .option('rules', { type: 'string', describe: 'Rules file (YAML or JSON)', group: 'Diff:' })
    .option('compare-headers', {
      type: 'string',
      describe:
        'Response headers compared, comma-separated; replaces the default list (content-type, content-encoding, cache-control, vary, location, content-location, link, x-total-count, CORS…)',
      group: 'Diff:',
    })
    .option('array-key', {
      type: 'string',
      array: true,
      describe: 'Match array elements by a key field: <pointer>=<field>, e.g. /items=id (repeatable)',
      group: 'Diff:',
    })
    .option('unordered', {
      type: 'string',
      array: true,
      describe: 'Compare an array of scalars regardless of order, by pointer, e.g. /tags (repeatable)',
      group: 'Diff:',
    })
    .option('tolerance', {
      type: 'string',
      array: true,
      describe: 'Numeric tolerance: <pointer>=<number>, e.g. /**/price=0.005 (repeatable)',
      group: 'Diff:',
    })
    .option('normalize-ids', {
      type: 'boolean',
      default: true,
      describe: 'Equate request ids and UUIDs in id-like fields',
      group: 'Diff:',
    })
    .option('normalize-timestamps', {
      type: 'boolean',
      default: true,
      describe: 'Equate ISO-8601/epoch timestamps near the comparison time',
      group: 'Diff:',
    })
    .option('normalize-headers', {
      type: 'boolean',
      default: true,
      describe: 'Equate Date/X-Request-Id/ETag-style headers and equivalent content types',
      group: 'Diff:',
    })
    .option('normalize-origins', {
      type: 'boolean',
      default: true,
      describe:
        "Replace each side's own origin (scheme, host, port, base path) in bodies and Location/Content-Location/Link",
      group: 'Diff:',
    })
    .option('timestamp-window', {
      type: 'number',
      describe: 'Window of the timestamp normalizer, in ms (default 300000)',
      group: 'Diff:',
    })
    .option('version-header', {
      type: 'string',
      describe: "Response header carrying each side's version, e.g. x-service-version",
      group: 'Versions:',
    })
    .option('version-pointer', {
      type: 'string',
      describe: 'JSON Pointer to the version in response bodies, e.g. /meta/version',
      group: 'Versions:',
    })
    .option('version-endpoint', {
      type: 'string',
      describe: 'Path asked once per side for its version, e.g. /version',
      group: 'Versions:',
    })
    .option('live-version', {
      type: 'string',
      describe: "Live's version (wins over discovery)",
      group: 'Versions:',
    })
    .option('candidate-version', {
      type: 'string',
      describe: "Candidate's version (wins over discovery)",
      group: 'Versions:',
    })
    .option('noise-probe', {
      type: 'number',
      describe:
        'Share of records also replayed against live a second time to learn noise, 0..1 (1 = every record)',
      group: 'Noise:',
    })
    .option('noise-relative', {
      type: 'number',
      describe: "Diffy's relative threshold (default 0.2)",
      group: 'Noise:',
    })
    .option('noise-absolute', {
      type: 'number',
      describe: "Diffy's absolute threshold (default 0.0003)",
      group: 'Noise:',
    })
    .option('noise-min-probed', {
      type: 'number',
      describe: 'Probed records a route needs before its differences are judged as noise (default 5)',
      group: 'Noise:',
    });
}

/** The parsed diff flags. */
export type DiffArgs = {
  rules?: string | undefined;
  'compare-headers'?: string | undefined;
  'array-key'?: string[] | undefined;
  unordered?: string[] | undefined;
  tolerance?: string[] | undefined;
  'normalize-ids'?: boolean | undefined;
  'normalize-timestamps'?: boolean | undefined;
  'normalize-headers'?: boolean | undefined;
  'normalize-origins'?: boolean | undefined;
  'timestamp-window'?: number | undefined;
  'version-header'?: string | undefined;
  'version-pointer'?: string | undefined;
  'version-endpoint'?: string | undefined;
  'live-version'?: string | undefined;
  'candidate-version'?: string | undefined;
  'noise-probe'?: number | undefined;
  'noise-relative'?: number | undefined;
  'noise-absolute'?: number | undefined;
  'noise-min-probed'?: number | undefined;
};

/** Splits `<pointer>=<value>` flags; the last `=` separates, so pointers may not contain one. */
function pairs(
  flag: string,
  values: readonly string[] | undefined,
  example: string,
): Array<[string, string]> {
  return (values ?? []).map((raw) => {
    const at = raw.lastIndexOf('=');
    const pointer = raw.slice(0, at).trim();
    const value = raw.slice(at + 1).trim();
    if (at <= 0 || value === '' || !pointer.startsWith('/')) {
      throw new BgReplayError(
        'E_USAGE',
        `--${flag} ${raw}: expected <pointer>=<value>, e.g. --${flag} ${example}`,
      );
    }
    return [pointer, value];
  });
}

function setIf<K extends keyof DiffStageOptions>(
  options: DiffStageOptions,
  key: K,
  value: DiffStageOptions[K] | undefined,
): void {
  if (value !== undefined) options[key] = value;
}

/**
 * Maps the diff flags to `DiffStageOptions`.
 *
 * @example
 * diffOptionsFrom({ 'array-key': ['/items=id'], 'noise-probe': 0.2 }, io) // { arrayKeys: { '/items': 'id' }, noiseProbe: 0.2, … }
 */
export function diffOptionsFrom(args: DiffArgs, io: CliIo): DiffStageOptions {
  const options: DiffStageOptions = {};
  setIf(options, 'rules', args.rules === undefined ? undefined : resolve(io.cwd, args.rules));
  if (args['compare-headers'] !== undefined) {
    options.compareHeaders = args['compare-headers']
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
  }
  const arrayKeys = pairs('array-key', args['array-key'], '/items=id');
  if (arrayKeys.length > 0) options.arrayKeys = Object.fromEntries(arrayKeys);
  const unordered = (args.unordered ?? []).map((p) => p.trim()).filter(Boolean);
  if (unordered.length > 0) options.unorderedArrays = unordered;
  const tolerances = pairs('tolerance', args.tolerance, '/**/price=0.005').map(
    ([pointer, raw]): [string, number] => {
      const value = Number(raw);
      if (!Number.isFinite(value) || value < 0) {
        throw new BgReplayError(
          'E_USAGE',
          `--tolerance ${pointer}=${raw}: the tolerance must be a number >= 0`,
        );
      }
      return [pointer, value];
    },
  );
  if (tolerances.length > 0) options.tolerances = Object.fromEntries(tolerances);
  const normalizers = {
    ids: args['normalize-ids'] ?? true,
    timestamps: args['normalize-timestamps'] ?? true,
    headers: args['normalize-headers'] ?? true,
    origins: args['normalize-origins'] ?? true,
  };
  if (Object.values(normalizers).includes(false)) options.normalizers = normalizers;
  setIf(options, 'timestampWindowMs', args['timestamp-window']);
  setIf(options, 'versionHeader', args['version-header']);
  setIf(options, 'versionPointer', args['version-pointer']);
  setIf(options, 'versionEndpoint', args['version-endpoint']);
  setIf(options, 'liveVersion', args['live-version']);
  setIf(options, 'candidateVersion', args['candidate-version']);
  setIf(options, 'noiseProbe', args['noise-probe']);
  setIf(options, 'noiseRelative', args['noise-relative']);
  setIf(options, 'noiseAbsolute', args['noise-absolute']);
  setIf(options, 'noiseMinProbed', args['noise-min-probed']);
  return options;
}
