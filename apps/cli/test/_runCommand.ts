import { Writable } from 'node:stream';
import yargs from 'yargs';
import type { CliCommand } from '../src/command.js';
import type { CliIo } from '../src/io.js';

/** Runs one command module through yargs (as `runCli` does) and captures its output. */
export async function runCommand(
  // biome-ignore lint/suspicious/noExplicitAny: each command has its own argument type
  command: CliCommand<any>,
  argv: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: new Writable({
      write: (c, _e, cb) => {
        stdout += String(c);
        cb();
      },
    }),
    stderr: new Writable({
      write: (c, _e, cb) => {
        stderr += String(c);
        cb();
      },
    }),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  };
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
  return { code, stdout, stderr };
}
