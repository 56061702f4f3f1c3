import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { BgReplayError, validate as coreValidate, type LambdaInvoker, type Logger } from '@bg-replay/core';
import type { HookStep } from '@bg-replay/core/hooks';
import {
  annotateAwsCalls,
  awsClientConfig,
  describeAwsError,
  isLambdaTarget,
  safeUrl,
} from '@bg-replay/core/internal';
import { type AwsSdkImporters, loadAwsSdk } from './_loadAwsSdk.js';
import { realSleep } from './_time.js';
import { formatIssues } from './_zod.js';
import type { LambdaHookRuntime } from './createHookHandler.js';
import { createLambdaInvoker } from './createLambdaInvoker.js';
import type { DeploymentContext } from './resolveDeploymentContext.js';
import { createStateMachineDefinition } from './stepFunctions/createStateMachineDefinition.js';
import {
  createStateMachineHandOff,
  type HandOffContext,
  type HandOffDecision,
} from './stepFunctions/createStateMachineHandOff.js';
import {
  type HookRunValidateOptions,
  type ValidationHookConfig,
  type ValidationHookConfigInput,
  validateOptionsOfHookConfig,
  validationHookConfigSchema,
} from './validationHookConfig.js';

/** The subset of core's `ValidateOptions` the hook passes: its log source and targets, and the run options of its config. */
export interface ValidationRunOptions extends HookRunValidateOptions {
  logs: Array<{ kind: 'file'; path: string } | { kind: 'cloudwatch'; logGroup: string }>;
  /** Window and filter of `cloudwatch` inputs; `sleep` paces and backs off the CloudWatch calls. */
  cloudwatch?: {
    since?: string;
    filterPattern?: string;
    streamPrefix?: string;
    strategy?: 'auto' | 'filter' | 'insights';
    region?: string;
    endpoint?: string;
    sleep?: (ms: number) => Promise<void>;
    /** Time the read may take before the sample is drawn from what was read. */
    budgetMs?: number;
    onBudgetReached?: (info: { message: string }) => void;
  };
  live: string;
  candidate: string;
  /** Invokes `lambda://` targets (Lambda deployments compare CurrentVersion with TargetVersion). */
  lambdaInvoker?: LambdaInvoker;
  logger?: Logger;
  clients?: { cloudwatchLogs?: CloudWatchLogsClient };
  signal?: AbortSignal;
}

/** The subset of core's `Report` the hook reads. */
export interface ValidationReportLike {
  verdict: 'pass' | 'fail' | 'inconclusive';
  reasons: Array<{ code: string; message: string; route?: string }>;
  matchRate: number | null;
  counts?: unknown;
  /** Versions each side reported (core's `versions` section), when a version header or pointer is set. */
  versions?: { live: { version: string | null }; candidate: { version: string | null } };
  routes?: Array<{
    route: string;
    total: number;
    matched: number;
    matchRate: number | null;
    verdict: string;
  }>;
  /** Where the hook ran the validation and why (added by the hook: inline, or why not handed off). */
  execution?: { mode: 'inline' | 'state-machine'; reason: string };
}

/** Shards a hand-off runs when the config gives no `shards`. */
const DEFAULT_SHARDS = 4;

/** Window read from CloudWatch when the config gives no `since`. */
const DEFAULT_SINCE = '1h';

/** `validate()` of `@bg-replay/core`, or a stand-in for tests. */
export type ValidateFn = (options: ValidationRunOptions) => Promise<ValidationReportLike>;

