import { BgReplayError, isUserError } from '@bg-replay/core/errors';
import yargs from 'yargs';
import { commandEntries } from './commands/index.js';
import { type CliIo, EXIT, writeLine } from './io.js';
import { toolVersion } from './version.js';

/**
 * Runs the CLI with `argv` (without `node` and the script) and resolves to the exit code:
 * 0 pass, 1 fail or inconclusive, 2 usage, configuration or input error.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.pass;
  const parser = yargs(argv)
    .scriptName('bg-replay')
    .usage(
      '$0 <command> [options]\n\nReplay real traffic against live and candidate, diff the answers, and decide.',
    )
    .version(toolVersion)
    .strict()
    .recommendCommands()
    .demandCommand(1, 'name a command (bg-replay --help lists them)')
    .wrap(Math.min(110, io.stdout.columns ?? 100))
    .epilogue('Exit codes: 0 pass, 1 fail (or inconclusive), 2 usage, configuration or input error.')
    // Throwing stops yargs: a usage error must never fall through to the command's handler.
    .fail((message, error) => {
      if (error) throw error;
      throw new BgReplayError(
        'E_USAGE',
        (message ?? 'invalid usage (bg-replay --help)').split('\n').join('; '),
      );
    })
    .exitProcess(false);
  // Only the command being run is imported; the others are listed by name for --help.
  const requested = argv.find((arg) => !arg.startsWith('-'));
  for (const entry of commandEntries) {
    if (entry.name !== requested) {
      parser.command(entry.name, entry.describe);
      continue;
    }
    const command = await entry.load();
    parser.command({
      command: command.command,
      describe: entry.describe,
      builder: command.builder,
      handler: async (args) => {
        exitCode = await command.run(args, io);
      },
    });
  }
  try {
    await parser.parseAsync(argv, {}, (_err, _argv, output) => {
      if (output) writeLine(io.stdout, output.trimEnd());
    });
  } catch (error) {
    if (isUserError(error)) {
      writeLine(io.stderr, `bg-replay: ${error.message}`);
      return EXIT.usage;
    }
    writeLine(io.stderr, `bg-replay: internal error: ${(error as Error)?.stack ?? String(error)}`);
    return EXIT.usage;
  }
  return exitCode;
}

export { BgReplayError };
