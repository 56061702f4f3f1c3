import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  BgReplayError,
  type Report,
  type RunOptions,
  renderHtml,
  renderJunit,
  renderMarkdown,
} from '@bg-replay/core';
import type { Argv } from 'yargs';
import { type CliIo, writeLine } from '../io.js';
import { renderSummary } from '../renderSummary.js';
import { checkWritableFile, writeReportFile } from '../writeReportFile.js';
import { keysOf, withOptionFlags } from './optionFlags.js';

/** Flags that choose the report files (any combination may be written by one run) and what they show. */
export function withReportFlags<T>(yargs: Argv<T>) {
  return withOptionFlags(yargs, keysOf('Reports'), {}, { config: false });
}

/**
 * The report files and exit policy of resolved options, keyed by flag as `writeReports` reads them, with the
 * run's input files (a report may not overwrite one).
 */
export function reportArgsOf(
  run: RunOptions,
  args: { config?: unknown },
): ReportArgs & Record<string, unknown> {
  return {
    'report-json': run.reportJson,
    'report-junit': run.reportJunit,
    'report-md': run.reportMd,
    'report-html': run.reportHtml,
    'allow-inconclusive': run.allowInconclusive,
    logs: run.logs,
    rules: run.rules,
    routes: run.routesFile,
    openapi: run.openapiFile,
    config: args.config,
  };
}

type ReportArgs = {
  'report-json'?: string | undefined;
  'report-junit'?: string | undefined;
  'report-md'?: string | undefined;
  'report-html'?: string | undefined;
  'allow-inconclusive'?: boolean | undefined;
};

/** Where each report goes, with the flag that named it (for error messages). */
export interface ReportTargets {
  json?: { path: string; flag: string };
  junit?: { path: string; flag: string };
  md?: { path: string; flag: string };
  html?: { path: string; flag: string };
}

/**
 * Writes every report file in `targets`. A Markdown target that is `$GITHUB_STEP_SUMMARY` is appended to,
 * as GitHub expects of every step.
 */
export async function writeReportFiles(
  report: Report,
  targets: ReportTargets,
  io: CliIo,
  options: { allowInconclusive?: boolean } = {},
): Promise<string[]> {
  const written: string[] = [];
  if (targets.json)
    written.push(
      await writeReportFile(
        io.cwd,
        targets.json.path,
        `${JSON.stringify(report, null, 2)}\n`,
        targets.json.flag,
      ),
    );
  if (targets.junit) {
    written.push(
      await writeReportFile(
        io.cwd,
        targets.junit.path,
        renderJunit(report, { allowInconclusive: options.allowInconclusive ?? false }),
        targets.junit.flag,
      ),
    );
  }
  if (targets.md) {
    const markdown = renderMarkdown(report);
    const summary = io.env.GITHUB_STEP_SUMMARY;
    const target = resolve(io.cwd, targets.md.path);
    if (summary && resolve(io.cwd, summary) === target) {
      try {
        await mkdir(dirname(target), { recursive: true });
        await appendFile(target, `${markdown}\n`);
      } catch (error) {
        throw new BgReplayError(
          'E_USAGE',
          `${targets.md.flag} ${targets.md.path}: cannot append: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      written.push(target);
    } else written.push(await writeReportFile(io.cwd, targets.md.path, markdown, targets.md.flag));
  }
  if (targets.html)
    written.push(await writeReportFile(io.cwd, targets.html.path, renderHtml(report), targets.html.flag));
  return written;
}

/** The report files the `--report-*` flags ask for. */
export function reportTargetsOf(args: ReportArgs): ReportTargets {
  const targets: ReportTargets = {};
  if (args['report-json']) targets.json = { path: args['report-json'], flag: '--report-json' };
  if (args['report-junit']) targets.junit = { path: args['report-junit'], flag: '--report-junit' };
  if (args['report-md']) targets.md = { path: args['report-md'], flag: '--report-md' };
  if (args['report-html']) targets.html = { path: args['report-html'], flag: '--report-html' };
  return targets;
}

/**
 * Checks before a run that every report file can be written (its folder exists or can be made, is
 * writable, and the path is not a folder), so a typo in a path fails in a second, not after a long replay.
 */
export async function checkReportTargets(args: ReportArgs, io: CliIo): Promise<void> {
  for (const target of Object.values(reportTargetsOf(args)))
    await checkWritableFile(io.cwd, target.path, target.flag, args as Record<string, unknown>);
}

/** Prints the console summary and writes every report file the `--report-*` flags asked for. */
export async function writeReports(report: Report, args: ReportArgs, io: CliIo): Promise<void> {
  writeLine(io.stdout, renderSummary(report, { columns: io.stdout.columns }));
  const written = await writeReportFiles(report, reportTargetsOf(args), io, {
    allowInconclusive: args['allow-inconclusive'] ?? false,
  });
  for (const path of written) writeLine(io.stdout, `report: ${path}`);
}
