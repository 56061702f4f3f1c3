import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { type LogInput, SAFE_METHODS, type SourceOptions } from '@bg-replay/core';
import type { Argv } from 'yargs';
import type { CliIo } from '../io.js';

/** Flags that choose and read the logs, keep requests safe and sample them. */
export function withSourceFlags<T>(yargs: Argv<T>) {
  return yargs
    .option('logs', {
      type: 'string',
      array: true,
      demandOption: 'name the log to replay: --logs access.log (or - for stdin)',
      describe: 'Log file(s) to read, or - for stdin',
      group: 'Input:',
    })
    .option('format', { type: 'string', default: 'auto', describe: 'Log format (auto detects it)', group: 'Input:' })
    .option('sample', { type: 'number', default: 200, describe: 'Records to replay', group: 'Sampling:' })
    .option('seed', { type: 'number', default: 1, describe: 'Seed of the reproducible sample', group: 'Sampling:' })
    .option('allow-methods', {
      type: 'string',
      default: SAFE_METHODS.join(','),
      describe: 'Methods that may be replayed (writes change live data: opt in with care)',
      group: 'Safety:',
    });
}

type SourceArgs = { logs: string[]; format: string; sample: number; seed: number; 'allow-methods': string };

function logInputs(logs: readonly string[], io: CliIo): LogInput[] {
  return logs.map((path) =>
    path === '-'
      ? { kind: 'stream', name: 'stdin', stream: (io.stdin ?? process.stdin) as Readable }
      : { kind: 'file', path: resolve(io.cwd, path) },
  );
}

function parseMethods(value: string): string[] {
  return value
    .split(',')
    .map((m) => m.trim().toUpperCase())
    .filter(Boolean);
}

/** Maps the source flags to `SourceOptions`. */
export function sourceOptionsFrom(args: SourceArgs, io: CliIo): SourceOptions {
  return {
    logs: logInputs(args.logs, io),
    format: args.format,
    sample: args.sample,
    seed: args.seed,
    allowMethods: parseMethods(args['allow-methods']),
  };
}
