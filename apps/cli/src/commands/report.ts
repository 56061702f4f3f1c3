import type { ReportBodies } from '@bg-replay/core';
import { limitReportBodies } from '@bg-replay/core/internal';
import { defineCommand } from '../command.js';
import { yargsOptionOf } from '../flags/optionFlags.js';
import { type ReportTargets, writeReportFiles } from '../flags/reportFlags.js';
import { EXIT, writeLine } from '../io.js';
import { renderSummary } from '../renderSummary.js';
import { checkWritableFile } from '../writeReportFile.js';
import { readReportFile } from './readReportFile.js';
import { exitCodeOf } from './replay.js';

export const reportCommand = defineCommand({
  command: 'report <run>',
  describe: 'Re-render a saved run (a --report-json file) as console, JUnit, Markdown and HTML reports',
  builder: (yargs) =>
    yargs
      .positional('run', {
        type: 'string',
        demandOption: true,
        describe: 'A JSON report written by --report-json or merge',
      })
      .option('json', { type: 'string', describe: 'Write the (checked) JSON report here' })
      .option('junit', { type: 'string', describe: 'Write JUnit XML here' })
      .option('md', { type: 'string', describe: 'Write Markdown here ($GITHUB_STEP_SUMMARY is appended to)' })
      .option('html', { type: 'string', describe: 'Write one self-contained HTML file here' })
      .option('report-bodies', {
        ...yargsOptionOf('reportBodies'),
        describe:
          'Response values in every output: redacted (default: secret-looking values masked again), none (pointers and kinds only), or full (as saved)',
      })
      .option('quiet', { type: 'boolean', default: false, describe: 'Do not print the console summary' })
      .option('check', {
        type: 'boolean',
        default: false,
        describe: "Exit with the run's verdict (1 on fail or inconclusive) instead of 0",
      })
      .option('allow-inconclusive', {
        type: 'boolean',
        default: false,
        describe: 'Inconclusive routes are skipped, not failed, in JUnit; with --check, exit 0',
      })
      .usage('$0 report <run.json> [--html report.html] [--junit junit.xml] [--md summary.md]')
      .example(
        '$0 report run.json --html run.html --junit junit.xml --md "$GITHUB_STEP_SUMMARY"',
        'all reports from one saved run',
      ),
  async run(args, io) {
    const { report: saved } = await readReportFile(io, args.run);
    const report = limitReportBodies(
      saved,
      (args['report-bodies'] as ReportBodies | undefined) ?? 'redacted',
    );
    const targets: ReportTargets = {};
    if (args.json) targets.json = { path: args.json, flag: '--json' };
    if (args.junit) targets.junit = { path: args.junit, flag: '--junit' };
    if (args.md) targets.md = { path: args.md, flag: '--md' };
    if (args.html) targets.html = { path: args.html, flag: '--html' };
    for (const target of Object.values(targets))
      await checkWritableFile(io.cwd, target.path, target.flag, args);
    if (!args.quiet) writeLine(io.stdout, renderSummary(report, { columns: io.stdout.columns }));
    for (const path of await writeReportFiles(report, targets, io, {
      allowInconclusive: args['allow-inconclusive'],
    })) {
      writeLine(io.stdout, `report: ${path}`);
    }
    return args.check ? exitCodeOf(report, args['allow-inconclusive']) : EXIT.pass;
  },
});
