import { randomUUID } from 'node:crypto';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import {
  type AwsStandIn,
  type AwsStandInServices,
  createAwsStandInServices,
  type DeploymentStatus,
  FAKE_CREDENTIALS,
  type ReceivedInvoke,
  type SimFunction,
  type StandInDeployment,
  startAwsStandIn,
} from '@bg-replay/aws-stand-in';
import {
  buildAppSpec,
  createHookHandler,
  type HookHandlerOptions,
  type HookPlatform,
  type HookStatus,
  type HookStep,
  type LambdaContextLike,
  type LambdaHookRuntime,
  type LifecycleEventName,
} from '@bg-replay/codedeploy';
import {
  bareFunctionName,
  ECS_LIFECYCLE_EVENTS,
  LAMBDA_LIFECYCLE_EVENTS,
} from '@bg-replay/codedeploy/internal';
import type { Logger } from '@bg-replay/core';
import { silentLogger } from '@bg-replay/core/internal';
import { createRealClock, type SimClock } from './createSimClock.js';
import {
  type LocalExecutionEvent,
  type LocalLambdaHandler,
  runStateMachineLocally,
} from './runStateMachineLocally.js';

/** The SDK clients a hook gets in the harness, pointed at the stand-in, and how to build more. */
export interface HarnessClients {
  codedeploy: CodeDeployClient;
  lambda: LambdaClient;
  /** The stand-in's URL: give it as `endpoint` to any other SDK client the hook needs (SSM, SQS...). */
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Adds a line under this hook's lifecycle event in the timeline (what the hook did). */
  note(text: string): void;
  /** The simulation's clock: give its `now`/`sleep` to the hook, and `instrument` every SDK client it makes. */
  clock: SimClock;
}

/** A hook in the harness: a step (wrapped by `createHookHandler`) or a handler of your own. */
export interface LifecycleHookSpec {
  /** Default `CodeDeployHook_<event>`. */
  functionName?: string;
  step?: HookStep<unknown, LambdaHookRuntime>;
  /** Extra options for `createHookHandler` (clients are set by the harness). */
  handlerOptions?: Omit<HookHandlerOptions, 'clients'>;
  /** A raw Lambda handler built with the harness clients (used instead of `step`). */
  handler?: (clients: HarnessClients) => (event: unknown, context: LambdaContextLike) => Promise<unknown>;
  /** Lambda timeout of each invocation in ms (to exercise continuations). Default 15 minutes. */
  timeoutMs?: number;
  /** Deliver the event twice, as Lambda may: the second report meets `LifecycleEventAlreadyCompletedException`. */
  duplicate?: boolean;
  /**
   * Retries of an invocation that ends in an error (the handler throws), as Lambda retries an asynchronous
   * invocation: after one minute, then two. Default 2 (Lambda's default); 0 to 2.
   */
  retryAttempts?: number;
}

/**
 * A Step Functions state machine the stand-in serves (`StartExecution`, `DescribeExecution`): its executions
 * run locally (`runStateMachineLocally`), its Lambda tasks call `functions` in-process and its
 * `aws-sdk:codedeploy:*` tasks report to the stand-in.
 */
export interface SimStateMachine {
  arn: string;
  definition: { States: Record<string, Record<string, unknown>> };
  /** The Lambda functions its Task states name, by function name, built with the harness clients. */
  functions: Record<string, (h: HarnessClients) => LocalLambdaHandler>;
  /** Timeline lines for an event of an execution (a state exited, a Map iteration failed). */
  describe?: (event: LocalExecutionEvent) => string[];
}

/** Where production traffic goes: the original version (task set, alias version) or the replacement. */
export type TrafficTarget = 'original' | 'replacement';

