import { constants } from 'node:fs';
import { access, mkdir, realpath, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { BgReplayError } from '@bg-replay/core';

/** Writes a report file, creating its folder; an unwritable path is a usage error naming the flag. */
export async function writeReportFile(
  cwd: string,
  path: string,
  content: string,
  flag: string,
): Promise<string> {
  const target = resolve(cwd, path);
  try {
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  } catch (error) {
    throw new BgReplayError(
      'E_USAGE',
      `${flag} ${path}: cannot write: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return target;
}

/** Flags that name files a run reads: a report written over one of them would destroy the input. */
const INPUT_FLAGS = ['logs', 'rules', 'routes', 'config', 'openapi', 'run'] as const;

/** The same file, however it is spelled (relative, `./`, a symlink). */
async function samePath(cwd: string, a: string, b: string): Promise<boolean> {
  const resolved = [resolve(cwd, a), resolve(cwd, b)];
  if (resolved[0] === resolved[1]) return true;
  const real = await Promise.all(resolved.map((path) => realpath(path).catch(() => path)));
  return real[0] === real[1];
}

/**
 * Refuses an output path that is one of the run's inputs (`--report-json access.log --logs access.log`):
 * a usage error naming both flags, before any work.
 *
 * @example
 * await checkNotAnInput('/work', 'run.json', '--report-json', { logs: ['access.log'], rules: 'rules.yaml' });
 */
export async function checkNotAnInput(
  cwd: string,
  path: string,
  flag: string,
  args: Record<string, unknown>,
): Promise<void> {
  for (const input of INPUT_FLAGS) {
    const value = args[input];
    const named = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    for (const file of named) {
      if (file === '-' || file.includes('://')) continue;
      if (await samePath(cwd, path, file))
        throw new BgReplayError(
          'E_USAGE',
          `${flag} ${path} is also --${input} ${file}: the report would overwrite an input; name another file`,
        );
    }
  }
}

/**
 * Checks before any work that `path` can be written (its folder exists or can be made, is writable, and the
 * path is not a folder, nor one of the run's `inputs` when given), so a typo fails in a second rather than
 * after a long replay.
 */
export async function checkWritableFile(
  cwd: string,
  path: string,
  flag: string,
  inputs?: Record<string, unknown>,
): Promise<void> {
  if (inputs) await checkNotAnInput(cwd, path, flag, inputs);
  const target = resolve(cwd, path);
  try {
    await mkdir(dirname(target), { recursive: true });
    await access(dirname(target), constants.W_OK);
    if ((await stat(target).catch(() => undefined))?.isDirectory()) {
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new BgReplayError('E_USAGE', `${flag} ${path}: cannot write there (${why}); name a writable file`, {
      cause: error,
    });
  }
}
