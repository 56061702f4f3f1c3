import { type Report, type ValidateOptions, validate } from '@bg-replay/core';
import { defineCommand } from '../command.js';
import { type CliLambdaArgs, createCliLambdaInvoker, withLambdaFlags } from '../createCliLambdaInvoker.js';
import { diffOptionsFrom, withDiffFlags } from '../flags/diffFlags.js';
import { replayOptionsFrom, withReplayFlags } from '../flags/replayFlags.js';
import {
  checkReportTargets,
  reportOptionsFrom,
  withReportFlags,
  writeReports,
} from '../flags/reportFlags.js';
import { sourceOptionsFrom, withSourceFlags } from '../flags/sourceFlags.js';
import { verdictOptionsFrom, withVerdictFlags } from '../flags/verdictFlags.js';
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
    withLambdaFlags(withReportFlags(withVerdictFlags(withDiffFlags(withReplayFlags(withSourceFlags(yargs))))))
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
      ),
  async run(args, io) {
    await checkReportTargets(args, io);
    const report = await runValidation(
      {
        ...sourceOptionsFrom(args, io),
        ...replayOptionsFrom(args),
        ...diffOptionsFrom(args, io),
        ...verdictOptionsFrom(args),
        ...reportOptionsFrom(args),
      },
      io,
      args,
    );
    await writeReports(report, args, io);
    return exitCodeOf(report, args['allow-inconclusive']);
  },
});