/** Dependencies of {@link createValidationHook}. */
export interface ValidationHookDeps {
  /** Default: `validate` from `@bg-replay/core`. */
  validate?: ValidateFn;
  /** Client for `report.s3`; default: one from the optional `@aws-sdk/client-s3`. */
  s3?: Pick<S3Client, 'send'>;
  /** Client that starts the state machine (`stateMachineArn`); default: one from the optional `@aws-sdk/client-sfn`. */
  sfn?: Pick<SFNClient, 'send'>;
  cloudwatchLogs?: CloudWatchLogsClient;
  /** How optional AWS SDK clients are imported (tests inject a missing one). */
  importSdk?: AwsSdkImporters;
  /** Clock of the hand-off's hour check; default: the hook runtime's (its deadline less the time left). */
  now?: () => number;
  /** Directory a relative `rules` path is resolved against. */
  baseDir?: string;
  /** Environment `env:NAME` values of `headers` are read from (the bundle passes `process.env`). Default: none. */
  env?: Record<string, string | undefined>;
  /** Pause used for CloudWatch pacing and throttling back-off (tests pass one that returns at once). */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Decides inline or Step Functions before replaying. Default: `createStateMachineHandOff` on the config's
   * `stateMachineArn` and `shards` (inline, with the reason logged, when no state machine is configured).
   */
  handOff?: (context: HandOffContext) => Promise<HandOffDecision>;
  /** Waits until the replay must stop (tests pass a virtual one); resolves early when `signal` aborts. */
  timer?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Invokes Lambda versions; default: one on the runtime's Lambda client. */
  lambdaInvoker?: LambdaInvoker;
}

/**
 * Why the validation hook must not run in `event`, or undefined when it may. Before the test listener
 * routes to the replacement (BeforeInstall, AfterInstall) both endpoints reach the original; after the
 * shift (AfterAllowTraffic) both reach the replacement. ECS validates in AfterAllowTestTraffic, Lambda in
 * BeforeAllowTraffic.
 *
 * @example
 * checkValidationEvent('AfterInstall', 'ECS');
 * // 'the validation hook runs in AfterInstall, where ... wire it to AfterAllowTestTraffic'
 */
export function checkValidationEvent(
  event: string | undefined,
  computePlatform: string | undefined,
): string | undefined {
  if (!event) return undefined;
  const right =
    computePlatform === 'Lambda'
      ? ['BeforeAllowTraffic']
      : computePlatform === 'ECS'
        ? ['AfterAllowTestTraffic']
        : ['AfterAllowTestTraffic', 'BeforeAllowTraffic'];
  if (right.includes(event)) return undefined;
  const why =
    event === 'AfterAllowTraffic'
      ? 'production traffic has already shifted, so live and candidate are the same version'
      : event === 'BeforeInstall' || event === 'AfterInstall'
        ? 'the test listener still routes to the original task set, so live and candidate are the same version'
        : 'live and candidate are not yet two versions there';
  return `the validation hook runs in ${event}, where ${why} and a replay would pass blindly: wire it to ${right.join(' (ECS) or ')}${right.length > 1 ? ' (Lambda)' : ''} in the AppSpec`;
}

/**
 * The ready-made validation step for `AfterAllowTestTraffic` (ECS, against the test listener) or
 * `BeforeAllowTraffic` (Lambda, against the next stage): replays logged traffic against live and candidate
 * with core's `validate()`, writes the report to the log and/or S3, and reports the verdict.
 * `inconclusive` fails unless `allowInconclusive`. `config` may be a promise (loaded at cold start):
 * a configuration error then reports `Failed` with the message instead of hanging the deployment.
 *
 * @example
 * const config = loadValidationHookConfig({ env: process.env, optionalFiles: ['bg-replay.config.json'] });
 * config.catch(() => {});
 * export const handler = createHookHandler(createValidationHook(config), { name: 'validate' });
 */
