import { readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import picomatch from 'picomatch';
import { BgReplayError } from '../errors.js';
import type { LogInput } from './readRecords.js';

const CLOUDWATCH = /^cloudwatch:\/\/(.+)$/i;

/** Files under `dir` (recursively, skipping `node_modules` and dot folders unless the pattern names them). */
async function* walk(dir: string, deep: boolean): AsyncGenerator<string> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (deep && entry.name !== 'node_modules' && !entry.name.startsWith('.')) yield* walk(path, deep);
    } else if (entry.isFile() || entry.isSymbolicLink()) yield path;
  }
}

/**
 * Expands a glob (`logs/*.log.gz`, `logs/**\/*.har`) into the files it matches, sorted; node 20 has no
 * `fs.glob`, so this walks from the pattern's fixed base directory.
 *
 * @example
 * await expandGlob('logs/*.log.gz', process.cwd())
 */
export async function expandGlob(pattern: string, cwd: string): Promise<string[]> {
  const absolute = isAbsolute(pattern) ? pattern : resolve(cwd, pattern);
  const scan = picomatch.scan(absolute.split(sep).join('/'));
  const base = scan.base === '' ? '/' : scan.base;
  const isMatch = picomatch(scan.glob, { dot: false });
  const deep = scan.glob.includes('**') || scan.glob.includes('/');
  const files: string[] = [];
  for await (const file of walk(base, deep)) {
    if (isMatch(relative(base, file).split(sep).join('/'))) files.push(file);
  }
  return files;
}

/**
 * Turns one `--logs` argument into an input without touching the disk: `-` is stdin, `cloudwatch://<group>`
 * a CloudWatch log group, a glob a `glob` input (expanded when read), anything else a file.
 *
 * @example
 * logInputOf('logs/*.log.gz', { cwd: process.cwd() }) // { kind: 'glob', pattern: 'logs/*.log.gz', cwd }
 */
export function logInputOf(
  spec: string,
  context: { cwd: string; stdin?: Readable | NodeJS.ReadableStream },
): LogInput {
  if (spec === '-') {
    if (!context.stdin) throw new BgReplayError('E_USAGE', '--logs -: no standard input to read');
    return { kind: 'stream', name: 'stdin', stream: context.stdin as Readable };
  }
  const cloudwatch = CLOUDWATCH.exec(spec);
  if (cloudwatch) return { kind: 'cloudwatch', logGroup: cloudwatch[1] as string };
  if (/^cloudwatch:/i.test(spec)) {
    throw new BgReplayError(
      'E_USAGE',
      `--logs ${spec}: name the log group, e.g. cloudwatch:///aws/apigateway/shop`,
    );
  }
  if (picomatch.scan(spec).isGlob) return { kind: 'glob', pattern: spec, cwd: context.cwd };
  return { kind: 'file', path: resolve(context.cwd, spec) };
}

/** The files a glob input names, as file inputs; a pattern that matches nothing is an input error. */
export async function expandGlobInput(input: { pattern: string; cwd: string }): Promise<LogInput[]> {
  const files = await expandGlob(input.pattern, input.cwd);
  if (files.length === 0)
    throw new BgReplayError('E_INPUT', `--logs ${input.pattern}: no file matches this pattern`);
  return files.map((path) => ({ kind: 'file', path }));
}

/**
 * Turns `--logs` arguments into inputs, expanding globs into the files they match (sorted).
 *
 * @example
 * await resolveLogInputs(['logs/*.log.gz', '-', 'cloudwatch://API-Gateway-Execution-Logs'], { cwd, stdin: process.stdin })
 */
export async function resolveLogInputs(
  specs: readonly string[],
  context: { cwd: string; stdin?: Readable | NodeJS.ReadableStream },
): Promise<LogInput[]> {
  const inputs: LogInput[] = [];
  for (const spec of specs) {
    const input = logInputOf(spec, context);
    if (input.kind === 'glob') inputs.push(...(await expandGlobInput(input)));
    else inputs.push(input);
  }
  return inputs;
}
