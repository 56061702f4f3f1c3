import type { Argv } from 'yargs';
import type { CliIo } from './io.js';

/**
 * One `bg-replay` sub-command. `run` resolves to the exit code; it never calls `process.exit`,
 * and throws `BgReplayError` for user mistakes (mapped to exit 2 by `runCli`).
 */
export interface CliCommand<A = Record<string, unknown>> {
  command: string | string[];
  describe: string;
  builder: (yargs: Argv) => Argv<A>;
  run: (args: A, io: CliIo) => Promise<number>;
}

/** Keeps the argument type of a command while storing it in a list of commands. */
export function defineCommand<A>(command: CliCommand<A>): CliCommand<A> {
  return command;
}
