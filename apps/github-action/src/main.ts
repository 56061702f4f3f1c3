import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import * as actionsCore from '@actions/core';
import {
  BgReplayError,
  isUserError,
  mergeReports,
  parseReport,
  type Report,
  renderMarkdown,
  type ValidateOptions,
  validate,
} from '@bg-replay/core';
import { expandGlob, parseShard, resolveLogInputs } from '@bg-replay/core/internal';

/** The parts of `@actions/core` the action uses (local-action and tests stand in for it). */
export type ActionsCore = Pick<
  typeof actionsCore,
  'getInput' | 'getBooleanInput' | 'setOutput' | 'setFailed' | 'info' | 'warning' | 'summary'
>;

/** Exit-code contract of the CLI, also set as the `exit-code` output. */
const EXIT = { pass: 0, fail: 1, usage: 2 } as const;

/** Numeric inputs: action input name → engine option, with the range core checks again. */
const NUMBERS = {
  threshold: 'threshold',
  'min-samples': 'minSamples',
  sample: 'sample',
  seed: 'seed',
  concurrency: 'concurrency',
  rps: 'rps',
  'timeout-ms': 'timeoutMs',
  confidence: 'confidence',
  'noise-probe': 'noiseProbe',
} as const;

function list(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Reads the inputs into core's options; a wrong value throws `BgReplayError` naming the input. */
export async function readValidateOptions(core: ActionsCore, cwd: string): Promise<ValidateOptions> {
  const live = core.getInput('live', { required: true });
  const candidate = core.getInput('candidate', { required: true });
  const logs = list(core.getInput('logs', { required: true }));
  const options: ValidateOptions = {
    logs: await resolveLogInputs(
      logs.map((spec) => resolve(cwd, spec)),
      { cwd },
    ),
    live,
    candidate,
  };
  for (const [input, key] of Object.entries(NUMBERS)) {
    const text = core.getInput(input);
    if (text === '') continue;
    const value = Number(text);
    if (!Number.isFinite(value)) {
      throw new BgReplayError('E_USAGE', `input ${input}: ${JSON.stringify(text)} is not a number`);
    }
    (options as unknown as Record<string, number>)[key] = value;
  }
  const format = core.getInput('format');
  if (format) options.format = format;
  const rules = core.getInput('rules');
  if (rules) options.rules = resolve(cwd, rules);
  const versionHeader = core.getInput('version-header');
  if (versionHeader) options.versionHeader = versionHeader;
  const methods = list(core.getInput('allow-methods'));
  if (methods.length) options.allowMethods = methods.map((m) => m.toUpperCase());
  const shard = core.getInput('shard');
  if (shard) options.shard = parseShard(shard);
  // `rps` is what live sees in total: the shards of a matrix run at once, so each takes its part.
  if (options.shard && options.rps) {
    options.rps /= options.shard.total;
    core.info(
      `rps: ${options.rps} for this shard (the total cap divided over ${options.shard.total} shards)`,
    );
  }
  return options;
}

async function readMergeParts(core: ActionsCore, patterns: string[], cwd: string) {
  const parts: Array<{ source: string; report: Report }> = [];
  for (const pattern of patterns) {
    // A plain path is taken as is; anything else is a glob (shard-*.json from downloaded artifacts).
    const files = existsSync(resolve(cwd, pattern))
      ? [resolve(cwd, pattern)]
      : await expandGlob(pattern, cwd);
    if (files.length === 0) {
      throw new BgReplayError('E_INPUT', `input merge: no report matches ${pattern} (in ${cwd})`);
    }
    for (const file of files)
      parts.push({ source: file, report: parseReport(await readFile(file, 'utf8'), file) });
  }
  core.info(`merging ${parts.length} shard reports`);
  return mergeReports(parts);
}

/** What one run of the action decided (also returned for tests). */
export interface ActionResult {
  exitCode: number;
  verdict?: Report['verdict'];
  reportPath?: string;
}

/**
 * The action: replays the logs against live and candidate (or, with `merge`, merges shard reports), writes
 * the JSON report, puts the Markdown report in the job summary, sets the outputs, and fails the step by the
 * CLI's exit-code contract. A shard (`shard: i/N`) never fails the step on its partial verdict: the merge does.
 *
 * @example
 * await run({ core: actionsCore, cwd: process.env.GITHUB_WORKSPACE ?? process.cwd() });
 */
export async function run(deps: { core?: ActionsCore; cwd?: string } = {}): Promise<ActionResult> {
  const core = deps.core ?? actionsCore;
  const cwd = deps.cwd ?? process.env.GITHUB_WORKSPACE ?? process.cwd();
  try {
    const merge = list(core.getInput('merge'));
    const shard = merge.length ? undefined : core.getInput('shard');
    let report: Report;
    if (merge.length) report = await readMergeParts(core, merge, cwd);
    else {
      const options = await readValidateOptions(core, cwd);
      core.info(`replaying ${core.getInput('logs')} against ${options.live} and ${options.candidate}`);
      report = await validate(options);
    }
    const spec = shard ? parseShard(shard) : undefined;
    const reportPath = resolve(
      cwd,
      core.getInput('report-json') ||
        (spec ? `bg-replay-shard-${spec.index}-of-${spec.total}.json` : 'bg-replay-report.json'),
    );
    await mkdir(dirname(reportPath), { recursive: true });
    await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);

    const allowInconclusive = core.getInput('allow-inconclusive')
      ? core.getBooleanInput('allow-inconclusive')
      : false;
    const passed = report.verdict === 'pass' || (report.verdict === 'inconclusive' && allowInconclusive);
    const exitCode = passed || spec ? EXIT.pass : EXIT.fail;
    const title = spec ? `shard ${spec.index}/${spec.total} (partial: the merge decides)\n\n` : '';
    await core.summary.addRaw(`${title}${renderMarkdown(report)}`, true).write();
    core.setOutput('verdict', report.verdict);
    core.setOutput('match-rate', report.matchRate === null ? '' : String(report.matchRate));
    core.setOutput('report-path', reportPath);
    core.setOutput('exit-code', String(exitCode));
    if (exitCode !== EXIT.pass) {
      const why = report.reasons
        .slice(0, 3)
        .map((r) => r.message)
        .join('; ');
      core.setFailed(`bg-replay verdict ${report.verdict}${why ? `: ${why}` : ''}`);
    } else if (spec) core.info(`shard ${spec.index}/${spec.total}: partial verdict ${report.verdict}`);
    return { exitCode, verdict: report.verdict, reportPath };
  } catch (error) {
    const usage = isUserError(error);
    core.setOutput('exit-code', String(usage ? EXIT.usage : EXIT.fail));
    core.setFailed(usage ? (error as Error).message : `bg-replay failed: ${(error as Error).stack ?? error}`);
    return { exitCode: usage ? EXIT.usage : EXIT.fail };
  }
}
