import { type Report, type ValidateOptions, validate } from '@bg-replay/core';
import { defineCommand } from '../command.js';
import {
  type CliLambdaArgs,
  createCliLambdaInvoker,
  lambdaArgsOf,
  withLambdaFlags,
} from '../createCliLambdaInvoker.js';
import { inFlagTerms, REPLAY_KEYS, resolveCommandOptions, withOptionFlags } from '../flags/optionFlags.js';
import { checkReportTargets, reportArgsOf, writeReports } from '../flags/reportFlags.js';
import { type CliIo, EXIT } from '../io.js';
import { createProgress } from '../progress.js';

/**
 * Runs `validate` with a progress bar and Ctrl-C handling: an interrupted run still reports what it did.
 * `lambda://` targets are invoked with a Lambda client built from `aws` (`--region`, `--lambda-endpoint`).
 */
export async function runValidation(
  options: ValidateOptions,
  io: CliIo,
  aws: CliLambdaArgs = {},
): Promise<Report> {
  const lambda = await createCliLambdaInvoker(options, aws, io);
  const progress = createProgress(io);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    return await validate({
      ...options,
      ...(lambda ? { lambdaInvoker: lambda.invoke } : {}),
      signal: controller.signal,
      onProgress: (d, t) => progress.update(d, t),
    });
  } catch (error) {
    throw inFlagTerms(error);
  } finally {
    process.off('SIGINT', onSignal);
    progress.end();
    lambda?.close();
  }
}

/** Maps a verdict to the exit code of docs/architecture.md. */
export function exitCodeOf(report: Report, allowInconclusive = false): number {
  if (report.verdict === 'pass') return EXIT.pass;
  if (report.verdict === 'inconclusive' && allowInconclusive) return EXIT.pass;
  return EXIT.fail;
}

export const replayCommand = defineCommand({
  command: 'replay',
  describe: 'Replay logged requests against live and candidate, diff the answers and decide',
  builder: (yargs) =>
    withLambdaFlags(withOptionFlags(yargs, REPLAY_KEYS))
      .usage(
        '$0 replay --logs <file|-> --live <url> --candidate <url> [options]\n\nSamples requests from the log, sends each to live and candidate, compares the answers\nunder the rules, and exits 0 on pass, 1 on fail or inconclusive, 2 on bad input.',
      )
      .example(
        '$0 replay --logs access.log --live https://api.example.com --candidate https://api.example.com:8080',
        'compare live with the test listener',
      )
      .example(
        '$0 replay --logs access.log --live $LIVE --candidate $NEXT --rules rules.yaml --report-json run.json',
        'with rules and a JSON report',
      )
      .example(
        '$0 replay --config run.yaml --threshold 0.95',
        'options from a file, one overridden by a flag',
      ),
  async run(args, io) {
    const options = await resolveCommandOptions(args, io, REPLAY_KEYS, ['logs', 'live', 'candidate']);
    const reportArgs = reportArgsOf(options.run, args as { config?: unknown });
    await checkReportTargets(reportArgs, io);
    const report = await runValidation(options.validate as ValidateOptions, io, lambdaArgsOf(args));
    await writeReports(report, reportArgs, io);
    return exitCodeOf(report, options.run.allowInconclusive);
  },
});
