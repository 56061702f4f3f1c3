import { resolve } from 'node:path';
import type { DiffStageOptions } from '@bg-replay/core';
import type { Argv } from 'yargs';
import type { CliIo } from '../io.js';

/** Flags of the diff and rules stages. */
export function withDiffFlags<T>(yargs: Argv<T>) {
  return yargs.option('rules', { type: 'string', describe: 'Rules file (YAML or JSON)', group: 'Diff:' });
}

type DiffArgs = { rules?: string | undefined };

/** Maps the diff flags to `DiffStageOptions`. */
export function diffOptionsFrom(args: DiffArgs, io: CliIo): DiffStageOptions {
  return { rules: args.rules === undefined ? undefined : resolve(io.cwd, args.rules) };
}
