import { resolve } from 'node:path';
import {
  createJsonLogger,
  createValidationHook,
  formatTimeline,
  type LifecycleHookSpec,
  loadValidationHookConfig,
  runLifecycle,
  type ValidateFn,
  type ValidationHookConfig,
} from '@bg-replay/codedeploy';
import { BgReplayError, silentLogger } from '@bg-replay/core';
import { defineCommand } from '../command.js';
import { type CliIo, EXIT, writeLine } from '../io.js';

/** The live and test targets a simulated deployment validates (the demo's blue and green services by default). */
export interface SimulateTargets {
  live: string;
  candidate: string;
  logFile: string;
  rulesFile?: string;
  close(): Promise<void>;
}

/** Dependencies of {@link createSimulateCommand}; tests inject them. */
export interface SimulateDeps {
  /** Starts the targets used when no --live/--candidate/--config is given. Default: the demo's services. */
  targets?: () => Promise<SimulateTargets>;
  /** Replaces core's `validate` inside the hook. */
  validate?: ValidateFn;
}

async function demoTargets(): Promise<SimulateTargets> {
  const { startDemoServices } = await import('@bg-replay/demo');
  const demo = await startDemoServices();
  return {
    live: demo.live,
    candidate: demo.candidate,
    logFile: demo.logFile,
    rulesFile: demo.rulesFile,
    close: () => demo.close(),
  };
}

interface SimulateArgs {
  platform: string;
  config?: string;
  live?: string;
  candidate?: string;
  logs?: string;
  rules?: string;
  'allow-inconclusive': boolean;
  'strict-exit': boolean;
  verbose: boolean;
}

/**
 * Builds `bg-replay simulate`: runs a blue/green lifecycle locally with the validation hook in
 * AfterAllowTestTraffic (ECS) or BeforeAllowTraffic (Lambda), against a loopback CodeDeploy stand-in,
 * and prints the timeline. Without flags it runs the demo's ECS deployment end to end.
 *
 * @example
 * export const simulateCommand = createSimulateCommand(); // registered in commands/index.ts
 */
export function createSimulateCommand(deps: SimulateDeps = {}) {
  return defineCommand({
    command: 'simulate',
    describe:
      "Run a blue/green deployment's lifecycle hooks locally against a CodeDeploy stand-in and print the timeline",
    builder: (yargs) =>
      yargs
        .option('platform', {
          type: 'string',
          choices: ['ECS', 'Lambda'],
          default: 'ECS',
          describe: 'Lifecycle to run',
        })
        .option('config', {
          type: 'string',
          describe: 'Validation hook config file (JSON/YAML), as bundled with the Lambda',
        })
        .option('live', { type: 'string', describe: 'Live base URL (overrides the config)' })
        .option('candidate', { type: 'string', describe: 'Candidate (test listener) base URL' })
        .option('logs', {
          type: 'string',
          describe: 'Log file to replay (the harness reads files, not CloudWatch)',
        })
        .option('rules', { type: 'string', describe: 'Rules file' })
        .option('allow-inconclusive', {
          type: 'boolean',
          default: false,
          describe: 'Let an inconclusive verdict pass the hook',
        })
        .option('strict-exit', {
          type: 'boolean',
          default: false,
          describe: 'Demo run: exit 1 when the deployment fails (others always do)',
        })
        .option('verbose', {
          type: 'boolean',
          default: false,
          describe: "Print the hooks' JSON log lines to stderr",
        })
        .usage(
          "$0 simulate [--platform ECS|Lambda] [--config file | --live url --candidate url --logs file] [options]\n\nWith no flags, runs the demo's ECS deployment: blue is live, green is behind the test listener.",
        )
        .example('$0 simulate', 'the demo deployment, end to end')
        .example(
          '$0 simulate --platform Lambda --live http://127.0.0.1:3000 --candidate http://127.0.0.1:3001 --logs access.log',
          'your own targets',
        ),
    async run(args: SimulateArgs, io: CliIo) {
      const custom = Boolean(args.config || args.live || args.candidate || args.logs);
      let targets: SimulateTargets | undefined;
      let config: ValidationHookConfig;
      try {
        if (custom) {
          const overrides: Record<string, string | undefined> = {
            BG_REPLAY_LIVE: args.live,
            BG_REPLAY_CANDIDATE: args.candidate,
            BG_REPLAY_LOG_FILE: args.logs ? resolve(io.cwd, args.logs) : undefined,
            BG_REPLAY_RULES: args.rules ? resolve(io.cwd, args.rules) : undefined,
            ...(args['allow-inconclusive'] ? { BG_REPLAY_ALLOW_INCONCLUSIVE: 'true' } : {}),
          };
          config = await loadValidationHookConfig({
            ...(args.config ? { file: resolve(io.cwd, args.config) } : {}),
            baseDir: io.cwd,
            env: Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
          });
          if (config.logGroup) {
            throw new BgReplayError(
              'E_USAGE',
              'simulate replays a local log file: pass --logs <file> (the config names a CloudWatch logGroup)',
            );
          }
        } else {
          targets = await (deps.targets ?? demoTargets)();
          writeLine(
            io.stdout,
            `live (blue) ${targets.live}; test listener (green) ${targets.candidate}; log ${targets.logFile}\n`,
          );
          config = {
            logFile: targets.logFile,
            live: targets.live,
            candidate: targets.candidate,
            ...(targets.rulesFile ? { rules: targets.rulesFile } : {}),
            rps: 0,
            allowInconclusive: args['allow-inconclusive'],
            report: { log: true },
          };
        }
        const platform = args.platform === 'Lambda' ? 'Lambda' : 'ECS';
        const event = platform === 'ECS' ? 'AfterAllowTestTraffic' : 'BeforeAllowTraffic';
        const logger = args.verbose
          ? createJsonLogger({ write: (line) => writeLine(io.stderr, line) })
          : silentLogger;
        const validation: LifecycleHookSpec = {
          functionName: 'CodeDeployHook_bg_replay_validate',
          step: createValidationHook(config, deps.validate ? { validate: deps.validate } : {}),
          handlerOptions: { name: 'validate', reserveMs: 1000 },
        };
        let failureReason: string | undefined;
        const result = await runLifecycle({
          platform,
          hooks: { [event]: validation },
          logger: {
            ...logger,
            info: (m, d) => {
              if (m === 'hook reported' && d?.reason) failureReason = String(d.reason);
              logger.info(m, d);
            },
          },
          onTimeline: (entry) => {
            for (const line of formatTimeline([entry])) writeLine(io.stdout, line);
          },
        });
        if (failureReason) writeLine(io.stdout, `\n${event} hook: ${failureReason}`);
        if (result.status === 'Succeeded') return EXIT.pass;
        if (!custom && !args['strict-exit']) {
          writeLine(
            io.stdout,
            '\nThe demo deployment is meant to fail: green has a bug the validation hook catches before production traffic moves.',
          );
          return EXIT.pass;
        }
        return EXIT.fail;
      } finally {
        await targets?.close();
      }
    },
  });
}

export const simulateCommand = createSimulateCommand();
