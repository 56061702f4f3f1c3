import {
  envNameOf,
  OPTION_GROUPS,
  type OptionKey,
  type OptionMeta,
  optionDefinitions,
} from '@bg-replay/core';
import { keysOf } from './optionFlags.js';

const definitions = optionDefinitions as Record<OptionKey, OptionMeta>;

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeOf(meta: OptionMeta): string {
  if (meta.choices) return meta.choices.join(' \\| ');
  const base = meta.flagType === 'string' ? 'text' : meta.flagType;
  return meta.repeatable ? `${base}, repeatable (a list)` : base;
}

function defaultOf(meta: OptionMeta): string {
  if (meta.default !== undefined) return `\`${String(meta.default)}\``;
  return meta.defaultText ? cell(meta.defaultText) : '';
}

/** A Markdown table with aligned columns, as the repository's formatter writes them. */
function table(rows: string[][]): string[] {
  const width = (text: string) => [...text].length;
  const widths = (rows[0] ?? []).map((_, i) => Math.max(3, ...rows.map((row) => width(row[i] ?? ''))));
  const line = (row: string[]) =>
    `| ${row.map((text, i) => text + ' '.repeat((widths[i] ?? 0) - width(text))).join(' | ')} |`;
  const [head, ...body] = rows;
  return [line(head ?? []), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...body.map(line)];
}

/**
 * docs/flags.md, generated from the option schema: the flags, config keys and variables of every option,
 * grouped by stage as `--help` groups them. `pnpm --filter @bg-replay/cli docs:flags` writes it, and a test
 * fails when the file is stale.
 */
export function renderFlagsDoc(): string {
  const out = [
    '# Flags, config keys and variables',
    '',
    '<!-- Generated from the option schema (packages/core/src/options/runOptionsSchema.ts) by',
    '     `pnpm --filter @bg-replay/cli docs:flags`. Do not edit by hand: a test fails when this file is stale. -->',
    '',
    'Every option a run can be told has three names: a **flag** of `bg-replay replay`, a **key** of a',
    "`--config` file, and an **environment variable** `BG_REPLAY_<KEY>`. The validation hook's config",
    '([codedeploy.md](codedeploy.md)) takes the same keys and variables, all but `logs`, `start`/`end`',
    '(it reads a recent window: `since`) and the report files. One precedence holds everywhere:',
    '',
    '**flags > `BG_REPLAY_*` variables > `--config` file > defaults**',
    '',
    'Which commands take which options:',
    '',
    ...table([
      ['command', 'options'],
      ['`replay`', 'all of them, and `--config`'],
      [
        '`sample`',
        'Input, CloudWatch, Sampling and Safety (not `--header`: it sends nothing), and `--config`',
      ],
      [
        '`learn-noise`',
        'Input to Noise (no verdict, no reports), and `--config`; `--noise-probe` defaults to 1 there',
      ],
      [
        '`merge`',
        "`--threshold`, `--min-samples`, `--confidence`, `--latency-budget` (default: the parts' own), `--allow-inconclusive` and Reports",
      ],
    ]),
    '',
    '## Config files',
    '',
    '`--config run.yaml` reads YAML or JSON whose keys are the option keys below, **flat** (not nested by',
    'stage). Lists are YAML lists or comma-separated text; pairs such as `arrayKeys`, `tolerances` and',
    '`latencyBudget` are maps. Relative paths in the file (logs, rules, routes, OpenAPI document, reports)',
    "are relative to the file's folder. Durations are text such as `30s`, `10m`, `1h30m`; a bare number",
    'is seconds. An unknown key or a bad value is an error naming `file:line` and the key.',
    '',
    '```yaml',
    '# run.yaml',
    'logs: [access.log]',
    'live: https://api.example.com',
    'candidate: https://api.example.com:8080',
    'rules: rules.yaml',
    'sample: 500',
    'rps: 20',
    'arrayKeys: { /items: id }',
    'latencyBudget: { p95: 1.5 }',
    'retryUntil: 10m',
    'reportJson: run.json',
    '```',
    '',
    '```sh',
    'bg-replay replay --config run.yaml --threshold 0.95   # the flag wins over the file',
    'BG_REPLAY_RPS=10 bg-replay replay --config run.yaml   # so does the variable',
    '```',
    '',
    'A variable holds text: lists are comma-separated (`BG_REPLAY_ALLOW_METHODS=GET,HEAD`), booleans are',
    '`true`/`false` (also `1`/`0`, `yes`/`no`), pairs are written as on the command line',
    '(`BG_REPLAY_LATENCY_BUDGET=p95=1.5`).',
  ];
  for (const group of OPTION_GROUPS) {
    const rows = [['flag', 'config key', 'variable', 'type', 'default', 'description']];
    for (const key of keysOf(group)) {
      const meta = definitions[key];
      rows.push([
        `\`--${meta.flag}\``,
        `\`${key}\``,
        `\`${envNameOf(key)}\``,
        typeOf(meta),
        defaultOf(meta),
        `${cell(meta.help)} (e.g. \`${cell(meta.example)}\`)`,
      ]);
    }
    out.push('', `## ${group}`, '', ...table(rows));
  }
  out.push(
    '',
    'Booleans whose default is `true` are switched off with `--no-<flag>` (`--no-normalize-timestamps`).',
    '',
  );
  return out.join('\n');
}
