import type { z } from 'zod';
import { BgReplayError } from '../errors.js';
import {
  envNameOf,
  type OptionKey,
  type OptionMeta,
  optionDefinitions,
  runOptionsSchema,
  showOptionValue,
} from './runOptionsSchema.js';

/**
 * Where a layer of options comes from; the documented precedence is flags > env > file > defaults.
 * `options` is a library caller's own object (`validate(options)`).
 */
export type OptionSource = 'defaults' | 'file' | 'env' | 'flags' | 'options';

/** Options from one place, as written there (before parsing). */
export interface OptionLayer {
  source: OptionSource;
  values: Record<string, unknown>;
  /**
   * Names the place of a value in messages: `--rps -1`, `BG_REPLAY_RPS=-1`, `run.yaml:4: rps -1`.
   * `shown` is the value as it may be printed (base URLs redacted), empty for a key without a value.
   */
  locate(path: readonly PropertyKey[], shown: string): string;
}

/** One problem with an option, located where its value came from. */
export interface OptionIssue {
  /** The option path, e.g. `since` or `latencyBudget`. */
  path: string;
  source: OptionSource;
  /** `run.yaml:3: since 2x: expected a duration like 30m, 2h or 1d` */
  message: string;
}

/**
 * Invalid options: every issue in one message, each naming where the value came from (flag, variable,
 * file:line) and the option path.
 *
 * @example
 * try {
 *   resolveOptionLayers([defaultOptionsLayer(), { source: 'flags', values: { rps: -1 }, locate: (path, shown) => `--${path.join('.')} ${shown}` }]);
 * } catch (error) {
 *   if (error instanceof OptionsError) console.error(error.issues.map((issue) => issue.message).join('\n'));
 * }
 */
export class OptionsError extends BgReplayError {
  readonly issues: readonly OptionIssue[];
  constructor(issues: readonly OptionIssue[]) {
    const fromFlags = issues.every((issue) => issue.source !== 'file' && issue.source !== 'env');
    super(fromFlags ? 'E_USAGE' : 'E_CONFIG', issues.map((issue) => issue.message).join('; '));
    this.name = 'OptionsError';
    this.issues = issues;
  }
}

const FLAG_TO_KEY = new Map(
  Object.entries(optionDefinitions as Record<string, OptionMeta>).map(([key, meta]) => [meta.flag, key]),
);

/** A hint for an unknown key: the option it most likely means (a flag name, another case). */
function suggestionFor(key: string, known: readonly string[]): string {
  const bare = key.replace(/^-+/, '');
  const byFlag = FLAG_TO_KEY.get(bare);
  const folded = bare.replace(/[-_]/g, '').toLowerCase();
  const match = byFlag ?? known.find((k) => k.toLowerCase() === folded);
  return match && known.includes(match) ? `; did you mean ${match}?` : '';
}

function issuesOf(layer: OptionLayer, error: z.ZodError, known: readonly string[]): OptionIssue[] {
  return error.issues.flatMap((issue): OptionIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: [...issue.path, key].join('.'),
        source: layer.source,
        message: `${layer.locate([...issue.path, key], '')}: not an option of bg-replay (docs/flags.md lists them)${suggestionFor(key, known)}`,
      }));
    }
    const key = String(issue.path[0] ?? '');
    const raw = layer.values[key];
    const index = issue.path[1];
    // The entry of a list or map at fault, not the whole value.
    const entry =
      index !== undefined && raw !== null && typeof raw === 'object'
        ? (raw as Record<PropertyKey, unknown>)[index as PropertyKey]
        : undefined;
    const value = entry ?? raw;
    return [
      {
        path: issue.path.map(String).join('.'),
        source: layer.source,
        message: `${layer.locate(issue.path, showOptionValue(key, value))}: ${issue.message}`,
      },
    ];
  });
}

/**
 * Parses each layer with `schema` and merges them, later layers winning key by key: pass them as
 * `[defaults, file, env, flags]`. Throws {@link OptionsError} naming every value at fault where it was given.
 *
 * @example
 * const { options, sources } = resolveOptionLayers([defaultOptionsLayer(), readOptionsEnv(env), flags]);
 * options.rps // 20 when BG_REPLAY_RPS=20 and no --rps
 */
export function resolveOptionLayers<S extends z.ZodObject = typeof runOptionsSchema>(
  layers: readonly OptionLayer[],
  schema: S = runOptionsSchema as unknown as S,
): { options: z.output<S>; sources: Record<string, OptionSource> } {
  const known = Object.keys(schema.shape);
  const issues: OptionIssue[] = [];
  const options: Record<string, unknown> = {};
  const sources: Record<string, OptionSource> = {};
  for (const layer of layers) {
    const parsed = schema.safeParse(layer.values);
    if (!parsed.success) {
      issues.push(...issuesOf(layer, parsed.error, known));
      continue;
    }
    for (const [key, value] of Object.entries(parsed.data as Record<string, unknown>)) {
      if (value === undefined) continue;
      options[key] = value;
      sources[key] = layer.source;
    }
  }
  if (issues.length > 0) throw new OptionsError(issues);
  return { options: options as z.output<S>, sources };
}

/**
 * The documented defaults as a layer (the lowest): only options whose default does not depend on others.
 *
 * @example
 * defaultOptionsLayer().values.rps // 50
 */
export function defaultOptionsLayer(
  keys: readonly OptionKey[] = Object.keys(optionDefinitions) as OptionKey[],
): OptionLayer {
  const values: Record<string, unknown> = {};
  for (const key of keys) {
    const fallback = (optionDefinitions as Record<string, OptionMeta>)[key]?.default;
    if (fallback !== undefined) values[key] = fallback;
  }
  return { source: 'defaults', values, locate: (path, shown) => `default ${path.join('.')} ${shown}` };
}

/**
 * The `BG_REPLAY_<KEY>` variables of `env` as a layer (`BG_REPLAY_MIN_SAMPLES=10` sets `minSamples`).
 * Lists are comma-separated.
 *
 * @example
 * readOptionsEnv({ BG_REPLAY_RPS: '20' }).values // { rps: '20' }
 */
export function readOptionsEnv(
  env: Readonly<Record<string, string | undefined>>,
  keys: readonly string[] = Object.keys(optionDefinitions),
): OptionLayer {
  const values: Record<string, unknown> = {};
  for (const key of keys) {
    const value = env[envNameOf(key)];
    if (value !== undefined) values[key] = value;
  }
  return {
    source: 'env',
    values,
    locate: (path, shown) =>
      `${envNameOf(String(path[0]))}=${shown}${path.length > 1 ? ` (${path.slice(1).join('.')})` : ''}`,
  };
}
