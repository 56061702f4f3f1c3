import { join, resolve } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import {
  createHookHandler,
  createValidationHook,
  type HookStep,
  type LambdaHookRuntime,
  type LifecycleEventName,
  loadValidationHookConfig,
  type ValidateFn,
  type ValidationHookConfigInput,
  type ValidationReportLike,
} from '@bg-replay/codedeploy';
import { createJsonLogger, type MergeTaskResult } from '@bg-replay/codedeploy/internal';
import { createStateMachineHandOff } from '@bg-replay/codedeploy/step-functions';
import { BgReplayError, validate as coreValidate, type Logger } from '@bg-replay/core';
import { silentLogger } from '@bg-replay/core/internal';
import {
  createHookClients,
  createPresetHookStep,
  describeAction,
  type HookName,
  loadStacksConfig,
  PRESET_HOOKS,
  type StackId,
  type StacksConfig,
} from '@bg-replay/hooks';
import {
  type AwsStandInServices,
  createAwsStandInServices,
  createProxyHandler,
  createValidationStateMachine,
  createVirtualClock,
  describeValidationEvent,
  formatTimeline,
  type HarnessClients,
  type LifecycleHookSpec,
  type LifecycleResult,
  runLifecycle,
  type SimClock,
  seedStandInAccount,
} from '@bg-replay/simulator';
import { defineCommand } from '../command.js';
import { findFixturesDir } from '../findFixturesDir.js';
import { type CliIo, EXIT, writeLine } from '../io.js';

/** The live and test targets a simulated deployment validates (the demo's blue and green services by default). */
export interface SimulateTargets {
  live: string;
  candidate: string;
  logFile: string;
  rulesFile?: string;
  /** Response header naming each side's version, for the semver policy. */
  versionHeader?: string;
  close(): Promise<void>;
}

/** Dependencies of {@link createSimulateCommand}; tests inject them. */
export interface SimulateDeps {
  /** Starts the targets used when no --live/--candidate/--config is given. Default: the demo's services. */
  targets?: () => Promise<SimulateTargets>;
  /** Replaces core's `validate` inside the hook. */
  validate?: ValidateFn;
  /** The stacks file of the demo run's preset hooks. Default: `fixtures/stacks/demo-ecs.yaml`. */
  demoStacksFile?: string;
  /** Builds the in-memory AWS account the preset hooks act on (tests keep a reference to read it). */
  services?: () => AwsStandInServices;
  /** Called with the outcome of the simulated deployment. */
  onResult?: (result: LifecycleResult, services: AwsStandInServices | undefined) => void;
}

/** The demo's a/b stacks file: shipped in dist/fixtures when installed, else the repository's. */
export const DEMO_STACKS_FILE = join(findFixturesDir(), 'stacks', 'demo-ecs.yaml');

/** Function names of the preset hooks in the simulated AppSpec (as `apps/hook-lambdas` builds them). */
const PRESET_FUNCTIONS: Record<HookName, string> = {
  BeforeInstall: 'CodeDeployHook_before_install',
  AfterInstall: 'CodeDeployHook_after_install',
  BeforeAllowTraffic: 'CodeDeployHook_before_allow_traffic',
  AfterAllowTraffic: 'CodeDeployHook_after_allow_traffic',
};

/** What each preset does, printed beside the event (the steps follow in the timeline). */
const PRESET_ROLES: Record<HookName, string> = {
  BeforeInstall: 'prepare: raise capacity, migrate',
  AfterInstall: 'prepare: enable sources, seed',
  BeforeAllowTraffic: 'prepare',
  AfterAllowTraffic: 'flip the pointer, tear down the old stack',
};

/** The step of `--fail-after-shift`: AfterAllowTraffic fails before it changes anything. */
const FAIL_AFTER_SHIFT: HookStep = async () => ({
  status: 'Failed',
  reason: 'simulated failure after the shift (--fail-after-shift)',
});