export function createValidationHook(
  config:
    | ValidationHookConfigInput
    | Promise<ValidationHookConfigInput>
    | (() => Promise<ValidationHookConfigInput>),
  deps: ValidationHookDeps = {},
): HookStep<unknown, LambdaHookRuntime> {
  const validate: ValidateFn = deps.validate ?? coreValidate;
  let s3 = deps.s3;
  let sfn = deps.sfn;
  return async ({
    deployment,
    logger,
    signal,
    event: hookEvent,
    remainingMs,
    startedAt,
    clients,
    deadline,
  }) => {
    const raw = typeof config === 'function' ? await config() : await config;
    const checked = validationHookConfigSchema.safeParse(raw);
    if (!checked.success) {
      throw new BgReplayError(
        'E_CONFIG',
        `validation hook configuration is invalid: ${formatIssues(checked.error)}`,
      );
    }
    const cfg = checked.data;
    const event = deployment.lifecycleEvent;
    const wrongEvent = checkValidationEvent(event, deployment.computePlatform);
    // Before any request: in the wrong event both endpoints answer with the same version, so a replay
    // would compare a version with itself and pass.
    if (wrongEvent) return { status: 'Failed', reason: wrongEvent };
    const targets = resolveTargets(cfg, deployment);
    if ('reason' in targets) return { status: 'Failed', reason: targets.reason };
    // The optional AWS SDK clients this config needs, loaded before any request: a missing one fails the hook
    // with the package to install and the key that needs it, instead of half a run.
    if (cfg.logGroup) {
      await loadAwsSdk('cloudwatchLogs', `logGroup ${cfg.logGroup} (BG_REPLAY_LOG_GROUP)`, deps.importSdk);
    }
    const s3Sdk = cfg.report.s3
      ? await loadAwsSdk(
          's3',
          `report.s3.bucket ${cfg.report.s3.bucket} (BG_REPLAY_REPORT_BUCKET)`,
          deps.importSdk,
        )
      : undefined;
    if (cfg.stateMachineArn && !deps.handOff && !sfn) {
      const sdk = await loadAwsSdk(
        'sfn',
        `stateMachineArn ${cfg.stateMachineArn} (BG_REPLAY_STATE_MACHINE_ARN)`,
        deps.importSdk,
      );
      sfn = annotateAwsCalls(new sdk.SFNClient(awsClientConfig()), 'states');
    }
    const handOff =
      deps.handOff ??
      createStateMachineHandOff({
        ...(cfg.stateMachineArn ? { stateMachineArn: cfg.stateMachineArn } : {}),
        shards: cfg.shards ?? DEFAULT_SHARDS,
        // The machine `bg-replay state-machine --max-shards <shards>` writes: its longest path to a report.
        worstCaseSeconds: createStateMachineDefinition({ maxShards: cfg.shards ?? DEFAULT_SHARDS })
          .worstCaseSeconds,
        ...(sfn ? { sfn } : {}),
        now: deps.now ?? (() => deadline - remainingMs()),
      });
    const decision = await handOff({
      config: cfg,
      deploymentId: deployment.deploymentId,
      lifecycleEventHookExecutionId: hookEvent.LifecycleEventHookExecutionId,
      ...(event ? { lifecycleEvent: event } : {}),
      remainingMs: remainingMs(),
      startedAt,
      logger,
    });
    if (decision?.status === 'handedOff') return { status: 'handedOff', message: decision.message };
    // Time budgets: the read takes at most a share of what is left; the replay stops before the deadline
    // with time to judge what it compared and report.
    const remaining = remainingMs();
    const stopAfter = Math.max(0, remaining - cfg.reportReserveSeconds * 1000);
    const stop = new AbortController();
    const timerDone = new AbortController();
    void (deps.timer ?? realSleep)(stopAfter, timerDone.signal).then(() => {
      if (!timerDone.signal.aborted) stop.abort(new Error('replay budget reached'));
    });
    const runSignal = AbortSignal.any([signal, stop.signal]);
    const notes: string[] = [];
    const options: ValidationRunOptions = {
      logs: [
        cfg.logFile
          ? { kind: 'file', path: cfg.logFile }
          : { kind: 'cloudwatch', logGroup: cfg.logGroup as string },
      ],
      ...(cfg.logFile
        ? {}
        : {
            cloudwatch: {
              // CloudWatch needs a window; the last hour of live traffic unless configured.
              since: cfg.since ?? DEFAULT_SINCE,
              ...(cfg.filterPattern ? { filterPattern: cfg.filterPattern } : {}),
              ...(cfg.streamPrefix ? { streamPrefix: cfg.streamPrefix } : {}),
              ...(cfg.cloudwatchStrategy ? { strategy: cfg.cloudwatchStrategy } : {}),
              ...(cfg.region ? { region: cfg.region } : {}),
              ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
              ...(deps.sleep ? { sleep: deps.sleep } : {}),
              budgetMs: Math.floor(remaining * cfg.readBudgetShare),
              onBudgetReached: ({ message }) => notes.push(message),
            },
          }),
      live: targets.live,
      candidate: targets.candidate,
      ...(targets.lambda
        ? { lambdaInvoker: deps.lambdaInvoker ?? (await lambdaInvokerOf(cfg, clients, deps.importSdk)) }
        : {}),
      // Every run option of the config (the option schema's keys), through the one mapping the CLI uses.
      ...validateOptionsOfHookConfig(cfg, deps.baseDir, deps.env),
      logger,
      ...(deps.cloudwatchLogs ? { clients: { cloudwatchLogs: deps.cloudwatchLogs } } : {}),
      signal: runSignal,
    };
    logger.info('validation started', {
      live: targets.lambda ? targets.live : safeUrl(targets.live),
      candidate: targets.lambda ? targets.candidate : safeUrl(targets.candidate),
      source: cfg.logFile ?? `cloudwatch:${cfg.logGroup}`,
      readBudgetMs: Math.floor(remaining * cfg.readBudgetShare),
      replayBudgetMs: stopAfter,
    });
    let report: ValidationReportLike;
    try {
      report = await validate(options);
    } finally {
      timerDone.abort();
    }
    if (stop.signal.aborted) {
      notes.push(
        `the replay stopped ${cfg.reportReserveSeconds} s before the hook's deadline; the verdict is judged on what was compared`,
      );
    }
    // Said in the report as well as the log: a verdict on a partial read or replay.
    for (const message of notes) report.reasons.push({ code: 'time-budget', message });
    report.execution = { mode: 'inline', reason: decision.mode.reason };
    const sameVersion = sameVersionSeen(report, deployment, targets);
    if (sameVersion && report.verdict === 'pass') {
      report.verdict = 'fail';
      report.reasons.unshift({ code: 'candidate-is-live', message: sameVersion });
    }

    if (cfg.report.log) {
      logger.info('validation report', {
        execution: decision.mode,
        verdict: report.verdict,
        matchRate: report.matchRate,
        reasons: report.reasons,
        counts: report.counts,
        routes: (report.routes ?? []).slice(0, 50),
      });
    }
    if (cfg.report.s3) {
      const key = `${cfg.report.s3.prefix}${deployment.deploymentId}/${event ?? 'validation'}.json`;
      try {
        const sdk = s3Sdk as NonNullable<typeof s3Sdk>;
        s3 ??= annotateAwsCalls(new sdk.S3Client(awsClientConfig()), 's3');
        await s3.send(
          new sdk.PutObjectCommand({
            Bucket: cfg.report.s3.bucket,
            Key: key,
            Body: JSON.stringify(report, null, 2),
            ContentType: 'application/json',
          }),
        );
        logger.info('report written', { s3: `s3://${cfg.report.s3.bucket}/${key}` });
      } catch (error) {
        // The verdict decides the deployment; a report that cannot be stored is logged, not a failure.
        logger.error('cannot write the report to S3', {
          bucket: cfg.report.s3.bucket,
          key,
          error: describeAwsError(error, {
            action: 's3:PutObject',
            resource: `s3://${cfg.report.s3.bucket}/${key}`,
            principal: "the hook function's execution role",
          }),
        });
      }
    }

    if (report.verdict === 'pass') return { status: 'Succeeded' };
    if (report.verdict === 'inconclusive' && cfg.allowInconclusive) {
      logger.warn('verdict inconclusive, allowed by allowInconclusive');
      return { status: 'Succeeded' };
    }
    // The reasons that decided come first; a route only too small to judge alone does not decide a run.
    const decisive = report.reasons.filter(
      (r) => !(r.code === 'low-confidence' && r.route !== undefined) && r.code !== 'time-budget',
    );
    const why = [
      ...(decisive.length > 0 ? decisive : report.reasons).slice(0, 3),
      ...report.reasons.filter((r) => r.code === 'time-budget'),
    ]
      .map((r) => r.message)
      .join('; ');
    return { status: 'Failed', reason: `verdict ${report.verdict}${why ? `: ${why}` : ''}` };
  };
}

