import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  BgReplayError,
  defaultOptionsLayer,
  envNameOf,
  OPTION_GROUPS,
  type OptionGroup,
  type OptionKey,
  type OptionLayer,
  type OptionMeta,
  OptionsError,
  optionDefinitions,
  type RunOptions,
  readOptionsEnv,
  readOptionsFile,
  resolveOptionLayers,
  toValidateOptions,
  type ValidateOptionsFromRun,
} from '@bg-replay/core';
import type { Argv, Options } from 'yargs';
import type { CliIo } from '../io.js';

const definitions = optionDefinitions as Record<OptionKey, OptionMeta>;

/** The option keys of some stages, in schema order. */
export function keysOf(...groups: OptionGroup[]): OptionKey[] {
  return (Object.keys(definitions) as OptionKey[]).filter((key) => groups.includes(definitions[key].group));
}

/** What reads and samples logs: `sample`, and the first stages of every replay. */
export const SOURCE_KEYS = keysOf('Input', 'CloudWatch', 'Sampling', 'Safety');
/** Everything a replay can be told. */
export const REPLAY_KEYS = keysOf(...OPTION_GROUPS);

/** The flag of an option path (`timeoutMs` → `--timeout`). */
export function flagOf(key: string): string {
  const root = key.split('.')[0] as OptionKey;
  return `--${definitions[root]?.flag ?? key}`;
}

/** The yargs option of a schema option: its flag's type, help, group and documented default. */
export function yargsOptionOf(
  key: OptionKey,
  override: { describe?: string; noDefault?: boolean } = {},
): Options {
  const meta = definitions[key];
  const option: Options = {
    type: meta.flagType,
    describe: override.describe ?? meta.help,
    group: `${meta.group}:`,
  };
  if (meta.repeatable) option.array = true;
  if (meta.choices) option.choices = [...meta.choices];
  // No yargs default: an absent flag must not hide the value of a config file or a variable.
  if (!override.noDefault && meta.default !== undefined) option.defaultDescription = String(meta.default);
  return option;
}

/**
 * Registers the flags of `keys`, derived from the option schema (one generic adapter), and `--config`.
 *
 * @example
 * withOptionFlags(yargs, SOURCE_KEYS) // --config, --logs, --format, ... --keep-header, --header
 */
export function withOptionFlags<T>(
  yargs: Argv<T>,
  keys: readonly OptionKey[],
  overrides: Partial<Record<OptionKey, { describe?: string; noDefault?: boolean }>> = {},
  options: { config?: boolean } = {},
): Argv<T & Record<string, unknown>> {
  let out = yargs as Argv<T & Record<string, unknown>>;
  if (options.config !== false) {
    out = out.option('config', {
      type: 'string',
      describe:
        'YAML or JSON file of options, keyed as docs/flags.md says (flags > BG_REPLAY_* variables > this file > defaults)',
      group: 'Input:',
    }) as typeof out;
  }
  for (const key of keys)
    out = out.option(definitions[key].flag, yargsOptionOf(key, overrides[key])) as typeof out;
  return out;
}

/** The flags given on the command line as a layer of options (yargs sets no defaults for them). */
export function flagLayer(args: Record<string, unknown>, keys: readonly OptionKey[]): OptionLayer {
  const values: Record<string, unknown> = {};
  for (const key of keys) {
    const value = args[definitions[key].flag];
    if (value !== undefined) values[key] = value;
  }
  return {
    source: 'flags',
    values,
    locate: (path, shown) => `${flagOf(String(path[0]))}${shown ? ` ${shown}` : ''}`,
  };
}

/** An `OptionsError` of option paths (from `validate` or the mapping) in flag terms, for the terminal. */
export function inFlagTerms(error: unknown): unknown {
  if (!(error instanceof OptionsError)) return error;
  const messages = error.issues.map((issue) => {
    if (issue.source !== 'options' && issue.source !== 'flags') return issue.message;
    return issue.message.startsWith(issue.path)
      ? `${flagOf(issue.path)}${issue.message.slice(issue.path.length)}`
      : issue.message;
  });
  return new BgReplayError(error.code, messages.join('; '), { cause: error });
}

/** What a missing required option asks for. */
const REQUIRED_HINTS: Partial<Record<OptionKey, string>> = {
  logs: 'name the log to read: --logs access.log (a glob, - for stdin, or cloudwatch://<log-group>)',
  live: 'give the live base URL: --live https://api.example.com',
  candidate: 'give the candidate base URL: --candidate https://api.example.com:8080',
};

/** The resolved options of one command: as parsed, and as `validate` takes them. */
export interface CommandOptions {
  run: RunOptions;
  validate: ValidateOptionsFromRun;
}

/**
 * Resolves a command's options from its flags, the `BG_REPLAY_*` environment, its `--config` file and the
 * defaults (in that precedence), checks the required ones, and maps them to `validate`'s options.
 * Messages name the flag, the variable or `file:line` that gave the value at fault.
 *
 * @example
 * const { validate } = await resolveCommandOptions(args, io, REPLAY_KEYS, ['logs', 'live', 'candidate']);
 */
export async function resolveCommandOptions(
  args: Record<string, unknown>,
  io: CliIo,
  keys: readonly OptionKey[],
  required: readonly OptionKey[] = [],
): Promise<CommandOptions> {
  const layers: OptionLayer[] = [defaultOptionsLayer(keys)];
  const config = args.config;
  if (typeof config === 'string') {
    const file = resolve(io.cwd, config);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new BgReplayError(
        'E_USAGE',
        `--config ${config}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        { cause: error },
      );
    }
    layers.push(readOptionsFile(text, file, { name: config }));
  }
  layers.push(readOptionsEnv(io.env, keys), flagLayer(args, keys));
  const { options } = resolveOptionLayers(layers);
  const run: RunOptions = {};
  for (const key of keys)
    if (options[key] !== undefined) (run as Record<string, unknown>)[key] = options[key];
  const missing = required.filter(
    (key) => run[key] === undefined || (Array.isArray(run[key]) && run[key].length === 0),
  );
  if (missing.length > 0) {
    throw new BgReplayError(
      'E_USAGE',
      missing
        .map(
          (key) =>
            `${REQUIRED_HINTS[key] ?? `give ${flagOf(key)}`} (or ${key}: in --config, or ${envNameOf(key)})`,
        )
        .join('; '),
    );
  }
  try {
    return {
      run,
      validate: toValidateOptions(run, { cwd: io.cwd, env: io.env, stdin: io.stdin ?? process.stdin }),
    };
  } catch (error) {
    throw inFlagTerms(error);
  }
}