function presetSpec(
  config: StacksConfig,
  hook: HookName,
  logger: Logger,
  failAfterShift: boolean,
): LifecycleHookSpec {
  return {
    functionName: PRESET_FUNCTIONS[hook],
    handler: (h: HarnessClients) => {
      const preset = createPresetHookStep(config, hook, {
        clients: async (cfg) => {
          // Tracked: the virtual clock must not run past the hook's deadline while the SDK modules load.
          const clients = await h.clock.track(
            createHookClients(cfg, { endpoint: h.endpoint, region: h.region, credentials: h.credentials }),
          );
          for (const client of Object.values(clients)) h.clock.instrument(client);
          return clients;
        },
        now: h.clock.now,
        sleep: h.clock.sleep,
        onActions: (actions) => {
          for (const action of actions) h.note(describeAction(action));
        },
      });
      const step: HookStep = (ctx) => {
        if (ctx.invocation === 1) h.note(`(${PRESET_ROLES[hook]})`);
        if (failAfterShift && hook === 'AfterAllowTraffic') return FAIL_AFTER_SHIFT(ctx);
        return preset(ctx);
      };
      return createHookHandler(step, {
        clients: h,
        logger,
        name: hook,
        lifecycleEvent: hook,
        reserveMs: 1000,
        now: h.clock.now,
        sleep: h.clock.sleep,
      }) as never;
    },
  };
}

/** The bucket shard reports go to when the config names none (`--shards`). */
const SIMULATED_REPORT_BUCKET = 'bg-replay-simulated-reports';

/**
 * The validate function's Lambda timeout with `--shards`: shorter than any replay is expected to take (the
 * estimate counts 30 s to read the logs alone), so the hook's own decision hands off to the state machine.
 */
const SHARDED_VALIDATE_TIMEOUT_MS = 30_000;

/** Most shards `--shards` runs (each replays in this process; above 40 the Map is distributed). */
const MAX_SIMULATED_SHARDS = 100;

/** The demo's live rate cap with `--shards`, shared by the shards (each replays at cap / N). */
const DEMO_SHARDED_RPS = 400;

/**
 * The demo's request timeout: both services, the hooks and every shard share this process, so on a busy
 * machine an answer can be slow without anything being wrong with green; it must not become a transport error.
 */
const DEMO_TIMEOUT_MS = 30_000;

/** The demo's Lambda function: version 1 answers as blue, version 2 as green (API Gateway proxy events). */
const DEMO_FUNCTION = { name: 'shop-demo', alias: 'live', currentVersion: '1', targetVersion: '2' };

/** Names that identify a stack's resources in the requests the hooks send. */
function stackIdentifiers(config: StacksConfig, id: StackId): string[] {
  const stack = config.stacks[id];
  const names: string[] = [];
  if (stack.database)
    names.push(
      stack.database.type === 'dynamodb' ? stack.database.tableName : stack.database.clusterIdentifier,
    );
  for (const q of stack.queues) names.push(q.url);
  for (const s of stack.eventSources)
    names.push(
      s.type === 'eventbridge-rule'
        ? s.name
        : s.type === 'lambda-event-source-mapping'
          ? s.uuid
          : s.subscriptionArn,
    );
  for (const t of stack.scalableTargets) names.push(t.resourceId);
  if (stack.migration)
    names.push(
      stack.migration.type === 'ecs-task' ? stack.migration.taskDefinition : stack.migration.functionName,
    );
  return names;
}

/**
 * The state-changing calls the simulated hooks sent that name a resource of stack `id`, as
 * `Operation resource` strings: with `id` the live stack of a failed deployment, this must be empty.
 *
 * @example
 * callsTouching(config, services, 'a'); // [] when nothing of a was changed
 */