/** One line of the timeline. `at` is ms since the deployment started. */
export type TimelineEntry =
  | {
      kind: 'deployment';
      deploymentId: string;
      status: DeploymentStatus;
      at: number;
      message?: string;
      /** Set on a rollback deployment: the deployment that failed. */
      rollbackOf?: string;
    }
  | { kind: 'action'; action: string; at: number }
  | { kind: 'note'; event: LifecycleEventName; functionName: string; text: string; at: number }
  | {
      kind: 'event-start';
      event: LifecycleEventName;
      functionName?: string;
      hookExecutionId?: string;
      at: number;
    }
  | {
      kind: 'event-end';
      event: LifecycleEventName;
      functionName?: string;
      hookExecutionId?: string;
      status: HookStatus;
      /** `reported` by the hook, `no-hook` (nothing to run), or `timeout` (nothing reported in time). */
      how: 'reported' | 'no-hook' | 'timeout';
      invocations: number;
      durationMs: number;
      at: number;
    }
  | {
      kind: 'invoke';
      event: LifecycleEventName;
      functionName: string;
      invocation: number;
      continued: boolean;
      duplicate: boolean;
      /** Lambda's asynchronous retry of an invocation that ended in an error (1 or 2). */
      retry?: number;
      at: number;
    }
  | { kind: 'invoke-error'; event: LifecycleEventName; functionName: string; error: string; at: number }
  | {
      kind: 'execution';
      /** The lifecycle event running when it happened (the one whose hook started the execution). */
      event?: LifecycleEventName;
      /** The execution's name. */
      execution: string;
      text: string;
      at: number;
    }
  | {
      kind: 'report';
      event?: LifecycleEventName;
      status: string;
      accepted: boolean;
      error?: string;
      at: number;
    };

/** Options of {@link runLifecycle}. */
export interface RunLifecycleOptions {
  platform: HookPlatform;
  hooks: Partial<Record<LifecycleEventName, LifecycleHookSpec>>;
  deploymentId?: string;
  applicationName?: string;
  deploymentGroupName?: string;
  /** ECS: is there a test listener? Without one AfterAllowTestTraffic is not run. Default true. */
  testListener?: boolean;
  /** Ms to wait for a hook's report (CodeDeploy's hour). Default: one hour on a virtual clock, 60 000 on the real one. */
  hookTimeoutMs?: number;
  /**
   * The deployment group's automatic rollback on `DEPLOYMENT_FAILURE`. When on, a failed deployment is followed by a
   * rollback deployment (a new id, with `rollbackInfo`) that returns production traffic to the original version;
   * when off, traffic stays where the failure left it. Default true.
   */
  autoRollback?: boolean;
  /** ECS: the group's wait before the original task set is terminated after a successful shift. Default 0. */
  terminationWaitMs?: number;
  /** Another deployment to the group is in progress for this long: this one is `Queued` until then. Default 0. */
  queuedMs?: number;
  /**
   * ECS: the group's `deploymentReadyOption` with `STOP_DEPLOYMENT`: after the test traffic hooks the deployment
   * is `Ready` and waits this long for a `ContinueDeployment` before rerouting production traffic; without
   * one it is `Stopped`. Default: reroute at once (`CONTINUE_DEPLOYMENT`).
   */
  readyWaitMs?: number;
  /**
   * Lambda: the function the deployment moves, its alias and the two versions. With `fn`, the stand-in serves
   * `Invoke` for its versions, and the alias moves with the deployment. Default `simulated-function`, `live`, 1 → 2.
   */
  lambdaFunction?: {
    name: string;
    alias: string;
    currentVersion: string;
    targetVersion: string;
    fn?: SimFunction;
  };
  /** Time: a virtual clock in tests (see `createVirtualClock`). Default: the real clock. */
  clock?: SimClock;
  region?: string;
  /** Logger given to every hook handler (default: silent). */
  logger?: Logger;
  /**
   * In-memory AWS services served on the stand-in's endpoint for hooks that touch more than CodeDeploy
   * (see {@link createAwsStandInServices}); read their state after the run.
   */
  services?: AwsStandInServices;
  /**
   * Step Functions state machines the hooks may start (a validation hook handing off to shards). Their
   * executions run on this machine and count as work in flight; an event ends only after the executions
   * started during it have ended.
   */
  stateMachines?: SimStateMachine[];
  /** Called with each timeline entry as it happens (to print progress). */
  onTimeline?: (entry: TimelineEntry) => void;
}

