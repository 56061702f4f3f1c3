import { resolve } from 'node:path';
import { type LogInput, type Report, SAFE_METHODS, validate, type ValidateOptions } from '@bg-replay/core';
import type { Argv } from 'yargs';
import { defineCommand } from '../command.js';
import { type CliIo, EXIT, writeLine } from '../io.js';
import { createProgress } from '../progress.js';
import { renderSummary } from '../renderSummary.js';
import { writeReportFile } from '../writeReportFile.js';

/** Flags that choose and read the logs: shared by every command that reads records. */
export function withSourceOptions<T>(yargs: Argv<T>) {
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

export function logInputs(logs: readonly string[], io: CliIo, stdin: NodeJS.ReadableStream = process.stdin): LogInput[] {
  return logs.map((path) =>
    path === '-'
      ? { kind: 'stream', name: 'stdin', stream: stdin as unknown as import('node:stream').Readable }
      : { kind: 'file', path: resolve(io.cwd, path) },
  );
}

export function parseMethods(value: string): string[] {
  return value
    .split(',')
    .map((m) => m.trim().toUpperCase())
    .filter(Boolean);
}

/** Runs `validate` with a progress bar and Ctrl-C handling: an interrupted run still reports what it did. */
export async function runValidation(options: ValidateOptions, io: CliIo): Promise<Report> {
  const progress = createProgress(io);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    return await validate({ ...options, signal: controller.signal, onProgress: (d, t) => progress.update(d, t) });
  } finally {
    process.off('SIGINT', onSignal);
    progress.end();
  }
}

/** Prints the summary, writes the requested report files, and maps the verdict to an exit code. */
export async function finishRun(
  report: Report,
  args: { reportJson?: string | undefined; allowInconclusive?: boolean | undefined },
  io: CliIo,
): Promise<number> {
  writeLine(io.stdout, renderSummary(report));
  if (args.reportJson) {
    const path = await writeReportFile(io.cwd, args.reportJson, `${JSON.stringify(report, null, 2)}\n`, '--report-json');
    writeLine(io.stdout, `report: ${path}`);
  }
  if (report.verdict === 'pass') return EXIT.pass;
  if (report.verdict === 'inconclusive' && args.allowInconclusive) return EXIT.pass;
  return EXIT.fail;
}

export const replayCommand = defineCommand({
  command: 'replay',
  describe: 'Replay logged requests against live and candidate, diff the answers and decide',
  builder: (yargs) =>
    withSourceOptions(yargs)
      .usage(
        '$0 replay --logs <file|-> --live <url> --candidate <url> [options]\n\nSamples requests from the log, sends each to live and candidate, compares the answers\nunder the rules, and exits 0 on pass, 1 on fail or inconclusive, 2 on bad input.',
      )
      .option('live', { type: 'string', demandOption: 'give the live base URL: --live https://api.example.com', describe: 'Base URL of live', group: 'Targets:' })
      .option('candidate', {
        type: 'string',
        demandOption: 'give the candidate base URL: --candidate https://api.example.com:8080',
        describe: 'Base URL of the candidate (test listener or next stage)',
        group: 'Targets:',
      })
      .option('rules', { type: 'string', describe: 'Rules file (YAML or JSON)', group: 'Diff:' })
      .option('threshold', { type: 'number', default: 0.99, describe: 'Required match rate, 0..1', group: 'Verdict:' })
      .option('min-samples', { type: 'number', default: 5, describe: 'Compared records a route needs to be judged', group: 'Verdict:' })
      .option('allow-inconclusive', { type: 'boolean', default: false, describe: 'Exit 0 when the verdict is inconclusive', group: 'Verdict:' })
      .option('concurrency', { type: 'number', default: 16, describe: 'Records in flight at once', group: 'Replay:' })
      .option('rps', { type: 'number', default: 50, describe: 'Records started per second at most (0 = no cap)', group: 'Replay:' })
      .option('timeout', { type: 'number', default: 5000, describe: 'Per-request timeout in ms', group: 'Replay:' })
      .option('report-json', { type: 'string', describe: 'Write the JSON report here', group: 'Reports:' })
      .example('$0 replay --logs access.log --live https://api.example.com --candidate https://api.example.com:8080', 'compare live with the test listener')
      .example('$0 replay --logs access.log --live $LIVE --candidate $NEXT --rules rules.yaml --report-json run.json', 'with rules and a JSON report'),
  async run(args, io) {
    const report = await runValidation(
      {
        logs: logInputs(args.logs, io),
        format: args.format,
        live: args.live,
        candidate: args.candidate,
        rules: args.rules === undefined ? undefined : resolve(io.cwd, args.rules),
        threshold: args.threshold,
        minSamples: args['min-samples'],
        sample: args.sample,
        seed: args.seed,
        concurrency: args.concurrency,
        rps: args.rps,
        timeoutMs: args.timeout,
        allowMethods: parseMethods(args['allow-methods']),
      },
      io,
    );
    return finishRun(report, { reportJson: args['report-json'], allowInconclusive: args['allow-inconclusive'] }, io);
  },
});
