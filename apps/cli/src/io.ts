import type { Writable } from 'node:stream';

/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  stdin?: NodeJS.ReadableStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Time of `wait` and `deploy --wait` (polls, back-off, `--timeout`); tests pass a virtual clock. Default: real. */
  clock?: { now(): number; sleep(ms: number, signal?: AbortSignal): Promise<void> };
}

/** Exit codes of docs/architecture.md. */
export const EXIT = { pass: 0, fail: 1, usage: 2 } as const;

export function writeLine(stream: Writable, text = ''): void {
  stream.write(`${text}\n`);
}