export function callsTouching(config: StacksConfig, services: AwsStandInServices, id: StackId): string[] {
  const names = stackIdentifiers(config, id);
  return services.mutations().flatMap((call) => {
    const text = JSON.stringify(call.input);
    const hit = names.find((n) => text.includes(JSON.stringify(n)) || text.includes(`${n}"`));
    return hit ? [`${call.operation} ${hit}`] : [];
  });
}

/** One line per stack: the pointer, and what is left of each stack's resources. */
function describeStacks(config: StacksConfig, services: AwsStandInServices): string[] {
  const { state } = services;
  const active = state.parameters.get(config.activeStack.parameter);
  const lines = [`active stack: ${active ?? '(unset)'} (${config.activeStack.parameter})`];
  for (const id of ['a', 'b'] as StackId[]) {
    const stack = config.stacks[id];
    const parts: string[] = [];
    if (stack.database?.type === 'dynamodb') {
      const table = state.tables.get(stack.database.tableName);
      parts.push(
        table
          ? `table ${stack.database.tableName} ${table.items} items`
          : `table ${stack.database.tableName} deleted`,
      );
    }
    for (const source of stack.eventSources) {
      if (source.type === 'eventbridge-rule')
        parts.push(
          `rule ${source.name} ${state.rules.get(`${source.eventBusName ?? 'default'}/${source.name}`) ?? '?'}`,
        );
      if (source.type === 'lambda-event-source-mapping')
        parts.push(`mapping …${source.uuid.slice(-4)} ${state.eventSourceMappings.get(source.uuid) ?? '?'}`);
    }
    for (const queue of stack.queues) {
      parts.push(
        `queue ${queue.url.split('/').at(-1)} ${state.queues.get(queue.url)?.messages ?? '?'} messages`,
      );
    }
    for (const t of stack.scalableTargets) {
      const now = state.scalableTargets.get(`${t.serviceNamespace}|${t.resourceId}|${t.scalableDimension}`);
      if (now) parts.push(`${t.name ?? t.resourceId} min ${now.min}`);
    }
    lines.push(`  stack ${id}${id === active ? ' (live)' : ''}: ${parts.join(', ')}`);
  }
  return lines;
}

/** Where production traffic ended and why, in one line. */
function describeProduction(result: LifecycleResult): string {
  const alias = result.aliasVersion ? ` (alias ${DEMO_FUNCTION.alias} → version ${result.aliasVersion})` : '';
  const shifted = result.timeline.some(
    (e) => e.kind === 'action' && /^(route production traffic to|shift the alias to)/.test(e.action),
  );
  if (result.production === 'replacement') return `production traffic ends on the new version${alias}`;
  if (result.rollbackDeploymentId && shifted)
    return `production traffic ends on the original version${alias}: the rollback deployment ${result.rollbackDeploymentId} moved it back`;
  return `production traffic never left the original version${alias}${result.rollbackDeploymentId ? `; the rollback deployment ${result.rollbackDeploymentId} followed the failure` : ''}`;
}

