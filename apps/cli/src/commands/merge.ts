import { type MergeOptions, mergeReports } from '@bg-replay/core';
import { defineCommand } from '../command.js';
import { withReportFlags, writeReports } from '../flags/reportFlags.js';
import { parseLatencyBudget } from '../flags/verdictFlags.js';
import { readReportFile } from './readReportFile.js';
import { exitCodeOf } from './replay.js';

export const mergeCommand = defineCommand({
  command: 'merge <parts..>',
  describe: 'Merge the JSON reports of shards (--shard i/N) into the report and verdict of the whole run',
  builder: (yargs) =>
    withReportFlags(
      yargs
        .positional('parts', {
          type: 'string',
          array: true,
          demandOption: true,
          describe: 'JSON reports of the shards',
        })
        .option('threshold', {
          type: 'number',
          describe: "Required match rate (default: the parts' own)",
          group: 'Verdict:',
        })
        .option('min-samples', {
          type: 'number',
          describe: "Records a route needs (default: the parts' own)",
          group: 'Verdict:',
        })
        .option('confidence', {
          type: 'number',
          describe: "Confidence of the Wilson bound (default: the parts' own)",
          group: 'Verdict:',
        })
        .option('latency-budget', {
          type: 'string',
          describe: "e.g. p95=1.5 (default: the parts' own)",
          group: 'Verdict:',
        })
        .option('allow-inconclusive', {
          type: 'boolean',
          default: false,
          describe: 'Exit 0 when the verdict is inconclusive',
          group: 'Verdict:',
        }),
    )
      .usage(
        '$0 merge <part.json...> --report-json run.json\n\nSums counts, latency sketches, samples and rule hits exactly, then decides again.',
      )
      .example(
        '$0 merge shard-*.json --report-json run.json --report-html run.html',
        'one verdict from N shards',
      ),
  async run(args, io) {
    const parts = [];
    for (const path of args.parts) parts.push(await readReportFile(io, path));
    const options: MergeOptions = {};
    if (args.threshold !== undefined) options.threshold = args.threshold;
    if (args['min-samples'] !== undefined) options.minSamples = args['min-samples'];
    if (args.confidence !== undefined) options.confidence = args.confidence;
    if (args['latency-budget'] !== undefined)
      options.latencyBudget = parseLatencyBudget(args['latency-budget']);
    if (args['report-bodies']) options.reportBodies = args['report-bodies'];
    const report = mergeReports(parts, options);
    await writeReports(report, args, io);
    return exitCodeOf(report, args['allow-inconclusive']);
  },
});
