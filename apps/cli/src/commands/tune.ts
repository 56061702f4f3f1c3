import { resolve } from 'node:path';
import { BgReplayError, type RunLabel, type TuneResult, type TuneRun, tuneThresholds } from '@bg-replay/core';
import { defineCommand } from '../command.js';
import { EXIT, writeLine } from '../io.js';
import { sanitizeForTerminal as clean } from '../sanitizeForTerminal.js';
import { writeReportFile } from '../writeReportFile.js';
import { readReportFile } from './readReportFile.js';

const BLOCKS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A horizontal bar of `value` in 0..1 over `width` cells, in eighths of a cell. */
export function bar(value: number, width: number): string {
  const eighths = Math.round(Math.min(1, Math.max(0, value)) * width * 8);
  return `${'█'.repeat(Math.floor(eighths / 8))}${BLOCKS[eighths % 8]}`.padEnd(width);
}

/** Bars on a zoomed axis: rates crowd near 100%, so the axis starts at the lowest rate shown (rounded down). */
function axisFrom(rates: number[]): number {
  const low = Math.min(1, ...rates);
  return Math.max(0, Math.floor(low * 20) / 20 - 0.05);
}

const pct = (rate: number | null | undefined) =>
  rate === null || rate === undefined ? '–' : `${(rate * 100).toFixed(1)}%`;

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell + ' '.repeat(Math.max(0, (widths[i] ?? 0) - [...cell].length)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The terminal view of a tuning: runs with bars, per-route distributions, the decision grid and the advice. */
export function renderTune(result: TuneResult): string {
  const out: string[] = [];
  const rates = result.runs.map((r) => r.matchRate).filter((r): r is number => r !== null);
  const from = axisFrom(rates);
  const width = 24;
  out.push(`runs (bars from ${pct(from)} to 100%):`);
  const runRows = [['run', 'label', 'verdict', 'rate', 'lower', '']];
  for (const run of result.runs) {
    const scaled = run.matchRate === null ? 0 : (run.matchRate - from) / (1 - from);
    runRows.push([
      clean(run.name),
      run.label ?? '–',
      run.verdict,
      pct(run.matchRate),
      pct(run.matchRateLowerBound),
      bar(scaled, width),
    ]);
  }
  out.push(table(runRows));
  out.push('', 'match rate per route across runs (├ min, ● median, ┤ max):');
  const routeRows = [['route', 'min', 'median', 'max', '']];
  for (const route of result.routes) {
    if (route.min === null || route.max === null || route.median === null) {
      routeRows.push([clean(route.route), '–', '–', '–', '']);
      continue;
    }
    const scale = (v: number) => Math.round(((v - from) / (1 - from)) * (width - 1));
    const cells = Array.from({ length: width }, () => ' ');
    for (let i = scale(route.min); i <= scale(route.max); i += 1) cells[i] = '─';
    cells[scale(route.min)] = '├';
    cells[scale(route.max)] = '┤';
    cells[scale(route.median)] = '●';
    routeRows.push([clean(route.route), pct(route.min), pct(route.median), pct(route.max), cells.join('')]);
  }
  out.push(table(routeRows));

  const thresholds = [...new Set(result.grid.map((c) => c.threshold))];
  const minSamples = [...new Set(result.grid.map((c) => c.minSamples))];
  out.push('');
  out.push(
    result.labelled > 0
      ? `what each setting would have decided (labelled runs decided as labelled, of ${result.labelled}; ✓ = all):`
      : 'what each setting would have decided (runs that pass, of the runs given):',
  );
  const gridRows = [['threshold \\ min-samples', ...minSamples.map(String)]];
  for (const t of thresholds) {
    gridRows.push([
      String(t),
      ...minSamples.map((m) => {
        const cell = result.grid.find((c) => c.threshold === t && c.minSamples === m);
        if (!cell) return '';
        if (result.labelled === 0) return String(cell.verdicts.filter((v) => v === 'pass').length);
        return cell.separates ? '✓' : `${cell.correct}`;
      }),
    ]);
  }
  out.push(table(gridRows));
  out.push('');
  const rec = result.recommendation;
  if (!rec)
    out.push('no recommendation: label runs with --good/--bad (or a "label" field in the report) to get one');
  else {
    out.push(
      `${rec.separates ? 'recommended' : 'best available (does NOT separate good from bad)'}: --threshold ${rec.threshold} --min-samples ${rec.minSamples} --confidence ${rec.confidence}`,
    );
    out.push(`  ${rec.why}`);
  }
  return out.join('\n');
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function numbers(value: string | undefined, flag: string): number[] | undefined {
  if (value === undefined) return undefined;
  const parsed = list(value).map(Number);
  if (parsed.length === 0 || parsed.some((n) => !Number.isFinite(n))) {
    throw new BgReplayError(
      'E_USAGE',
      `${flag} ${value}: expected comma-separated numbers, e.g. 0.9,0.95,0.99`,
    );
  }
  return parsed;
}

export const tuneCommand = defineCommand({
  command: 'tune [runs..]',
  describe:
    'Replay saved runs under other thresholds and min-samples, and recommend settings from runs labelled good or bad',
  builder: (yargs) =>
    yargs
      .positional('runs', {
        type: 'string',
        array: true,
        describe: 'JSON reports of saved runs (a "label": "good"|"bad" field labels one)',
      })
      .option('good', { type: 'string', describe: 'Comma-separated runs that should pass' })
      .option('bad', { type: 'string', describe: 'Comma-separated runs that should fail' })
      .option('thresholds', {
        type: 'string',
        describe: 'Thresholds to try, e.g. 0.9,0.95,0.99 (default 0.8 … 0.999)',
      })
      .option('min-samples', {
        type: 'string',
        describe: 'Min-samples to try, e.g. 5,10,30 (default 1 … 100)',
      })
      .option('confidence', {
        type: 'number',
        describe: "Confidence of the Wilson bound (default: each run's own)",
      })
      .option('allow-inconclusive', {
        type: 'boolean',
        default: false,
        describe: 'Count inconclusive as passing, as the gate would',
      })
      .option('json', { type: 'string', describe: 'Also write the full tuning result as JSON here' })
      .usage('$0 tune <run.json...> [--good a.json,b.json] [--bad c.json]')
      .example(
        '$0 tune --good runs/ok-*.json --bad runs/broken.json',
        'settings that pass the good runs and fail the bad one',
      ),
  async run(args, io) {
    const good = list(args.good);
    const bad = list(args.bad);
    const labels = new Map<string, RunLabel>();
    for (const path of good) labels.set(resolve(io.cwd, path), 'good');
    for (const path of bad) {
      if (labels.get(resolve(io.cwd, path)) === 'good')
        throw new BgReplayError('E_USAGE', `${path} is given both as --good and --bad`);
      labels.set(resolve(io.cwd, path), 'bad');
    }
    const paths = [
      ...new Map([...(args.runs ?? []), ...good, ...bad].map((p) => [resolve(io.cwd, p), p])).entries(),
    ];
    if (paths.length === 0)
      throw new BgReplayError('E_USAGE', 'tune: name at least one saved run (a --report-json file)');
    const runs: TuneRun[] = [];
    for (const [absolute, path] of paths) {
      const { report } = await readReportFile(io, path);
      const label = labels.get(absolute);
      runs.push({ name: path, report, ...(label ? { label } : {}) });
    }
    const thresholds = numbers(args.thresholds, '--thresholds');
    const minSamples = numbers(args['min-samples'], '--min-samples');
    const result = tuneThresholds(runs, {
      ...(thresholds ? { thresholds } : {}),
      ...(minSamples ? { minSamples } : {}),
      ...(args.confidence !== undefined ? { confidence: args.confidence } : {}),
      allowInconclusive: args['allow-inconclusive'],
    });
    writeLine(io.stdout, renderTune(result));
    if (args.json)
      writeLine(
        io.stdout,
        `tuning: ${await writeReportFile(io.cwd, args.json, `${JSON.stringify(result, null, 2)}\n`, '--json')}`,
      );
    // Labelled runs that no setting separates need a person (a rule or a check), not a number.
    return result.labelled > 0 && !result.recommendation?.separates ? EXIT.fail : EXIT.pass;
  },
});
