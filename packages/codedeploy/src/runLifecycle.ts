import { randomUUID } from 'node:crypto';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { type Logger, silentLogger } from '@bg-replay/core';
import { errorMessage, realNow } from './_time.js';
import { bareFunctionName, buildAppSpec } from './appSpec.js';
import type { AwsStandInServices } from './createAwsStandInServices.js';
import { createHookHandler, type HookHandlerOptions, type HookStep } from './createHookHandler.js';
import {
  type CodeDeployStandIn,
  type ReceivedInvoke,
  startCodeDeployStandIn,
} from './startCodeDeployStandIn.js';
import {
  ECS_LIFECYCLE_EVENTS,
  type HookPlatform,
  type HookStatus,
  LAMBDA_LIFECYCLE_EVENTS,
  type LambdaContextLike,
  type LifecycleEventName,
} from './types.js';

/** Static fake credentials: the stand-in does not check signatures, and nothing real is ever called. */
export const FAKE_CREDENTIALS = {
  accessKeyId: 'AKIDBGREPLAYLOCAL',
  secretAccessKey: 'bg-replay-local-secret',
} as const;

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
}

/** A hook in the harness: a step (wrapped by `createHookHandler`) or a handler of your own. */
export interface LifecycleHookSpec {
  /** Default `CodeDeployHook_<event>`. */
  functionName?: string;
  step?: HookStep;
  /** Extra options for `createHookHandler` (clients are set by the harness). */
  handlerOptions?: Omit<HookHandlerOptions, 'clients'>;
  /** A raw Lambda handler built with the harness clients (used instead of `step`). */
  handler?: (clients: HarnessClients) => (event: unknown, context: LambdaContextLike) => Promise<unknown>;
  /** Lambda timeout of each invocation in ms (to exercise continuations). Default 15 minutes. */
  timeoutMs?: number;
  /** Deliver the event twice, as Lambda may: the second report meets `LifecycleEventAlreadyCompletedException`. */
  duplicate?: boolean;
}

/** One line of the timeline. `at` is ms since the deployment started. */
export type TimelineEntry =
  | { kind: 'deployment'; status: 'InProgress' | 'Succeeded' | 'Failed'; at: number; message?: string }
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
      at: number;
    }
  | { kind: 'invoke-error'; event: LifecycleEventName; functionName: string; error: string; at: number }
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
  /** Real ms to wait for a hook's report (stands for CodeDeploy's hour). Default 60 000. */
  hookTimeoutMs?: number;
  region?: string;
  /** Logger given to every hook handler (default: silent). */
  logger?: Logger;
  now?: () => number;
  /**
   * In-memory AWS services served on the stand-in's endpoint for hooks that touch more than CodeDeploy
   * (see {@link createAwsStandInServices}); read their state after the run.
   */
  services?: AwsStandInServices;
  /** Called with each timeline entry as it happens (to print progress). */
  onTimeline?: (entry: TimelineEntry) => void;
}

/** The outcome of a simulated deployment. */
export interface LifecycleResult {
  deploymentId: string;
  status: 'Succeeded' | 'Failed';
  /** The lifecycle event that failed the deployment. */
  failedEvent?: LifecycleEventName;
  timeline: TimelineEntry[];
  /** Every status report the stand-in received, accepted or refused. */
  reports: CodeDeployStandIn['reports'];
  /** Every Lambda Invoke the stand-in received (continuations). */
  invokes: ReceivedInvoke[];
}

const ACTION_AFTER: Record<HookPlatform, Partial<Record<LifecycleEventName, string>>> = {
  ECS: {
    BeforeInstall: 'create the replacement task set',
    AfterInstall: 'route test traffic to the replacement task set',
    BeforeAllowTraffic: 'route production traffic to the replacement task set',
  },
  Lambda: { BeforeAllowTraffic: 'shift the alias to the target version' },
};

/**
 * Runs a blue/green deployment's hook sequence on one machine, in CodeDeploy's order, with the real SDK
 * clients pointed at a loopback stand-in for CodeDeploy and Lambda. Each hook is invoked like CodeDeploy
 * does (an event with the two ids), its status report is awaited, continuations are delivered as new
 * invocations with a fresh Lambda clock, and a `Failed` (or silence) fails the deployment.
 *
 * @example
 * const result = await runLifecycle({
 *   platform: 'ECS',
 *   hooks: { AfterAllowTestTraffic: { functionName: 'CodeDeployHook_validate', step: createValidationHook(config) } },
 * });
 * result.status; // 'Succeeded'
 */