/** The outcome of a simulated deployment. */
export interface LifecycleResult {
  deploymentId: string;
  status: 'Succeeded' | 'Failed' | 'Stopped';
  /** The lifecycle event that failed the deployment (or after which it was stopped). */
  failedEvent?: LifecycleEventName;
  /** The event after which a `StopDeployment` stopped it. */
  stoppedAfter?: LifecycleEventName;
  /** The rollback deployment CodeDeploy created after the failure (auto-rollback on). */
  rollbackDeploymentId?: string;
  /** Every deployment as `GetDeployment` last described it, the rollback included. */
  deployments: StandInDeployment[];
  /** Where production traffic ends up. */
  production: TrafficTarget;
  /** Lambda: the version the alias names at the end. */
  aliasVersion?: string;
  timeline: TimelineEntry[];
  /** Every status report the stand-in received, accepted or refused. */
  reports: AwsStandIn['reports'];
  /** Every Lambda Invoke the stand-in received (continuations). */
  invokes: ReceivedInvoke[];
}

/** What CodeDeploy does to traffic after each event's hook succeeded. */
const ACTION_AFTER: Record<HookPlatform, Partial<Record<LifecycleEventName, string>>> = {
  ECS: {
    BeforeInstall: 'create the replacement task set',
    AfterInstall: 'route test traffic to the replacement task set',
    BeforeAllowTraffic: 'route production traffic to the replacement task set',
  },
  Lambda: { BeforeAllowTraffic: 'shift the alias to the target version' },
};

/** ECS: the event after which a `Ready` deployment waits to reroute (with a test listener, else without). */
const READY_AFTER: LifecycleEventName[] = ['AfterAllowTestTraffic', 'AfterInstall'];

/** The event after which production traffic has moved to the replacement. */
const SHIFT_EVENT: LifecycleEventName = 'BeforeAllowTraffic';

/** Lambda's waits before its two retries of an asynchronous invocation that ended in an error. */
const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];

let deploymentSeq = 0;
const newDeploymentId = (): string =>
  `d-SIM${String(++deploymentSeq).padStart(2, '0')}${randomUUID().slice(0, 4).toUpperCase()}`;

/**
 * Runs a blue/green deployment's hook sequence on one machine, in CodeDeploy's order, with the real SDK
 * clients pointed at a loopback stand-in for CodeDeploy and Lambda. Each hook is invoked like CodeDeploy
 * does (an event with the two ids), its status report is awaited, continuations are delivered as new
 * invocations with a fresh Lambda clock, an invocation that throws is retried as Lambda retries asynchronous
 * invocations, and a `Failed` (or silence) fails the deployment. The deployment goes through CodeDeploy's
 * statuses; with the group's auto-rollback on, a failure is followed by a rollback deployment that returns
 * production traffic to the original version; with it off, traffic stays where the failure left it.
 *
 * @example
 * const result = await runLifecycle({
 *   platform: 'ECS',
 *   clock: createVirtualClock(),
 *   hooks: { AfterAllowTestTraffic: { functionName: 'CodeDeployHook_validate', step: createValidationHook(config) } },
 * });
 * result.status; // 'Succeeded'
 */
