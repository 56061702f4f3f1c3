import type { Report } from '@bg-replay/core';
import type { Argv } from 'yargs';
import { type CliIo, writeLine } from '../io.js';
import { renderSummary } from '../renderSummary.js';
import { writeReportFile } from '../writeReportFile.js';

/** Flags that choose the report files. */
export function withReportFlags<T>(yargs: Argv<T>) {
  return yargs.option('report-json', { type: 'string', describe: 'Write the JSON report here', group: 'Reports:' });
}

type ReportArgs = { 'report-json'?: string | undefined };

/** Prints the console summary and writes every report file asked for. */
export async function writeReports(report: Report, args: ReportArgs, io: CliIo): Promise<void> {
  writeLine(io.stdout, renderSummary(report));
  if (args['report-json']) {
    const path = await writeReportFile(io.cwd, args['report-json'], `${JSON.stringify(report, null, 2)}\n`, '--report-json');
    writeLine(io.stdout, `report: ${path}`);
  }
}
