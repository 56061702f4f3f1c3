import { type MergeOptions, mergeReports, optionDefinitions, resolveOptionLayers } from '@bg-replay/core';
import { defineCommand } from '../command.js';
import { flagLayer, yargsOptionOf } from '../flags/optionFlags.js';
import { withReportFlags, writeReports } from '../flags/reportFlags.js';
import { readReportFile } from './readReportFile.js';
import { exitCodeOf } from './replay.js';

/** The verdict options a merge decides again with; without them, the parts' own. */
const MERGE_VERDICT_KEYS = [
  'threshold',
  'minSamples',
  'confidence',
  'latencyBudget',
  'allowInconclusive',
] as const;
const PARTS_OWN: Record<string, string> = {
  threshold: "Required match rate (default: the parts' own)",
  minSamples: "Records a route needs (default: the parts' own)",
  confidence: "Confidence of the Wilson bound (default: the parts' own)",
  latencyBudget: "e.g. p95=1.5 (default: the parts' own)",
};

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
        .options(
          Object.fromEntries(
            MERGE_VERDICT_KEYS.map((key) => [
              optionDefinitions[key].flag,
              yargsOptionOf(
                key,
                key === 'allowInconclusive' ? {} : { describe: PARTS_OWN[key], noDefault: true },
              ),
            ]),
          ),
        ),
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
    for (const path of args.parts as string[]) parts.push(await readReportFile(io, path));
    const keys = [...MERGE_VERDICT_KEYS, 'reportBodies'] as const;
    const { options: given } = resolveOptionLayers([flagLayer(args, keys)]);
    const options: MergeOptions = { reportBodies: given.reportBodies ?? 'redacted' };
    if (given.threshold !== undefined) options.threshold = given.threshold;
    if (given.minSamples !== undefined) options.minSamples = given.minSamples;
    if (given.confidence !== undefined) options.confidence = given.confidence;
    if (given.latencyBudget !== undefined) options.latencyBudget = given.latencyBudget;
    const report = mergeReports(parts, options);
    await writeReports(report, args, io);
    return exitCodeOf(report, given.allowInconclusive);
  },
});
