import { constants } from 'node:fs';
import { access, mkdir, stat, writeFile } from 'node:fs/promises';
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

/**
 * Checks before any work that `path` can be written (its folder exists or can be made, is writable, and the
 * path is not a folder), so a typo fails in a second rather than after a long replay.
 */
export async function checkWritableFile(cwd: string, path: string, flag: string): Promise<void> {
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