export async function runLifecycle(options: RunLifecycleOptions): Promise<LifecycleResult> {
  const clock = options.clock ?? createRealClock();
  const now = clock.now;
  const region = options.region ?? 'us-east-1';
  const platform = options.platform;
  const deploymentId = options.deploymentId ?? newDeploymentId();
  const hookTimeoutMs = options.hookTimeoutMs ?? (clock.virtual ? 3_600_000 : 60_000);
  const autoRollback = options.autoRollback ?? true;
  const order = (platform === 'ECS' ? ECS_LIFECYCLE_EVENTS : LAMBDA_LIFECYCLE_EVENTS).filter(
    (e) => !(platform === 'ECS' && options.testListener === false && e === 'AfterAllowTestTraffic'),
  );
  for (const event of Object.keys(options.hooks)) {
    if (!order.includes(event as LifecycleEventName)) {
      throw new Error(
        `${event} is not a lifecycle event of this ${platform} deployment (expected one of ${order.join(', ')})`,
      );
    }
  }
  const functionOf = (event: LifecycleEventName): string =>
    options.hooks[event]?.functionName ?? `CodeDeployHook_${event}`;
  const hookNames = Object.fromEntries(
    order.filter((e) => options.hooks[e]).map((e) => [e, functionOf(e)]),
  ) as Partial<Record<LifecycleEventName, string>>;
  const lambdaFunction = options.lambdaFunction ?? {
    name: 'simulated-function',
    alias: 'live',
    currentVersion: '1',
    targetVersion: '2',
  };
  const built =
    platform === 'ECS'
      ? buildAppSpec({
          platform: 'ECS',
          taskDefinition: 'arn:aws:ecs:us-east-1:000000000000:task-definition/simulated:2',
          containerName: 'app',
          containerPort: 8080,
          hooks: hookNames,
        })
      : buildAppSpec({
          platform: 'Lambda',
          functionName: lambdaFunction.name,
          alias: lambdaFunction.alias,
          currentVersion: lambdaFunction.currentVersion,
          targetVersion: lambdaFunction.targetVersion,
          hooks: hookNames,
        });

  const started = now();
  const timeline: TimelineEntry[] = [];
  const push = (entry: TimelineEntry): void => {
    timeline.push(entry);
    options.onTimeline?.(entry);
  };
  const at = () => now() - started;

  // Which event each function serves and how many invocations each execution has had.
  const byFunction = new Map<string, LifecycleEventName>();
  for (const event of order) if (options.hooks[event]) byFunction.set(functionOf(event), event);
  const invocationCounts = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  const handlers = new Map<string, (event: unknown, context: LambdaContextLike) => Promise<unknown>>();
  const functions = new Map<string, SimFunction>();
  if (platform === 'Lambda' && lambdaFunction.fn) functions.set(lambdaFunction.name, lambdaFunction.fn);

  const deployment: StandInDeployment = {
    deploymentId,
    applicationName: options.applicationName ?? 'simulated-app',
    deploymentGroupName: options.deploymentGroupName ?? 'simulated-group',
    computePlatform: platform,
    appSpecContent: built.content,
    appSpecSha256: built.sha256,
    status: 'Created',
  };
  const services =
    options.services ?? (options.stateMachines?.length ? createAwsStandInServices({ now }) : undefined);
  let currentEvent: LifecycleEventName | undefined;
  const executions = new Set<Promise<unknown>>();
  const standIn = await startAwsStandIn({
    deployment,
    functions,
    clock,
    ...(services ? { services } : {}),
    onInvoke: (invoke) => {
      // A continuation: the runtime invoked itself asynchronously.
      const name = bareFunctionName(invoke.functionName);
      const event = byFunction.get(name);
      if (event) run(event, name, invoke.payload, { continued: true, duplicate: false });
    },
  });
  const clientConfig = { endpoint: standIn.url, region, credentials: FAKE_CREDENTIALS, maxAttempts: 2 };
  const clients = {
    codedeploy: clock.instrument(new CodeDeployClient(clientConfig)),
    lambda: clock.instrument(new LambdaClient(clientConfig)),
    endpoint: standIn.url,
    region,
    credentials: { ...FAKE_CREDENTIALS },
    clock,
  };

  const eventNow = () => (currentEvent ? { event: currentEvent } : {});
  if (services && options.stateMachines?.length) {
    const machines = new Map<
      string,
      { machine: SimStateMachine; functions: Record<string, LocalLambdaHandler> }
    >();
    for (const machine of options.stateMachines) {
      const functions: Record<string, LocalLambdaHandler> = {};
      for (const [name, build] of Object.entries(machine.functions)) {
        functions[name] = build({
          ...clients,
          note: (text) => push({ kind: 'execution', ...eventNow(), execution: name, text, at: at() }),
        });
      }
      machines.set(machine.arn, { machine, functions });
      services.state.stateMachines.set(machine.arn, { definition: machine.definition });
    }
    services.runExecution = (execution) => {
      const bound = machines.get(execution.stateMachineArn);
      if (!bound)
        return Promise.resolve({ error: { name: 'States.Runtime', message: 'no such state machine' } });
      const line = (text: string) =>
        push({ kind: 'execution', ...eventNow(), execution: execution.name, text, at: at() });
      line(`execution ${execution.name} started`);
      const run = clock
        .track(
          runStateMachineLocally(bound.machine.definition, JSON.parse(execution.input), {
            functions: bound.functions,
            codedeploy: clients.codedeploy,
            onEvent: (e) => {
              for (const text of bound.machine.describe?.(e) ?? []) line(text);
            },
            execution: {
              Id: execution.executionArn,
              Name: execution.name,
              StartTime: new Date(execution.startDate).toISOString(),
            },
          }),
        )
        .then((result) => {
          line(
            result.error
              ? `execution ${execution.name} FAILED: ${result.error.name}${result.error.message ? ` (${result.error.message})` : ''}`
              : `execution ${execution.name} SUCCEEDED`,
          );
          return { output: result.output, ...(result.error ? { error: result.error } : {}) };
        });
      executions.add(run);
      void run.finally(() => executions.delete(run)).catch(() => {});
      return run;
    };
  }

  for (const [name, event] of byFunction) {
    const spec = options.hooks[event] as LifecycleHookSpec;
    const note = (text: string): void => push({ kind: 'note', event, functionName: name, text, at: at() });
    if (spec.handler) handlers.set(name, spec.handler({ ...clients, note }));
    else if (spec.step) {
      handlers.set(
        name,
        createHookHandler(spec.step, {
          logger: options.logger ?? silentLogger,
          now: clock.now,
          sleep: clock.sleep,
          ...spec.handlerOptions,
          clients,
        }) as (event: unknown, context: LambdaContextLike) => Promise<unknown>,
      );
    } else throw new Error(`hook ${event} needs a step or a handler`);
  }

  function run(
    event: LifecycleEventName,
    functionName: string,
    payload: unknown,
    how: { continued: boolean; duplicate: boolean; retry?: number },
  ): Promise<void> {
    const spec = options.hooks[event] as LifecycleHookSpec;
    const handler = handlers.get(functionName);
    const executionId = String(
      (payload as { LifecycleEventHookExecutionId?: unknown })?.LifecycleEventHookExecutionId ?? '',
    );
    const invocation = (invocationCounts.get(executionId) ?? 0) + 1;
    invocationCounts.set(executionId, invocation);
    push({
      kind: 'invoke',
      event,
      functionName,
      invocation,
      continued: how.continued,
      duplicate: how.duplicate,
      ...(how.retry ? { retry: how.retry } : {}),
      at: at(),
    });
    const timeoutMs = spec.timeoutMs ?? 15 * 60_000;
    const invokedAt = now();
    const context: LambdaContextLike = {
      functionName,
      invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
      functionVersion: '$LATEST',
      awsRequestId: randomUUID(),
      getRemainingTimeInMillis: () => Math.max(0, invokedAt + timeoutMs - now()),
    };
    const retries = Math.min(2, Math.max(0, spec.retryAttempts ?? 2));
    const promise = (async () => {
      try {
        if (!handler) throw new Error(`no handler for ${functionName}`);
        await handler(payload, context);
      } catch (error) {
        push({ kind: 'invoke-error', event, functionName, error: errorMessage(error), at: at() });
        // Lambda retries an asynchronous invocation that ended in an error: after 1 minute, then 2.
        const retry = (how.retry ?? 0) + 1;
        if (retry <= retries && !how.duplicate) {
          await clock.sleep(ASYNC_RETRY_DELAYS_MS[retry - 1] ?? 120_000);
          void run(event, functionName, payload, { ...how, retry });
        }
      }
    })();
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
    return promise;
  }

  async function settle(): Promise<void> {
    while (inFlight.size || executions.size) await Promise.allSettled([...inFlight, ...executions]);
  }

  let seenReports = 0;
  const flushReports = (): void => {
    for (; seenReports < standIn.reports.length; seenReports++) {
      const r = standIn.reports[seenReports];
      if (!r) continue;
      push({
        kind: 'report',
        ...(r.event ? { event: r.event } : {}),
        status: r.status,
        accepted: r.accepted,
        ...(r.error ? { error: r.error } : {}),
        at: r.at - started,
      });
    }
  };
  const setStatus = (d: StandInDeployment, status: DeploymentStatus, message?: string): void => {
    d.status = status;
    push({
      kind: 'deployment',
      deploymentId: d.deploymentId,
      status,
      at: at(),
      ...(message ? { message } : {}),
      ...(d.rollbackInfo?.rollbackTriggeringDeploymentId
        ? { rollbackOf: d.rollbackInfo.rollbackTriggeringDeploymentId }
        : {}),
    });
  };
  const act = (action: string): void => push({ kind: 'action', action, at: at() });
  const moveAlias = (version: string): void => {
    const fn = functions.get(lambdaFunction.name);
    if (fn) fn.aliases[lambdaFunction.alias] = version;
  };

  /** Runs one event's hook; resolves with its status. */
  async function runHook(event: LifecycleEventName, spec: LifecycleHookSpec): Promise<HookStatus> {
    const functionName = functionOf(event);
    currentEvent = event;
    const execution = standIn.openHookExecution(event);
    const eventStart = now();
    push({ kind: 'event-start', event, functionName, hookExecutionId: execution.id, at: at() });
    const payload = { DeploymentId: deploymentId, LifecycleEventHookExecutionId: execution.id };
    void run(event, functionName, payload, { continued: false, duplicate: false });
    const stopTimer = new AbortController();
    const outcome = await Promise.race([
      execution.reported,
      clock.sleep(hookTimeoutMs, stopTimer.signal).then(() => 'timeout' as const),
    ]);
    stopTimer.abort();
    if (spec.duplicate && outcome !== 'timeout') {
      void run(event, functionName, payload, { continued: false, duplicate: true });
    }
    if (outcome !== 'timeout') await settle();
    flushReports();
    const hookStatus: HookStatus = outcome === 'timeout' ? 'Failed' : outcome;
    push({
      kind: 'event-end',
      event,
      functionName,
      hookExecutionId: execution.id,
      status: hookStatus,
      how: outcome === 'timeout' ? 'timeout' : 'reported',
      invocations: invocationCounts.get(execution.id) ?? 0,
      durationMs: now() - eventStart,
      at: at(),
    });
    return hookStatus;
  }

  let status: 'Succeeded' | 'Failed' | 'Stopped' = 'Succeeded';
  let failedEvent: LifecycleEventName | undefined;
  let production: TrafficTarget = 'original';
  let rollbackDeploymentId: string | undefined;
  if (platform === 'Lambda') moveAlias(lambdaFunction.currentVersion);
  setStatus(deployment, 'Created');
  try {
    if (options.queuedMs) {
      setStatus(deployment, 'Queued', 'another deployment to the group is in progress');
      await clock.sleep(options.queuedMs);
    }
    setStatus(deployment, 'InProgress');
    for (const event of order) {
      const spec = options.hooks[event];
      if (!spec) {
        push({ kind: 'event-start', event, at: at() });
        push({
          kind: 'event-end',
          event,
          status: 'Succeeded',
          how: 'no-hook',
          invocations: 0,
          durationMs: 0,
          at: at(),
        });
      } else if ((await runHook(event, spec)) === 'Failed') {
        status = 'Failed';
        failedEvent = event;
        break;
      }
      // StopDeployment (an operator, a CI job) takes effect when the running event ends.
      if (deployment.stopRequested) {
        status = 'Stopped';
        failedEvent = event;
        break;
      }
      const action = ACTION_AFTER[platform][event];
      if (action) act(action);
      if (
        platform === 'ECS' &&
        options.readyWaitMs !== undefined &&
        event === READY_AFTER[order.includes('AfterAllowTestTraffic') ? 0 : 1]
      ) {
        setStatus(deployment, 'Ready', 'waiting for ContinueDeployment before rerouting production traffic');
        const until = now() + options.readyWaitMs;
        while (!deployment.continueRequested && now() < until)
          await clock.sleep(Math.min(10_000, until - now()));
        if (!deployment.continueRequested) {
          status = 'Stopped';
          failedEvent = event;
          break;
        }
        setStatus(deployment, 'InProgress', 'ContinueDeployment: rerouting production traffic');
      }
      if (event === SHIFT_EVENT) {
        production = 'replacement';
        if (platform === 'Lambda') moveAlias(lambdaFunction.targetVersion);
      }
    }
    if (status === 'Succeeded' && platform === 'ECS' && options.terminationWaitMs) {
      act(`wait ${formatDuration(options.terminationWaitMs)} before terminating the original task set`);
      await clock.sleep(options.terminationWaitMs);
    }
    if (status === 'Succeeded' && platform === 'ECS') act('terminate the original task set');
    const message =
      status === 'Stopped'
        ? deployment.stopRequested
          ? `stopped by StopDeployment after ${failedEvent}`
          : `no ContinueDeployment within the ready wait of ${formatDuration(options.readyWaitMs ?? 0)}`
        : failedEvent
          ? `${failedEvent} hook reported Failed`
          : undefined;
    const rollBack =
      status === 'Stopped'
        ? Boolean(deployment.stopRequested?.autoRollbackEnabled)
        : status === 'Failed' && autoRollback;
    if (rollBack) {
      rollbackDeploymentId = newDeploymentId();
      deployment.rollbackInfo = {
        rollbackDeploymentId,
        rollbackMessage: `Rollback deployment ${rollbackDeploymentId} started: the deployment ${status === 'Stopped' ? 'was stopped' : 'failed'} at ${failedEvent}`,
      };
      if (status === 'Failed')
        deployment.errorInformation = { code: 'HOOK_EXECUTION_FAILURE', message: message ?? 'failed' };
      setStatus(deployment, status === 'Stopped' ? 'Stopped' : 'Failed', message);
      const rollback: StandInDeployment = {
        ...deployment,
        deploymentId: rollbackDeploymentId,
        status: 'Created',
        rollbackInfo: { rollbackTriggeringDeploymentId: deploymentId },
        description: `Rollback of ${deploymentId}`,
      };
      delete rollback.errorInformation;
      standIn.addDeployment(rollback);
      delete rollback.stopRequested;
      setStatus(
        rollback,
        'Created',
        status === 'Stopped'
          ? `rollback of ${deploymentId} (StopDeployment with autoRollbackEnabled)`
          : `automatic rollback of ${deploymentId} (the group's auto-rollback is on)`,
      );
      setStatus(rollback, 'InProgress');
      if (platform === 'ECS') {
        act(
          production === 'replacement'
            ? 'route production traffic back to the original task set'
            : 'production traffic is still on the original task set',
        );
        act('terminate the replacement task set');
      } else {
        act(
          production === 'replacement'
            ? `shift the alias back to version ${lambdaFunction.currentVersion}`
            : `the alias still names version ${lambdaFunction.currentVersion}`,
        );
        moveAlias(lambdaFunction.currentVersion);
      }
      production = 'original';
      deployment.rollbackInfo.rollbackMessage = `Rollback deployment ${rollbackDeploymentId} succeeded`;
      setStatus(rollback, 'Succeeded');
    } else if (status === 'Stopped') {
      act(
        `no rollback: production traffic stays on the ${production === 'replacement' ? 'new' : 'original'} version`,
      );
      setStatus(deployment, 'Stopped', message);
    } else if (status === 'Failed') {
      deployment.errorInformation = { code: 'HOOK_EXECUTION_FAILURE', message: message ?? 'failed' };
      act(
        production === 'replacement'
          ? `no rollback (the group's auto-rollback is off): production traffic stays on the ${platform === 'ECS' ? 'replacement task set' : `target version ${lambdaFunction.targetVersion}`}`
          : `no rollback (the group's auto-rollback is off): production traffic stays on the ${platform === 'ECS' ? 'original task set' : `current version ${lambdaFunction.currentVersion}`}`,
      );
      setStatus(deployment, 'Failed', message);
    } else {
      setStatus(deployment, 'Succeeded');
    }
    const aliasVersion = functions.get(lambdaFunction.name)?.aliases[lambdaFunction.alias];
    return {
      deploymentId,
      status,
      ...(status === 'Stopped' && failedEvent ? { stoppedAfter: failedEvent } : {}),
      ...(failedEvent ? { failedEvent } : {}),
      ...(rollbackDeploymentId ? { rollbackDeploymentId } : {}),
      deployments: [...standIn.deployments.values()],
      production,
      ...(platform === 'Lambda'
        ? {
            aliasVersion:
              aliasVersion ??
              (production === 'replacement' ? lambdaFunction.targetVersion : lambdaFunction.currentVersion),
          }
        : {}),
      timeline,
      reports: standIn.reports,
      invokes: standIn.invokes,
    };
  } finally {
    // A hook that never reported may still be running; do not wait for it past the timeout.
    clients.codedeploy.destroy();
    clients.lambda.destroy();
    await standIn.close();
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

/**
 * Renders a timeline as aligned text lines: each lifecycle event, the hook it ran, and the status it reported.
 *
 * @example
 * for (const line of formatTimeline(result.timeline)) console.log(line);
 */
export function formatTimeline(timeline: TimelineEntry[]): string[] {
  const ms = (n: number) => `${String(Math.round(n)).padStart(8)} ms`;
  const lines: string[] = [];
  for (const e of timeline) {
    switch (e.kind) {
      case 'deployment':
        lines.push(
          `${ms(e.at)}  deployment ${e.deploymentId} ${e.status}${e.rollbackOf && e.status === 'Created' ? ` (rollback of ${e.rollbackOf})` : ''}${e.message ? `: ${e.message}` : ''}`,
        );
        break;
      case 'action':
        lines.push(`${ms(e.at)}    · ${e.action}`);
        break;
      case 'event-start':
        lines.push(
          `${ms(e.at)}  ${e.event.padEnd(22)} ${e.functionName ? `→ ${e.functionName}` : '(no hook)'}`,
        );
        break;
      case 'invoke':
        if (e.continued || e.duplicate || e.invocation > 1) {
          lines.push(
            `${ms(e.at)}      invoke #${e.invocation}${e.continued ? ' (continuation)' : ''}${e.duplicate ? ' (duplicate delivery)' : ''}${e.retry ? ` (Lambda's retry ${e.retry} of 2 after an error)` : ''}`,
          );
        }
        break;
      case 'note':
        lines.push(`${ms(e.at)}      ${e.text}`);
        break;
      case 'invoke-error':
        lines.push(`${ms(e.at)}      invocation error: ${e.error}`);
        break;
      case 'execution':
        lines.push(`${ms(e.at)}      ↳ ${e.text}`);
        break;
      case 'report':
        lines.push(
          `${ms(e.at)}      reported ${e.status}${e.accepted ? '' : ` (refused: ${e.error ?? 'error'})`}`,
        );
        break;
      case 'event-end':
        if (e.how === 'no-hook') break;
        lines.push(
          `${ms(e.at)}  ${e.event.padEnd(22)} ${e.status}${e.how === 'timeout' ? ' (no report in time)' : ''} after ${Math.round(e.durationMs)} ms, ${e.invocations} invocation${e.invocations === 1 ? '' : 's'}`,
        );
        break;
    }
  }
  return lines;
}
