import { dirname, isAbsolute, resolve } from 'node:path';
import { parseYamlDocument } from '../_parseYamlDocument.js';
import { BgReplayError } from '../errors.js';
import type { OptionLayer } from './resolveOptionLayers.js';
import { type OptionMeta, optionDefinitions } from './runOptionsSchema.js';

/** Makes a relative path of the file relative to the file's folder; stdin and CloudWatch specs stay. */
function relativeToFile(value: unknown, dir: string): unknown {
  if (Array.isArray(value)) return value.map((item) => relativeToFile(item, dir));
  if (typeof value !== 'string' || value === '-' || value.startsWith('cloudwatch://') || isAbsolute(value))
    return value;
  return resolve(dir, value);
}

/**
 * Reads a config file (YAML or JSON: JSON is YAML) whose keys are the option paths of the option schema,
 * flat (`rps: 20`, `latencyBudget: { p95: 1.5 }`). Relative paths in it are relative to the file's folder.
 * Errors name `file:line` (`name`, default `file`) and the option path; `pathKeys` are more path keys of a
 * caller's own schema.
 *
 * @example
 * const layer = readOptionsFile('since: 2h\nrps: 20\n', '/work/run.yaml');
 * layer.values // { since: '2h', rps: 20 }
 */
export function readOptionsFile(
  text: string,
  file: string,
  options: { pathKeys?: readonly string[]; name?: string } = {},
): OptionLayer {
  const name = options.name ?? file;
  const parsed = parseYamlDocument(text, name, 'E_CONFIG');
  const { document, counter } = parsed;
  const values = parsed.value ?? {};
  if (typeof values !== 'object' || Array.isArray(values) || values === null) {
    throw new BgReplayError(
      'E_CONFIG',
      `${name}: expected a map of options (live: ..., candidate: ..., logs: [...]), as docs/flags.md lists them`,
    );
  }
  const dir = dirname(resolve(file));
  const record = values as Record<string, unknown>;
  const pathKeys = new Set([
    ...Object.entries(optionDefinitions as Record<string, OptionMeta>)
      .filter(([, meta]) => meta.isPath)
      .map(([key]) => key),
    ...(options.pathKeys ?? []),
  ]);
  for (const key of Object.keys(record))
    if (pathKeys.has(key)) record[key] = relativeToFile(record[key], dir);

  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    for (let depth = path.length; depth >= 1; depth -= 1) {
      const keys = path.slice(0, depth) as (string | number)[];
      // The line of a key (an unknown key, a wrong value) is where the key is written.
      const parent = keys.length === 1 ? document.contents : document.getIn(keys.slice(0, -1), true);
      const items = (parent as { items?: Array<{ key?: { value?: unknown; range?: number[] } }> } | null)
        ?.items;
      const pair = items?.find((item) => item.key?.value === keys.at(-1));
      const range =
        pair?.key?.range ?? (document.getIn(keys, true) as { range?: number[] } | undefined)?.range;
      if (range?.[0] !== undefined) return counter.linePos(range[0]).line;
    }
    return undefined;
  };
  return {
    source: 'file',
    values: record,
    locate: (path, shown) => {
      const line = lineOf(path);
      return `${name}${line === undefined ? '' : `:${line}`}: ${path.map(String).join('.')}${shown ? ` ${shown}` : ''}`;
    },
  };
}
