import { startDemoServices } from '@bg-replay/demo';
import { defineCommand } from '../command.js';
import { findFixturesDir } from '../findFixturesDir.js';
import { checkReportTargets, writeReports } from '../flags/reportFlags.js';
import { writeLine } from '../io.js';
import { exitCodeOf, runValidation } from './replay.js';

export const demoCommand = defineCommand({
  command: 'demo',
  describe: 'Run the embedded demo: a blue and a green service on loopback, replayed from a real-format log',
  builder: (yargs) =>
    yargs
      .option('report-json', {
        type: 'string',
        default: '.bg-replay/demo-report.json',
        describe: 'Where to write the report',
      })
      .option('strict-exit', {
        type: 'boolean',
        default: false,
        describe: 'Exit with the verdict (1 on fail) instead of 0',
      }),
  async run(args, io) {
    await checkReportTargets(args, io);
    const demo = await startDemoServices({ fixturesDir: findFixturesDir() });
    writeLine(io.stdout, `blue (live, 1.4.2) on ${demo.live}; green (candidate, 1.5.0) on ${demo.candidate}`);
    writeLine(io.stdout, `replaying ${demo.logFile} with rules ${demo.rulesFile}\n`);
    try {
      const report = await runValidation(
        {
          logs: [{ kind: 'file', path: demo.logFile }],
          live: demo.live,
          candidate: demo.candidate,
          rules: demo.rulesFile,
          versionHeader: demo.versionHeader,
          rps: 0,
        },
        io,
      );
      await writeReports(report, args, io);
      const code = exitCodeOf(report);
      writeLine(
        io.stdout,
        '\nThe demo is meant to fail: green 1.5.0 adds a field on purpose (allowed by the minor-bump policy, found from the x-service-version header) and also has a bug (an order total that became a string).',
      );
      return args['strict-exit'] ? code : 0;
    } finally {
      await demo.close();
    }
  },
});