async function demoTargets(): Promise<SimulateTargets> {
  const { startDemoServices } = await import('@bg-replay/demo');
  const demo = await startDemoServices({ fixturesDir: findFixturesDir() });
  return {
    live: demo.live,
    candidate: demo.candidate,
    logFile: demo.logFile,
    rulesFile: demo.rulesFile,
    versionHeader: demo.versionHeader,
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
  'candidate-good': boolean;
  stacks?: string;
  presets: boolean;
  verbose: boolean;
  'fail-after-shift': boolean;
  'auto-rollback': boolean;
  shards?: number;
}

/**
 * Builds `bg-replay simulate`: runs a blue/green lifecycle locally with the validation hook in
 * AfterAllowTestTraffic (ECS) or BeforeAllowTraffic (Lambda), against a loopback CodeDeploy stand-in,
 * and prints the timeline. Without flags it runs the demo's ECS deployment end to end with the preset
 * hooks of `fixtures/stacks/demo-ecs.yaml` around the validation (prepare, validate, shift, flip and tear
 * down), their AWS calls answered by in-memory stand-ins on the same loopback endpoint.
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
        .option('stacks', {
          type: 'string',
          describe:
            'a/b stacks file for the preset hooks (BeforeInstall, AfterInstall, AfterAllowTraffic), run against in-memory AWS stand-ins. Default in the demo run: fixtures/stacks/demo-ecs.yaml',
        })
        .option('presets', {
          type: 'boolean',
          default: true,
          describe: 'Demo run: run the preset hooks around the validation (--no-presets: validation only)',
        })
        .option('candidate-good', {
          type: 'boolean',
          default: false,
          describe:
            'Demo run: put blue behind the test listener too, so the deployment passes, tears down and flips',
        })
        .option('fail-after-shift', {
          type: 'boolean',
          default: false,
          describe:
            'Make the AfterAllowTraffic hook fail after production traffic moved (with --candidate-good to get that far)',
        })
        .option('auto-rollback', {
          type: 'boolean',
          default: true,
          describe:
            "The deployment group's automatic rollback on failure (--no-auto-rollback: traffic stays where the failure left it)",
        })
        .option('shards', {
          type: 'number',
          describe:
            'Hand the validation off to the Step Functions state machine with N shards, run locally: each shard, the merge and the status it reports to CodeDeploy',
        })
        .option('verbose', {
          type: 'boolean',
          default: false,
          describe: "Print the hooks' JSON log lines to stderr",
        })
        .usage(
          "$0 simulate [--platform ECS|Lambda] [--config file | --live url --candidate url --logs file] [options]\n\nWith no flags, runs the demo's ECS deployment: blue is live, green is behind the test listener. Hook time is simulated: timeouts, polls and Lambda's retry delays take no real time.",
        )
        .example(
          '$0 simulate',
          'the demo deployment, end to end: prepare, validate (fails on green), roll back',
        )
        .example(
          '$0 simulate --candidate-good',
          'the demo deployment passing: prepare, validate, shift, flip, tear down',
        )
        .example(
          '$0 simulate --candidate-good --fail-after-shift --no-auto-rollback',
          'a failure after the shift without auto-rollback: production stays on the new version',
        )
        .example(
          '$0 simulate --shards 4',
          'the validation handed off to the state machine: 4 shards, the exact merge, Failed reported',
        )
        .example(
          '$0 simulate --platform Lambda --live http://127.0.0.1:3000 --candidate http://127.0.0.1:3001 --logs access.log',
          'your own targets',
        ),
    async run(args: SimulateArgs, io: CliIo) {
      const custom = Boolean(args.config || args.live || args.candidate || args.logs);
      const platform = args.platform === 'Lambda' ? 'Lambda' : 'ECS';
      const shards = args.shards;
      if (
        shards !== undefined &&
        (!Number.isInteger(shards) || shards < 1 || shards > MAX_SIMULATED_SHARDS)
      ) {
        throw new BgReplayError(
          'E_USAGE',
          `--shards ${args.shards}: expected a whole number of shards, 1..${MAX_SIMULATED_SHARDS}`,
        );
      }
      if (args['candidate-good'] && custom) {
        throw new BgReplayError(
          'E_USAGE',
          '--candidate-good applies to the demo run only: drop --config/--live/--candidate/--logs',
        );
      }
      if (args.stacks && platform !== 'ECS') {
        throw new BgReplayError(
          'E_USAGE',
          '--stacks runs the ECS presets (BeforeInstall, AfterInstall, AfterAllowTraffic); use it with --platform ECS',
        );
      }
      const stacksFile =
        args.stacks !== undefined
          ? resolve(io.cwd, args.stacks)
          : !custom && platform === 'ECS' && args.presets
            ? (deps.demoStacksFile ?? DEMO_STACKS_FILE)
            : undefined;
      const stacks = stacksFile ? await loadStacksConfig(stacksFile) : undefined;
      if (stacks && stacks.platform !== 'ecs') {
        throw new BgReplayError(
          'E_USAGE',
          `--stacks ${args.stacks}: the simulated deployment is ECS, the file is for ${stacks.platform}`,
        );
      }
      // The demo's Lambda deployment validates by invoking its two versions on the stand-in.
      const lambdaVersions = platform === 'Lambda' && !custom && !shards;
      let targets: SimulateTargets | undefined;
      let config: ValidationHookConfigInput;
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
          if (shards && !(config.live && config.candidate)) {
            throw new BgReplayError(
              'E_USAGE',
              `--shards ${shards}: shards replay base URLs; give live and candidate (--live, --candidate or the config)`,
            );
          }
        } else {
          targets = await (deps.targets ?? demoTargets)();
          const candidate = args['candidate-good'] ? targets.live : targets.candidate;
          writeLine(
            io.stdout,
            `live (blue) ${targets.live}; test listener (${args['candidate-good'] ? 'blue again: --candidate-good' : 'green'}) ${candidate}; log ${targets.logFile}`,
          );
          if (args['candidate-good'])
            writeLine(
              io.stdout,
              'an inconclusive verdict passes (--candidate-good): the demo log is too small to prove 99% at 95% confidence',
            );
          config = {
            logFile: targets.logFile,
            // Lambda: no base URLs, so the hook invokes the AppSpec's two versions (lambda://); shards replay URLs.
            ...(lambdaVersions ? {} : { live: targets.live, candidate }),
            ...(targets.rulesFile ? { rules: targets.rulesFile } : {}),
            ...(targets.versionHeader ? { versionHeader: targets.versionHeader } : {}),
            // With --shards the shards share a live rate cap (each replays at cap / N); inline, no cap.
            rps: shards ? DEMO_SHARDED_RPS : 0,
            timeoutMs: DEMO_TIMEOUT_MS,
            // Blue against blue matches everywhere, but the demo's ~100 logged requests cannot show a 99% match
            // rate at 95% confidence (that takes ~380 per route): the verdict is inconclusive, not fail.
            allowInconclusive: args['allow-inconclusive'] || args['candidate-good'],
            report: { log: true },
          };
        }
        const event: LifecycleEventName = platform === 'ECS' ? 'AfterAllowTestTraffic' : 'BeforeAllowTraffic';
        // Hook time is virtual (timeouts, polls, Lambda's retry delays take no real time); the validation's real
        // HTTP replay counts as work in flight and takes its real duration on the timeline.
        const clock: SimClock = createVirtualClock(Date.now(), { inFlight: 'real-time' });
        const logger = args.verbose
          ? createJsonLogger({ write: (line) => writeLine(io.stderr, line) })
          : silentLogger;
        let failure: { event: string; reason: string } | undefined;
        const watching: Logger = {
          ...logger,
          info: (m, d) => {
            if (m === 'hook reported' && d?.reason && !failure)
              failure = { event: String(d.hook ?? event), reason: String(d.reason) };
            logger.info(m, d);
          },
        };
        let merged: MergeTaskResult | undefined;
        const machine = shards
          ? {
              ...createValidationStateMachine({ maxShards: shards, logger }),
              describe: (e: Parameters<typeof describeValidationEvent>[0]) => {
                if (e.type === 'StateExited' && e.state?.name === 'Merge')
                  merged = (e.state.output as { merged?: MergeTaskResult }).merged;
                return describeValidationEvent(e);
              },
            }
          : undefined;
        // Shard reports go to S3 (the in-memory one): the config's bucket, else a simulated one.
        const reportS3 = machine
          ? {
              bucket: config.report?.s3?.bucket ?? SIMULATED_REPORT_BUCKET,
              prefix: config.report?.s3?.prefix ?? 'bg-replay/',
            }
          : undefined;
        if (reportS3) config = { ...config, report: { ...config.report, s3: reportS3 } };
        let compared:
          | { live: string; candidate: string; versions?: ValidationReportLike['versions'] }
          | undefined;
        const recordingValidate: ValidateFn = async (options) => {
          const report = await (deps.validate ?? (coreValidate as unknown as ValidateFn))(options);
          compared = { live: options.live, candidate: options.candidate, versions: report.versions };
          return report;
        };
        const inlineValidation = createValidationHook(config, { validate: recordingValidate });
        const validation: LifecycleHookSpec = machine
          ? {
              functionName: 'CodeDeployHook_validate',
              timeoutMs: SHARDED_VALIDATE_TIMEOUT_MS,
              handler: (h) => {
                const sfn = h.clock.instrument(
                  new SFNClient({ endpoint: h.endpoint, region: h.region, credentials: h.credentials }),
                );
                const step = createValidationHook(config, {
                  handOff: createStateMachineHandOff({
                    stateMachineArn: machine.arn,
                    shards: shards as number,
                    worstCaseSeconds: machine.worstCaseSeconds,
                    sfn,
                    now: h.clock.now,
                  }),
                  ...(deps.validate ? { validate: deps.validate } : {}),
                });
                const noting: HookStep<unknown, LambdaHookRuntime> = async (ctx) => {
                  const result = await h.clock.track(Promise.resolve(step(ctx)));
                  if (result?.status === 'handedOff') h.note(`handed off: ${result.message}`);
                  return result;
                };
                return createHookHandler(noting, {
                  clients: h,
                  logger: watching,
                  name: 'validate',
                  reserveMs: 1000,
                  now: h.clock.now,
                  sleep: h.clock.sleep,
                }) as never;
              },
            }
          : {
              functionName: 'CodeDeployHook_validate',
              step: (ctx) => clock.track(Promise.resolve(inlineValidation(ctx))),
              handlerOptions: { name: 'validate', reserveMs: 1000 },
            };
        const hooks: Partial<Record<LifecycleEventName, LifecycleHookSpec>> = { [event]: validation };
        if (args['fail-after-shift']) {
          hooks.AfterAllowTraffic = {
            functionName: 'CodeDeployHook_after_allow_traffic',
            step: FAIL_AFTER_SHIFT,
            handlerOptions: { name: 'AfterAllowTraffic', reserveMs: 1000 },
          };
        }
        let services: AwsStandInServices | undefined;
        if (stacks || machine) services = deps.services?.() ?? createAwsStandInServices({ now: clock.now });
        if (machine && services && reportS3) {
          services.state.buckets.add(reportS3.bucket);
          writeLine(
            io.stdout,
            `--shards ${shards}: the validate function runs with a ${SHARDED_VALIDATE_TIMEOUT_MS / 1000} s timeout here, too short for the replay, so the hook hands off to the state machine ${machine.arn.split(':').at(-1)} (${machine.mapMode === 'INLINE' ? 'inline' : 'distributed'} Map, every path reports within ${machine.worstCaseSeconds} s); shard reports go to s3://${reportS3.bucket}/${reportS3.prefix}, served in memory`,
          );
        }
        if (stacks && services) {
          services.onPublish = seedStandInAccount(services.state, stacks, 'a');
          for (const hook of PRESET_HOOKS.ecs)
            hooks[hook] = presetSpec(stacks, hook, watching, args['fail-after-shift']);
          writeLine(
            io.stdout,
            `stacks ${stacksFile}: ${stacks.service} on stack a (live), the deployment moves to b; AWS served by in-memory stand-ins`,
          );
        }
        const lambdaFunction =
          platform === 'Lambda' && targets
            ? {
                ...DEMO_FUNCTION,
                fn: {
                  versions: {
                    '1': createProxyHandler(targets.live),
                    '2': createProxyHandler(args['candidate-good'] ? targets.live : targets.candidate),
                  },
                  aliases: {},
                },
              }
            : undefined;
        if (lambdaFunction) {
          writeLine(
            io.stdout,
            `Lambda function ${lambdaFunction.name}: alias ${lambdaFunction.alias} → version ${lambdaFunction.currentVersion} (blue, live); target version ${lambdaFunction.targetVersion} (green). Invoke serves both on the stand-in (lambda://${lambdaFunction.name}:${lambdaFunction.currentVersion}, lambda://${lambdaFunction.name}:${lambdaFunction.targetVersion}), answering API Gateway proxy events`,
          );
          const second = args['candidate-good'] ? 'blue again: --candidate-good' : 'green';
          writeLine(
            io.stdout,
            lambdaVersions
              ? `the validation invokes version ${lambdaFunction.currentVersion} (blue) and version ${lambdaFunction.targetVersion} (${second}) as the AppSpec names them (CurrentVersion, TargetVersion), with API Gateway proxy events`
              : `the validation compares version ${lambdaFunction.currentVersion} (blue, ${config.live}) with version ${lambdaFunction.targetVersion} (${second}, ${config.candidate})${shards ? ' over HTTP: shards replay base URLs' : ''}`,
          );
        }
        writeLine(io.stdout);
        const result = await runLifecycle({
          platform,
          hooks,
          clock,
          autoRollback: args['auto-rollback'],
          logger: watching,
          ...(lambdaFunction ? { lambdaFunction } : {}),
          ...(services ? { services } : {}),
          ...(machine ? { stateMachines: [machine] } : {}),
          onTimeline: (entry) => {
            for (const line of formatTimeline([entry])) writeLine(io.stdout, line);
          },
        });
        deps.onResult?.(result, services);
        if (compared) {
          const as = (v: { version: string | null } | undefined) =>
            v?.version ? ` (answered as version ${v.version})` : '';
          writeLine(
            io.stdout,
            `\nthe validation compared ${compared.live}${as(compared.versions?.live)} with ${compared.candidate}${as(compared.versions?.candidate)}`,
          );
        }
        if (merged?.status === 'Failed' && !failure) {
          failure = {
            event,
            reason: `the state machine reported Failed: ${merged.reason ?? merged.verdict}`,
          };
        }
        if (failure) {
          const hookEvent = failure.event === 'validate' ? event : failure.event;
          writeLine(io.stdout, `\n${hookEvent} hook: ${failure.reason}`);
        }
        writeLine(io.stdout);
        writeLine(io.stdout, describeProduction(result));
        if (stacks && services) {
          writeLine(io.stdout);
          for (const line of describeStacks(stacks, services)) writeLine(io.stdout, line);
          if (result.status === 'Succeeded') {
            writeLine(
              io.stdout,
              'the pointer was flipped after the shift, then the old stack a was torn down',
            );
          } else if (result.failedEvent === 'AfterAllowTraffic') {
            writeLine(
              io.stdout,
              `failed after the shift: the pointer names ${services.state.parameters.get(stacks.activeStack.parameter) ?? '(unset)'}, production traffic is on the ${result.production === 'original' ? 'original stack a' : 'new stack b'}`,
            );
          } else {
            const touched = callsTouching(stacks, services, 'a');
            writeLine(
              io.stdout,
              touched.length === 0
                ? 'rolled back: the pointer is unchanged and no call changed anything of the live stack a; b stays prepared for the next attempt'
                : `rolled back, but calls changed the live stack a: ${touched.join(', ')}`,
            );
          }
        }
        if (result.status === 'Succeeded') return EXIT.pass;
        if (!custom && !args['strict-exit']) {
          writeLine(
            io.stdout,
            args['fail-after-shift'] && result.failedEvent === 'AfterAllowTraffic'
              ? '\nThe deployment failed after the shift, as --fail-after-shift asked.'
              : '\nThe demo deployment is meant to fail: green has a bug the validation hook catches before production traffic moves.',
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
