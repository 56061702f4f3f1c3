import { BgReplayError, isUserError } from '@bg-replay/core/errors';
import yargs, { type MiddlewareFunction } from 'yargs';
import { commandEntries } from './commands/index.js';
import { type CliIo, EXIT, writeLine } from './io.js';
import { toolVersion } from './version.js';

/**
 * A flag given twice keeps its last value, as in most CLIs; array flags such as --logs still collect every
 * value. yargs would otherwise hand an array to code that expects one string.
 */
function keepLastOfRepeatedFlags(
  args: Record<string, unknown>,
  instance: { getOptions(): { array: string[] } },
): void {
  const arrays = new Set(instance.getOptions().array);
  for (const [key, value] of Object.entries(args)) {
    if (key !== '_' && Array.isArray(value) && !arrays.has(key)) args[key] = value.at(-1);
  }
}

/**
 * After a command's handler starts, yargs renders that command's whole help (every flag, measured with
 * string-width) only to cache it for a later `showHelp`: a fifth of a run's start-up CPU. Nothing here shows
 * help after a handler has started (failures throw), so the cache is left empty; `--help` still renders it.
 */
function skipHelpCache(parser: unknown): void {
  const usage = (
    parser as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } }
  )
    .getInternalMethods?.()
    .getUsageInstance?.();
  if (typeof usage?.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and resolves to the exit code:
 * 0 pass, 1 fail or inconclusive, 2 usage, configuration or input error.
 */
export async function runCli(rawArgv: string[], io: CliIo): Promise<number> {
  // yargs reads a lone `-` as a positional argument; after a flag (`--logs -`, stdin) it is the flag's value.
  const argv: string[] = [];
  for (const arg of rawArgv) {
    const previous = argv.at(-1);
    if (arg === '-' && previous !== undefined && /^--[^=]+$/.test(previous))
      argv[argv.length - 1] = `${previous}=-`;
    else argv.push(arg);
  }
  let exitCode: number = EXIT.pass;
  const parser = yargs(argv)
    .scriptName('bg-replay')
    .usage(
      '$0 <command> [options]\n\nReplay real traffic against live and candidate, diff the answers, and decide.',
    )
    .version(toolVersion)
    // A flag given twice keeps its last value; array flags such as --logs still collect every value.
    .middleware(keepLastOfRepeatedFlags as unknown as MiddlewareFunction, true)
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
  skipHelpCache(parser);
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

export type { CliIo };
export { BgReplayError };
