import { BgReplayError, parseDuration, type VerdictOptions } from '@bg-replay/core';
import type { Argv } from 'yargs';

/** Flags of the verdict: threshold, evidence, critical budgets, retries. */
export function withVerdictFlags<T>(yargs: Argv<T>) {
  return yargs
    .option('threshold', {
      type: 'number',
      default: 0.99,
      describe: 'Required match rate, 0..1, compared with the lower bound of its confidence interval',
      group: 'Verdict:',
    })
    .option('confidence', {
      type: 'number',
      default: 0.95,
      describe:
        'Confidence of the one-sided Wilson lower bound that must reach --threshold, z = Φ⁻¹(c) (0 = judge the raw rate; else 0.5 ≤ c < 1)',
      group: 'Verdict:',
    })
    .option('min-samples', {
      type: 'number',
      default: 5,
      describe: 'Compared records a route needs to be judged',
      group: 'Verdict:',
    })
    .option('min-coverage', {
      type: 'number',
      default: 0.9,
      describe:
        'Least share of safe log lines that must be replayable, 0..1; below it the run is inconclusive (0 = off)',
      group: 'Verdict:',
    })
    .option('latency-budget', {
      type: 'string',
      describe: 'Largest candidate/live latency ratios, e.g. p95=1.5,p50=1.3 (same run; p50, p95, p99)',
      group: 'Verdict:',
    })
    .option('allow-inconclusive', {
      type: 'boolean',
      default: false,
      describe: 'Exit 0 when the verdict is inconclusive',
      group: 'Verdict:',
    })
    .option('retry-until', {
      type: 'string',
      describe:
        'Re-run the same sample until it passes or this much time has gone, e.g. 10m (the new stack may still be seeding)',
      group: 'Verdict:',
    })
    .option('retry-interval', {
      type: 'string',
      default: '30s',
      describe: 'Pause between attempts, e.g. 30s',
      group: 'Verdict:',
    });
}

type VerdictArgs = {
  threshold: number;
  'min-samples': number;
  confidence?: number | undefined;
  'min-coverage'?: number | undefined;
  'latency-budget'?: string | undefined;
  'retry-until'?: string | undefined;
  'retry-interval'?: string | undefined;
};

/**
 * Parses `--latency-budget p95=1.5,p50=1.3` into ratios per quantile.
 *
 * @example
 * parseLatencyBudget('p95=1.5,p50=1.3') // { p95: 1.5, p50: 1.3 }
 */
export function parseLatencyBudget(value: string): NonNullable<VerdictOptions['latencyBudget']> {
  const budget: Record<string, number> = {};
  for (const part of value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^(p50|p95|p99)\s*=\s*(\d+(?:\.\d+)?)$/.exec(part);
    if (!match || Number(match[2]) <= 0) {
      throw new BgReplayError(
        'E_USAGE',
        `--latency-budget ${value}: "${part}" is not <quantile>=<ratio> with quantile p50, p95 or p99 and a ratio > 0 (e.g. p95=1.5,p50=1.3)`,
      );
    }
    budget[match[1] as string] = Number(match[2]);
  }
  if (Object.keys(budget).length === 0)
    throw new BgReplayError('E_USAGE', `--latency-budget ${value}: give at least one, e.g. p95=1.5`);
  return budget;
}

/** Maps the verdict flags to the verdict and retry options of `validate`. */
export function verdictOptionsFrom(
  args: VerdictArgs,
): VerdictOptions & { retryUntilMs?: number; retryIntervalMs?: number; minCoverage?: number } {
  const options: VerdictOptions & { retryUntilMs?: number; retryIntervalMs?: number; minCoverage?: number } =
    {
      threshold: args.threshold,
      minSamples: args['min-samples'],
    };
  if (args.confidence !== undefined) options.confidence = args.confidence;
  if (args['min-coverage'] !== undefined) options.minCoverage = args['min-coverage'];
  if (args['latency-budget'] !== undefined)
    options.latencyBudget = parseLatencyBudget(args['latency-budget']);
  if (args['retry-until'] !== undefined) {
    options.retryUntilMs = parseDuration(args['retry-until'], '--retry-until');
    options.retryIntervalMs = parseDuration(args['retry-interval'] ?? '30s', '--retry-interval');
  }
  return options;
}
