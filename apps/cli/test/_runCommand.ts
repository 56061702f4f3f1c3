import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import type { CliCommand } from '../src/command.js';
import { replayCommand } from '../src/commands/replay.js';
import type { CliIo } from '../src/io.js';
import { runCli } from '../src/main.js';

/** What a command wrote, and its exit code. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCommand} and {@link runBgReplay}: the environment, folder and clock the command sees. */
export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  clock?: CliIo['clock'];
}

/** A `CliIo` whose streams are captured; `output()` returns what was written so far. */
function captureIo(
  options: RunOptions,
  defaultCwd: string,
): { io: CliIo; output(): Omit<CommandResult, 'code'> } {
  let stdout = '';
  let stderr = '';
  const stream = (append: (text: string) => void) =>
    new Writable({
      write: (chunk, _encoding, callback) => {
        append(String(chunk));
        callback();
      },
    });
  const io: CliIo = {
    stdout: stream((text) => {
      stdout += text;
    }),
    stderr: stream((text) => {
      stderr += text;
    }),
    env: options.env ?? {},
    cwd: options.cwd ?? defaultCwd,
    ...(options.clock ? { clock: options.clock } : {}),
  };
  return { io, output: () => ({ stdout, stderr }) };
}

/** Runs one command module through yargs (as `runCli` does) and captures its output; errors reject. */
export async function runCommand(
  // biome-ignore lint/suspicious/noExplicitAny: each command has its own argument type
  command: CliCommand<any>,
  argv: string[],
  options: RunOptions = {},
): Promise<CommandResult> {
  const { io, output } = captureIo(options, process.cwd());
  let code = -1;
  await yargs(argv)
    .command({
      command: command.command,
      describe: command.describe,
      builder: command.builder,
      handler: async (args) => {
        code = await command.run(args, io);
      },
    })
    .strict()
    .fail((message, error) => {
      throw error ?? new Error(message);
    })
    .exitProcess(false)
    .parseAsync();
  return { code, ...output() };
}

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Runs `bg-replay <argv>` in-process as the bin does (`runCli`: errors become exit 2 and one stderr line) from
 * the repository root, and captures both streams.
 */
export async function runBgReplay(argv: string[], options: RunOptions = {}): Promise<CommandResult> {
  const { io, output } = captureIo(options, repoRoot);
  const code = await runCli(argv, io);
  return { code, ...output() };
}

/**
 * Replay flags of tests against loopback servers: no live rate cap, and a generous request timeout, so that a
 * slow answer on a busy machine is not turned into a transport error.
 */
export const LOOPBACK_REPLAY_FLAGS = ['--rps', '0', '--timeout', '60000'];

/**
 * `bg-replay replay` of a small log (a few dozen records) against two loopback services: at least 5 compared
 * records per route, and the threshold such a sample can show at 95% confidence (0.6), so that one differing
 * record per route fails the run.
 */
export function replaySmallLog(
  log: string,
  live: string,
  candidate: string,
  more: string[],
  options: RunOptions = {},
): Promise<CommandResult> {
  const argv = ['replay', '--logs', log, '--live', live, '--candidate', candidate, ...LOOPBACK_REPLAY_FLAGS];
  return runCommand(replayCommand, [...argv, '--min-samples', '5', '--threshold', '0.6', ...more], options);
}
