import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BgReplayError, parseReport, type Report } from '@bg-replay/core';
import type { CliIo } from '../io.js';

/** Reads and checks a saved run report; a missing or wrong file is an input error naming it (exit 2). */
export async function readReportFile(io: CliIo, path: string): Promise<{ source: string; report: Report }> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BgReplayError(
      'E_INPUT',
      `${path}: cannot read the report${code === 'ENOENT' ? ': no such file' : `: ${code ?? (error as Error).message}`}`,
      {
        cause: error,
      },
    );
  }
  return { source: path, report: parseReport(text, path) };
}
