import {
  CodeDeployClient,
  type LifecycleEventStatus,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import { BgReplayError, type Logger } from '@bg-replay/core';
import type { HookStep, StepResult } from '@bg-replay/core/hooks';
import {
  annotateAwsCalls,
  awsClientConfig,
  canContinue,
  classifyAwsError,
  DEFAULT_HOOK_BUDGET,
  describeAwsError,
  type HookBudget,
  isAwsError,
  planInvocation,
  remainingBefore,
} from '@bg-replay/core/internal';
import { z } from 'zod';
import { loadAwsSdk } from './_loadAwsSdk.js';
import { errorMessage, errorName, realNow, realSleep } from './_time.js';
import { formatIssues } from './_zod.js';
import { createJsonLogger } from './createJsonLogger.js';
import { type DeploymentContext, resolveDeploymentContext } from './resolveDeploymentContext.js';
import type {
  HookEvent,
  HookStatus,
  LambdaContextLike,
  LifecycleEventName,
  NowFn,
  SleepFn,
} from './types.js';

/** What the Lambda runtime adds to the context of every step (see `HookStep` of `@bg-replay/core/hooks`). */
export interface LambdaHookRuntime<S = unknown> {
  event: HookEvent<S>;
  lambdaContext: LambdaContextLike;
  /** Resolved from `GetDeployment` and the AppSpec (only the ids when `resolveContext` is false). */
  deployment: DeploymentContext;
  /**
   * `lambda` is the one given in the handler's options; without it, code that needs Lambda makes a client
   * from the optional `@aws-sdk/client-lambda` when it first does.
   */
  clients: { codedeploy: CodeDeployClient; lambda?: LambdaClient };
}

/** Options of {@link createHookHandler}. */
export interface HookHandlerOptions {
  clients?: { codedeploy?: CodeDeployClient; lambda?: LambdaClient; s3?: S3Client };
  /** Structured logger. Default: JSON lines on stdout (CloudWatch in Lambda). */
  logger?: Logger;
  now?: NowFn;
  sleep?: SleepFn;
  /** Time kept before the Lambda timeout for reporting or continuing. Default 10 000 ms (`DEFAULT_HOOK_BUDGET`). */
  reserveMs?: number;
  /** Budget from the first start after which the hook reports Failed (CodeDeploy gives up at one hour). Default 55 min. */
  maxTotalMs?: number;
  /** Most invocations in one hook execution (guards a continuation loop that makes no progress). Default 20. */
  maxInvocations?: number;
  /** Largest continuation payload (asynchronous Invoke accepts 256 KB). Default 256 000 bytes. */
  maxPayloadBytes?: number;
  /** Forces the lifecycle event instead of finding this function in the AppSpec. */
  lifecycleEvent?: LifecycleEventName;
  /** Call `GetDeployment` and read the AppSpec before the step. Default true. */
  resolveContext?: boolean;
  /** Name in log lines. */
  name?: string;
}

/** Who needs a missing permission, in the reasons the hook reports. */
const HOOK_PRINCIPAL = "the hook function's execution role";

/** What one invocation did; also the handler's resolved value (Lambda ignores it for async invokes). */
export interface HookOutcome {
  /** `Continued`: a fresh invocation carries on; nothing was reported yet. */
  status: HookStatus | 'Continued' | 'HandedOff';
  reason?: string;
  /** True when CodeDeploy had already recorded a status (a duplicate invocation). */
  alreadyCompleted?: boolean;
  /**
   * False when the status could not be reported (after the client's retries): logged as an error, never
   * thrown (a Lambda retry would run the step again); CodeDeploy fails the hook at its timeout.
   */
  reported?: boolean;
  invocation: number;
}

const eventSchema = z.object({
  DeploymentId: z.string().min(1),
  LifecycleEventHookExecutionId: z.string().min(1),
  bgReplay: z
    .object({
      continuation: z.unknown(),
      startedAt: z.iso.datetime({ offset: true }),
      invocation: z.number().int().positive().optional(),
    })
    .optional(),
});

const TIMEOUT = Symbol('timeout');

/**
 * Wraps a step into a CodeDeploy lifecycle hook handler that always reports.
 *
 * - Every path (return, throw, reject, deadline, bad config, bad event) ends in
 *   `PutLifecycleEventHookExecutionStatus` with `Succeeded` or `Failed`, sent in `finally`.
 * - The step (the one `HookStep` of `@bg-replay/core/hooks`, with {@link LambdaHookRuntime} added to its
 *   context) races the deadline `planInvocation` gives: `reserveMs` before the Lambda timeout, never past the
 *   hook's budget. At the deadline, or when the step returns
 *   `{ status: 'continue', state }`, the handler invokes itself asynchronously with the ids and the state
 *   (the last `checkpoint`), unless the hook's one-hour budget is spent, which reports `Failed`.
 * - `LifecycleEventAlreadyCompletedException` means a duplicate invocation: logged, not an error.
 *
 * @example
 * export const handler = createHookHandler(async ({ deployment, logger }) => {
 *   logger.info('checking', { event: deployment.lifecycleEvent });
 *   const ok = await smokeTest();
 *   return ok ? { status: 'Succeeded' } : { status: 'Failed', reason: 'smoke test failed' };
 * });
 */
export function createHookHandler<S = unknown>(
  step: HookStep<S, LambdaHookRuntime<S>>,
  options: HookHandlerOptions = {},
): (event: HookEvent<S>, context: LambdaContextLike) => Promise<HookOutcome> {
  // One client policy: timeouts (a VPC without a route to CodeDeploy fails in seconds) and the SDK's retries.
  const codedeploy =
    options.clients?.codedeploy ?? annotateAwsCalls(new CodeDeployClient(awsClientConfig()), 'codedeploy');
  // Lambda is needed only to continue in a new invocation: its client is made then (an optional peer).
  let lambda = options.clients?.lambda;
  const baseLogger = options.logger ?? createJsonLogger();
  const now = options.now ?? realNow;
  const sleep = options.sleep ?? realSleep;
  const budget: HookBudget = {
    reserveMs: options.reserveMs ?? DEFAULT_HOOK_BUDGET.reserveMs,
    maxTotalMs: options.maxTotalMs ?? DEFAULT_HOOK_BUDGET.maxTotalMs,
    maxInvocations: options.maxInvocations ?? DEFAULT_HOOK_BUDGET.maxInvocations,
  };
  const maxPayloadBytes = options.maxPayloadBytes ?? 256_000;

  return async function handler(rawEvent, lambdaContext) {
    const invokedAt = now();
    const parsed = eventSchema.safeParse(rawEvent);
    const ids = rawEvent as Partial<HookEvent>;
    if (
      !parsed.success &&
      (typeof ids?.DeploymentId !== 'string' || typeof ids?.LifecycleEventHookExecutionId !== 'string')
    ) {
      // Without both ids nothing can be reported; CodeDeploy always sends them, so this is not a hook event.
      withFields(baseLogger, {}).error('not a CodeDeploy hook event: nothing to report to', {
        issues: formatIssues(parsed.error),
      });
      return { status: 'Failed', reason: 'not a CodeDeploy hook event', invocation: 0 };
    }
    const deploymentId = ids.DeploymentId as string;
    const executionId = ids.LifecycleEventHookExecutionId as string;
    const carried = parsed.success ? parsed.data.bgReplay : undefined;
    const invocation = carried?.invocation ?? (carried ? 2 : 1);
    const startedAtMs = carried ? Date.parse(carried.startedAt) : invokedAt;
    const log = withFields(baseLogger, {
      ...(options.name ? { hook: options.name } : {}),
      deploymentId,
      lifecycleEventHookExecutionId: executionId,
      invocation,
      ...(lambdaContext?.awsRequestId ? { requestId: lambdaContext.awsRequestId } : {}),
    });

    let status: HookStatus = 'Failed';
    let reason: string | undefined = 'the hook ended without a result';
    let continueWith: { state: S } | undefined;
    let handedOff: string | undefined;

    try {
      if (!parsed.success) throw new Error(`malformed hook event: ${formatIssues(parsed.error)}`);
      const plan = planInvocation(
        {
          now: invokedAt,
          startedAt: startedAtMs,
          invocation,
          lambdaRemainingMs: safeRemaining(lambdaContext),
        },
        budget,
      );
      if (plan.status === 'exhausted') throw new Error(plan.reason);
      const { deadline } = plan;
      log.info('hook started', {
        startedAt: new Date(startedAtMs).toISOString(),
        continued: carried !== undefined,
        budgetMs: remainingBefore(deadline, invokedAt),
      });

      const abort = new AbortController();
      const timerStop = new AbortController();
      let checkpointed: { state: S } | undefined = carried ? { state: carried.continuation as S } : undefined;
      const work = (async (): Promise<StepResult<S> | undefined> => {
        const deployment: DeploymentContext =
          options.resolveContext === false
            ? {
                deploymentId,
                lifecycleEvents: [],
                deployment: {},
                ...(options.lifecycleEvent ? { lifecycleEvent: options.lifecycleEvent } : {}),
              }
            : await resolveDeploymentContext({
                deploymentId,
                functionName: lambdaContext?.functionName,
                lifecycleEvent: options.lifecycleEvent,
                codedeploy,
                ...(options.clients?.s3 ? { s3: options.clients.s3 } : {}),
                principal: HOOK_PRINCIPAL,
              }).catch((error: unknown) => {
                throw new Error(`cannot resolve the deployment context: ${errorMessage(error)}`, {
                  cause: error,
                });
              });
        log.info('deployment context', {
          lifecycleEvent: deployment.lifecycleEvent ?? null,
          computePlatform: deployment.computePlatform ?? null,
          applicationName: deployment.applicationName ?? null,
          deploymentGroupName: deployment.deploymentGroupName ?? null,
        });
        return step({
          event: parsed.data as HookEvent<S>,
          lambdaContext,
          deployment,
          continuation: carried?.continuation as S | undefined,
          invocation,
          startedAt: new Date(startedAtMs),
          deadline,
          remainingMs: () => remainingBefore(deadline, now()),
          signal: abort.signal,
          checkpoint: (state) => {
            checkpointed = { state };
          },
          logger: log,
          clients: { codedeploy, ...(lambda ? { lambda } : {}) },
        });
      })();
      work.catch(() => {}); // a rejection after the deadline must not surface as unhandled
      const timer = sleep(remainingBefore(deadline, now()), timerStop.signal).then(
        (): typeof TIMEOUT => TIMEOUT,
      );
      let result: Awaited<typeof work> | typeof TIMEOUT;
      try {
        result = await Promise.race([work, timer]);
      } finally {
        // Also when the step threw: a pending deadline timer would keep the process (or harness) alive.
        timerStop.abort();
      }

      if (result === TIMEOUT) {
        abort.abort(new Error('hook deadline reached'));
        const overHour = !canContinue(now(), startedAtMs, budget);
        if (checkpointed && !overHour) {
          log.warn('deadline reached: continuing from the last checkpoint');
          continueWith = checkpointed;
        } else {
          throw new Error(
            overHour
              ? `the hook did not finish within its budget of ${Math.round(budget.maxTotalMs / 1000)} s`
              : 'the hook did not finish before the Lambda timeout and left no checkpoint to continue from',
          );
        }
      } else if (result && result.status === 'handedOff') {
        handedOff = result.message;
      } else if (result && result.status === 'continue') {
        continueWith = { state: result.state };
      } else if (result && result.status === 'Failed') {
        status = 'Failed';
        reason = result.reason;
      } else {
        status = 'Succeeded';
        reason = undefined;
      }
    } catch (error) {
      status = 'Failed';
      reason = reasonOf(error);
      log.error('hook failed', { error, reason });
    }
    // Every path reaches this point: the catch above takes every throw and rejection, and the logger
    // cannot throw (see withFields), so the report below is never skipped.
    if (handedOff !== undefined) {
      log.info('handed off: the status is reported by the state machine', { message: handedOff });
      return { status: 'HandedOff', reason: handedOff, invocation };
    }
    if (continueWith) {
      try {
        await invokeSelf(continueWith.state);
        log.info('continuing in a new invocation', { nextInvocation: invocation + 1 });
        return { status: 'Continued', invocation };
      } catch (error) {
        status = 'Failed';
        reason = `cannot continue the hook in a new invocation: ${reasonOf(error, { action: 'lambda:InvokeFunction' })}`;
        log.error('continuation failed', { error, reason });
      }
    }
    return await report(status, reason);

    async function invokeSelf(state: S): Promise<void> {
      if (!canContinue(now(), startedAtMs, budget)) throw new Error('no time left in the hook budget');
      const payload: HookEvent<S> = {
        DeploymentId: deploymentId,
        LifecycleEventHookExecutionId: executionId,
        bgReplay: {
          continuation: state,
          startedAt: new Date(startedAtMs).toISOString(),
          invocation: invocation + 1,
        },
      };
      const bytes = Buffer.from(JSON.stringify(payload));
      if (bytes.byteLength > maxPayloadBytes) {
        throw new Error(
          `continuation state is ${bytes.byteLength} bytes, more than ${maxPayloadBytes}: keep large state in S3`,
        );
      }
      const functionName = lambdaContext?.invokedFunctionArn ?? lambdaContext?.functionName;
      if (!functionName) throw new Error('the Lambda context has no function name to invoke');
      const sdk = await loadAwsSdk('lambda', 'continuing the hook in a new invocation');
      lambda ??= annotateAwsCalls(new sdk.LambdaClient(awsClientConfig()), 'lambda');
      // The client's retry strategy retries a throttled Invoke (which did not run, so it cannot start twice).
      await lambda.send(
        new sdk.InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: bytes }),
      );
    }

    async function report(finalStatus: HookStatus, why: string | undefined): Promise<HookOutcome> {
      const done = { status: finalStatus, ...(why ? { reason: why } : {}), invocation };
      try {
        // One send: the client's retry strategy has retried throttling and server errors inside it.
        await codedeploy.send(
          new PutLifecycleEventHookExecutionStatusCommand({
            deploymentId,
            lifecycleEventHookExecutionId: executionId,
            status: finalStatus satisfies LifecycleEventStatus,
          }),
        );
        log.info('hook reported', {
          status: finalStatus,
          ...(why ? { reason: why } : {}),
          elapsedMs: now() - invokedAt,
        });
        return done;
      } catch (error) {
        if (errorName(error) === 'LifecycleEventAlreadyCompletedException') {
          log.info('hook already reported by an earlier invocation', { status: finalStatus });
          return { ...done, alreadyCompleted: true };
        }
        const problem = describeAwsError(error, {
          action: 'codedeploy:PutLifecycleEventHookExecutionStatus',
          resource: `deployment ${deploymentId}, hook execution ${executionId}`,
          principal: HOOK_PRINCIPAL,
          notFound:
            'the deployment or hook execution no longer exists (deleted or stopped): nothing to report to',
        });
        // Never rethrown: Lambda would retry the event and run the whole step (a replay against
        // production) again. CodeDeploy fails the hook at its timeout; the log says why.
        log.error(`CANNOT REPORT ${finalStatus} TO CODEDEPLOY: ${problem}`, {
          status: finalStatus,
          ...(why ? { reason: why } : {}),
          errorKind: classifyAwsError(error),
          error,
        });
        return { ...done, reported: false };
      }
    }
  };
}

/** The reason reported for a thrown error: AWS errors described with the permission or remedy. */
function reasonOf(error: unknown, call: { action?: string } = {}): string {
  if (error instanceof BgReplayError) return error.message;
  if (isAwsError(error)) return describeAwsError(error, { ...call, principal: HOOK_PRINCIPAL });
  return errorMessage(error);
}

function safeRemaining(context: LambdaContextLike | undefined): number {
  try {
    const ms = context?.getRemainingTimeInMillis();
    return typeof ms === 'number' && Number.isFinite(ms) ? ms : 15 * 60_000;
  } catch {
    return 15 * 60_000;
  }
}

/** Adds fixed fields to every line of any {@link Logger}; a logger that throws is ignored, never fatal. */
function withFields(logger: Logger, fields: Record<string, unknown>): Logger {
  const call = (level: keyof Logger) => (message: string, data?: Record<string, unknown>) => {
    try {
      logger[level](message, { ...fields, ...data });
    } catch {
      // logging must never stop the hook from reporting
    }
  };
  return { debug: call('debug'), info: call('info'), warn: call('warn'), error: call('error') };
}
