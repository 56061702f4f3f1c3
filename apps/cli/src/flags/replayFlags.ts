import type { ReplayOptions } from '@bg-replay/core';
import type { Argv } from 'yargs';

/** Flags of the targets and of the replay's pace. */
export function withReplayFlags<T>(yargs: Argv<T>) {
  return yargs
    .option('live', {
      type: 'string',
      demandOption: 'give the live base URL: --live https://api.example.com',
      describe: 'Base URL of live',
      group: 'Targets:',
    })
    .option('candidate', {
      type: 'string',
      demandOption: 'give the candidate base URL: --candidate https://api.example.com:8080',
      describe: 'Base URL of the candidate (test listener or next stage)',
      group: 'Targets:',
    })
    .option('concurrency', {
      type: 'number',
      default: 16,
      describe: 'Records in flight at once',
      group: 'Replay:',
    })
    .option('rps', {
      type: 'number',
      default: 50,
      describe: 'Requests per second live receives at most, probes and retries included (0 = no cap)',
      group: 'Replay:',
    })
    .option('timeout', {
      type: 'number',
      default: 5000,
      describe: 'Per-request timeout in ms',
      group: 'Replay:',
    })
    .option('retries', {
      type: 'number',
      default: 1,
      describe: 'Retries of a GET/HEAD/OPTIONS whose connection failed before an answer (never timeouts)',
      group: 'Replay:',
    })
    .option('max-body', {
      type: 'number',
      default: 5 * 1024 * 1024,
      describe: 'Bodies are cut at this many decoded bytes',
      group: 'Replay:',
    })
    .option('live-error-breaker', {
      type: 'number',
      default: 0.5,
      describe: "Stop when this share of live's recent answers are 5xx or errors (1 = never)",
      group: 'Replay:',
    });
}

type ReplayArgs = {
  live: string;
  candidate: string;
  concurrency: number;
  rps: number;
  timeout: number;
  'max-body': number;
  retries: number;
  'live-error-breaker': number;
};

/** Maps the replay flags to `ReplayOptions`. */
export function replayOptionsFrom(args: ReplayArgs): ReplayOptions {
  return {
    live: args.live,
    candidate: args.candidate,
    concurrency: args.concurrency,
    rps: args.rps,
    timeoutMs: args.timeout,
    maxBodyBytes: args['max-body'],
    retries: args.retries,
    liveErrorBreaker: args['live-error-breaker'],
  };
}
