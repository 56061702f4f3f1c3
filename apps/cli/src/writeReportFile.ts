import { mkdir, writeFile } from 'node:fs/promises';
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
