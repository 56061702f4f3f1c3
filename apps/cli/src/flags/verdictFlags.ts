import type { Argv } from 'yargs';

/** Flags of the verdict. */
export function withVerdictFlags<T>(yargs: Argv<T>) {
  return yargs
    .option('threshold', { type: 'number', default: 0.99, describe: 'Required match rate, 0..1', group: 'Verdict:' })
    .option('min-samples', { type: 'number', default: 5, describe: 'Compared records a route needs to be judged', group: 'Verdict:' })
    .option('allow-inconclusive', { type: 'boolean', default: false, describe: 'Exit 0 when the verdict is inconclusive', group: 'Verdict:' });
}

type VerdictArgs = { threshold: number; 'min-samples': number };

/** Maps the verdict flags to the verdict options of `validate`. */
export function verdictOptionsFrom(args: VerdictArgs) {
  return { threshold: args.threshold, minSamples: args['min-samples'] };
}