/**
 * The invoker of `lambda://` targets: on the runtime's Lambda client, or on one of its own at `lambdaEndpoint`
 * (a VPC endpoint, a stand-in), from the optional `@aws-sdk/client-lambda`.
 */
async function lambdaInvokerOf(
  cfg: ValidationHookConfig,
  clients: LambdaHookRuntime['clients'],
  importSdk: AwsSdkImporters | undefined,
): Promise<LambdaInvoker> {
  const neededBy = cfg.lambdaEndpoint
    ? `lambdaEndpoint ${cfg.lambdaEndpoint} (BG_REPLAY_LAMBDA_ENDPOINT)`
    : 'comparing Lambda versions (no live/candidate base URLs, or lambda:// targets)';
  const sdk = await loadAwsSdk('lambda', neededBy, importSdk);
  const client =
    !cfg.lambdaEndpoint && clients.lambda
      ? clients.lambda
      : annotateAwsCalls(
          new sdk.LambdaClient(awsClientConfig(cfg.lambdaEndpoint ? { endpoint: cfg.lambdaEndpoint } : {})),
          'lambda',
        );
  return createLambdaInvoker(client);
}

type Targets = { live: string; candidate: string; lambda: boolean } | { reason: string };

/**
 * What the run compares. A Lambda deployment without `live`/`candidate` invokes the AppSpec's CurrentVersion
 * and TargetVersion directly (`lambda://Name:Version`). With HTTP endpoints, a candidate that is the live
 * base URL is refused before any request. ECS needs both URLs.
 */
