import type { RequestRecord } from '@bg-replay/core';
import { type CollectedSample, collectSample } from '@bg-replay/core/internal';
import { defineCommand } from '../command.js';
import { resolveCommandOptions, SOURCE_KEYS, withOptionFlags } from '../flags/optionFlags.js';
import { type CliIo, EXIT, writeLine } from '../io.js';
import { sanitizeForTerminal } from '../sanitizeForTerminal.js';
import { checkWritableFile, writeReportFile } from '../writeReportFile.js';

/** The record as the tool's own JSONL carries it (what `--format jsonl` reads back). */
function toJsonl(record: RequestRecord, route: string): string {
  const line: Record<string, unknown> = { method: record.method, path: record.path, headers: record.headers };
  if (record.body !== undefined) line.body = record.body;
  if (record.bodyEncoding !== undefined) line.bodyEncoding = record.bodyEncoding;
  if (record.timestamp !== undefined) line.timestamp = record.timestamp;
  line.route = route;
  if (record.status !== undefined) line.status = record.status;
  if (record.meta && Object.keys(record.meta).length > 0) line.meta = record.meta;
  return JSON.stringify(line);
}

/** The summary of a sample: what was read, skipped and why, and what was chosen per route. */
export function renderSampleSummary(collected: CollectedSample): string {
  const { counts, skippedBy } = collected;
  const lines = [`read ${counts.read} records, sampled ${counts.sampled}`];
  const skipped: string[] = [];
  if (counts.skipped.malformed > 0) skipped.push(`${counts.skipped.malformed} malformed`);
  if (counts.skipped.unsafeMethod > 0)
    skipped.push(`${counts.skipped.unsafeMethod} unsafe method (see --allow-methods)`);
  const reasons: Array<[keyof typeof skippedBy, string]> = [
    ['liveStatus', 'live status (--live-status)'],
    ['include', 'not included (--include)'],
    ['exclude', 'excluded (--exclude)'],
    ['shard', 'other shards (--shard)'],
    ['duplicate', 'duplicates (--dedupe)'],
    ['otherHost', 'HAR entries of other hosts (--har-host)'],
    ['unsafePath', 'paths outside the base path (refused, see docs/safety.md)'],
  ];
  for (const [key, label] of reasons) if (skippedBy[key] > 0) skipped.push(`${skippedBy[key]} ${label}`);
  lines.push(`skipped: ${skipped.length > 0 ? skipped.join(', ') : 'none'}`);
  for (const entry of collected.malformed.slice(0, 5))
    lines.push(`  ${entry.source}:${entry.line}: ${entry.reason}`);
  if (collected.malformed.length > 5 || counts.skipped.malformed > collected.malformed.length) {
    lines.push(`  … ${counts.skipped.malformed - Math.min(5, collected.malformed.length)} more malformed`);
  }
  lines.push(...renderCoverage(collected.coverage));
  const chosen = new Map<string, number>();
  for (const { route } of collected.records) chosen.set(route, (chosen.get(route) ?? 0) + 1);
  const routes = [...collected.seenPerRoute.entries()].sort(
    (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]),
  );
  // A route with several query shapes lists its strata under it.
  const strataOf = new Map<string, typeof collected.coverage.strata>();
  for (const stratum of collected.coverage.strata) {
    const list = strataOf.get(stratum.route) ?? [];
    list.push(stratum);
    strataOf.set(stratum.route, list);
  }
  if (routes.length > 0) {
    const names = [
      ...routes.map(([route]) => route),
      ...collected.coverage.strata.map((s) => `  ${s.stratum.slice(s.route.length)}`),
    ];
    const width = Math.min(60, Math.max(5, ...names.map((name) => name.length)));
    const row = (name: string, sampled: number, seen: number) =>
      `${name.padEnd(width)}  ${String(sampled).padStart(6)}  ${String(seen).padStart(7)}`;
    lines.push('', `${'route'.padEnd(width)}  chosen     seen`);
    for (const [route, seen] of routes) {
      lines.push(row(route, chosen.get(route) ?? 0, seen));
      const strata = strataOf.get(route) ?? [];
      if (strata.length < 2 && strata[0]?.stratum === route) continue;
      for (const s of strata)
        lines.push(row(`  ${s.stratum.slice(route.length) || '(no query)'}`, s.sampled, s.seen));
    }
  }
  // Routes, sources and causes come from the log: no escape sequence reaches the terminal.
  return collected.privacy.redactText(lines.map(sanitizeForTerminal).join('\n'));
}

