import type { CliCommand } from '../command.js';
import { demoCommand } from './demo.js';
import { replayCommand } from './replay.js';

/** Every sub-command, in the order `--help` lists them. */
// biome-ignore lint/suspicious/noExplicitAny: each command has its own argument type
export const commands: CliCommand<any>[] = [replayCommand, demoCommand];