function resolveTargets(cfg: ValidationHookConfig, deployment: DeploymentContext): Targets {
  const fn = deployment.lambda;
  if (!cfg.live || !cfg.candidate) {
    if (!fn) {
      return {
        reason:
          'validation hook configuration: live and candidate (base URLs) are required unless the deployment is a Lambda deployment whose AppSpec names CurrentVersion and TargetVersion',
      };
    }
    const query = `?payload=${cfg.lambdaPayload}${cfg.lambdaStage ? `&stage=${encodeURIComponent(cfg.lambdaStage)}` : ''}`;
    const name = encodeURIComponent(fn.Name);
    return {
      live: `lambda://${name}:${encodeURIComponent(fn.CurrentVersion)}${query}`,
      candidate: `lambda://${name}:${encodeURIComponent(fn.TargetVersion)}${query}`,
      lambda: true,
    };
  }
  // lambda:// targets (as the CLI takes them) are invoked with the hook's Lambda client.
  if (isLambdaTarget(cfg.live) || isLambdaTarget(cfg.candidate)) {
    return { live: cfg.live, candidate: cfg.candidate, lambda: true };
  }
  const norm = (url: string) => url.replace(/\/+$/, '').toLowerCase();
  // Lambda deployments (the issue's case: a "next" stage still on the live alias). ECS blue-vs-blue is
  // refused by the lifecycle-event check; simulate --candidate-good compares blue with itself on purpose.
  if (fn && norm(cfg.live) === norm(cfg.candidate)) {
    return {
      reason: `candidate ${safeUrl(cfg.candidate)} is the live base URL: the run would compare live with itself and pass; point candidate at the next stage, or leave both out to compare the AppSpec's two versions`,
    };
  }
  return { live: cfg.live, candidate: cfg.candidate, lambda: false };
}

/**
 * Why a passing run over HTTP endpoints proves nothing: both sides reported the same version while the
 * AppSpec names two (the next stage still points at the live alias).
 */
function sameVersionSeen(
  report: ValidationReportLike,
  deployment: DeploymentContext,
  targets: { live: string; candidate: string; lambda: boolean },
): string | undefined {
  const fn = deployment.lambda;
  if (targets.lambda || !fn || fn.CurrentVersion === fn.TargetVersion) return undefined;
  const live = report.versions?.live.version;
  const candidate = report.versions?.candidate.version;
  if (!live || live !== candidate) return undefined;
  return `both endpoints answered as version ${live} while the AppSpec shifts ${fn.Name} from ${fn.CurrentVersion} to ${fn.TargetVersion}: the candidate endpoint still reaches the live version`;
}