/** Coverage in a few lines: the replayable share, the top malformed causes, what sources could not carry. */
export function renderCoverage(coverage: CollectedSample['coverage']): string[] {
  const pct = (n: number, d: number) => (d > 0 ? `${((n / d) * 100).toFixed(1)}%` : '–');
  const lines = [
    `coverage: ${pct(coverage.replayable, coverage.safeLines)} of safe lines replayable (${coverage.replayable}/${coverage.safeLines})` +
      `; routes from templates ${coverage.routesFrom.templates}, log ${coverage.routesFrom.log}, inferred ${coverage.routesFrom.inferred}` +
      (coverage.catchAll.records > 0
        ? `; ${coverage.catchAll.records} under catch-all route keys, re-inferred`
        : ''),
  ];
  for (const cause of coverage.malformedCauses.slice(0, 3))
    lines.push(
      `  malformed ×${cause.count}: ${cause.reason} (e.g. ${cause.example.source}:${cause.example.line})`,
    );
  for (const source of coverage.sources) {
    if (source.queryStrings === 'absent')
      lines.push(
        `  ${source.source}: no query strings in ${source.records} records (this source cannot carry them?)`,
      );
  }
  if (coverage.learnedParameters.length > 0)
    lines.push(`  learned parameters: ${coverage.learnedParameters.slice(0, 5).join(', ')}`);
  return lines;
}

/** The source options; `--header` is left out: `sample` sends nothing. */
const SAMPLE_KEYS = SOURCE_KEYS.filter((key) => key !== 'headers');

export const sampleCommand = defineCommand({
  command: 'sample',
  describe:
    'Read logs, sample them by route and write the sample as JSONL (secrets removed) for review and reuse',
  builder: (yargs) =>
    withOptionFlags(yargs, SAMPLE_KEYS)
      .option('out', {
        type: 'string',
        describe: 'Write the sample here (default: standard output)',
        group: 'Output:',
      })
      .usage(
        '$0 sample --logs <file|glob|-|cloudwatch://group> [--out sample.jsonl] [options]\n\nPicks the records a replay would pick (same flags, same seed, same sample) and writes them\nas bg-replay JSONL with secret headers and query parameters removed. `bg-replay replay --logs sample.jsonl` reuses it.',
      )
      .example(
        "$0 sample --logs 'logs/*.log.gz' --sample 500 --dedupe --out sample.jsonl",
        'a reviewed sample from rotated logs',
      )
      .example(
        '$0 sample --logs cloudwatch://API-Gateway-Execution-Logs_abc/prod --since 2h --out sample.jsonl',
        'from CloudWatch Logs',
      ),
  async run(args, io: CliIo) {
    if (args.out) await checkWritableFile(io.cwd, args.out, '--out', args);
    const { validate } = await resolveCommandOptions(args, io, SAMPLE_KEYS, ['logs']);
    const collected = await collectSample(validate);
    const jsonl = collected.records
      .map(({ record, route }) => toJsonl(collected.privacy.redactRecord(record), route))
      .join('\n');
    const content = jsonl === '' ? '' : `${jsonl}\n`;
    if (args.out) {
      const path = await writeReportFile(io.cwd, args.out, content, '--out');
      writeLine(io.stdout, renderSampleSummary(collected));
      writeLine(io.stdout, `\nsample: ${path}`);
    } else {
      io.stdout.write(content);
      writeLine(io.stderr, renderSampleSummary(collected));
    }
    return EXIT.pass;
  },
});