export async function runLifecycle(options: RunLifecycleOptions): Promise<LifecycleResult> {
  const now = options.now ?? realNow;
  const region = options.region ?? 'us-east-1';
  const platform = options.platform;
  const deploymentId = options.deploymentId ?? `d-SIM${randomUUID().slice(0, 6).toUpperCase()}`;
  const hookTimeoutMs = options.hookTimeoutMs ?? 60_000;
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
          functionName: 'simulated-function',
          alias: 'live',
          currentVersion: '1',
          targetVersion: '2',
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

  const standIn = await startCodeDeployStandIn({
    deployment: {
      deploymentId,
      applicationName: options.applicationName ?? 'simulated-app',
      deploymentGroupName: options.deploymentGroupName ?? 'simulated-group',
      computePlatform: platform,
      appSpecContent: built.content,
      appSpecSha256: built.sha256,
      status: 'InProgress',
    },
    ...(options.services ? { services: options.services } : {}),
    onInvoke: (invoke) => {
      // A continuation: the runtime invoked itself asynchronously.
      const name = bareFunctionName(invoke.functionName);
      const event = byFunction.get(name);
      if (event) run(event, name, invoke.payload, { continued: true, duplicate: false });
    },
    now,
  });
  const clientConfig = { endpoint: standIn.url, region, credentials: FAKE_CREDENTIALS, maxAttempts: 2 };
  const clients = {
    codedeploy: new CodeDeployClient(clientConfig),
    lambda: new LambdaClient(clientConfig),
    endpoint: standIn.url,
    region,
    credentials: { ...FAKE_CREDENTIALS },
  };

  for (const [name, event] of byFunction) {
    const spec = options.hooks[event] as LifecycleHookSpec;
    const note = (text: string): void => push({ kind: 'note', event, functionName: name, text, at: at() });
    if (spec.handler) handlers.set(name, spec.handler({ ...clients, note }));
    else if (spec.step) {
      handlers.set(
        name,
        createHookHandler(spec.step, {
          logger: options.logger ?? silentLogger,
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
    how: { continued: boolean; duplicate: boolean },
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
    const promise = (async () => {
      try {
        if (!handler) throw new Error(`no handler for ${functionName}`);
        await handler(payload, context);
      } catch (error) {
        push({ kind: 'invoke-error', event, functionName, error: errorMessage(error), at: at() });
      }
    })();
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
    return promise;
  }

  async function settle(): Promise<void> {
    while (inFlight.size) await Promise.allSettled([...inFlight]);
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

  let status: 'Succeeded' | 'Failed' = 'Succeeded';
  let failedEvent: LifecycleEventName | undefined;
  push({ kind: 'deployment', status: 'InProgress', at: at() });
  try {
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
      } else {
        const functionName = functionOf(event);
        const execution = standIn.openHookExecution(event);
        const eventStart = now();
        push({ kind: 'event-start', event, functionName, hookExecutionId: execution.id, at: at() });
        const payload = { DeploymentId: deploymentId, LifecycleEventHookExecutionId: execution.id };
        void run(event, functionName, payload, { continued: false, duplicate: false });
        let timer: NodeJS.Timeout | undefined;
        const outcome = await Promise.race([
          execution.reported,
          new Promise<'timeout'>((resolve) => {
            timer = setTimeout(() => resolve('timeout'), hookTimeoutMs);
          }),
        ]);
        clearTimeout(timer);
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
        if (hookStatus === 'Failed') {
          status = 'Failed';
          failedEvent = event;
          break;
        }
      }
      const action = ACTION_AFTER[platform][event];
      if (action) push({ kind: 'action', action, at: at() });
    }
    if (status === 'Failed')
      push({
        kind: 'action',
        action: 'roll back: production traffic stays on the original version',
        at: at(),
      });
    standIn.deployment.status = status;
    push({
      kind: 'deployment',
      status,
      at: at(),
      ...(failedEvent ? { message: `${failedEvent} hook reported Failed` } : {}),
    });
    return {
      deploymentId,
      status,
      ...(failedEvent ? { failedEvent } : {}),
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

/**
 * Renders a timeline as aligned text lines: each lifecycle event, the hook it ran, and the status it reported.
 *
 * @example
 * for (const line of formatTimeline(result.timeline)) console.log(line);
 */
export function formatTimeline(timeline: TimelineEntry[]): string[] {
  const ms = (n: number) => `${String(Math.round(n)).padStart(6)} ms`;
  const lines: string[] = [];
  for (const e of timeline) {
    switch (e.kind) {
      case 'deployment':
        lines.push(`${ms(e.at)}  deployment ${e.status}${e.message ? `: ${e.message}` : ''}`);
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
            `${ms(e.at)}      invoke #${e.invocation}${e.continued ? ' (continuation)' : ''}${e.duplicate ? ' (duplicate delivery)' : ''}`,
          );
        }
        break;
      case 'note':
        lines.push(`${ms(e.at)}      ${e.text}`);
        break;
      case 'invoke-error':
        lines.push(`${ms(e.at)}      invocation error: ${e.error}`);
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
