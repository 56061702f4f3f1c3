import {
  annotateAwsCall,
  classifyAwsError,
  describeAwsError,
  isAwsError,
  toAwsBgReplayError,
} from '@bg-replay/core';
import { HOOK_PRINCIPAL } from './awsErrors.js';
import type { Action, StepContext, StepKind, StepOutcome } from './model.js';
import type { StackId } from './stacksConfig.js';

/** One step of a preset: what `bg-replay plan` prints, plus the function that does it. */
export interface PlannedStep {
  /** Stable within a hook: `<kind>:<stack>:<resource>`. */
  id: string;
  kind: StepKind;
  stack: StackId;
  resource: string;
  /** One line for a person. */
  description: string;
  /** Deletes, purges, disables or writes to a stack: guarded against the live stack. */
  destructive: boolean;
  /** May report `pending` and be checked again later. */
  waits: boolean;
}

/** A {@link PlannedStep} with its check-then-act function. */
export interface HookStep extends PlannedStep {
  run(ctx: StepContext): Promise<StepOutcome>;
}

/** Where a run of steps stands. */
export interface DriveResult {
  status: 'done' | 'failed' | 'continue';
  /** The step to run next (or the failed one). */
  index: number;
  /** When the step at `index` first said `pending` (epoch ms). */
  waitStartedAt?: number;
  actions: Action[];
  reason?: string;
}

export interface DriveOptions {
  from?: number;
  waitStartedAt?: number;
  pollMs: number;
  /** How long one step may stay `pending` in total, across invocations. */
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
  /** Epoch ms by which to return; without it, the driver loops until done or timed out. */
  deadline?: number;
  /** Time kept before the deadline for the caller to report. */
  reserveMs?: number;
  /** Attempts of a step while AWS throttles one of its calls (back-off 1 s, 2 s, 4 s...). Default 5. */
  awsAttempts?: number;
}

/**
 * Runs a step, running it again after a pause while AWS throttles one of its calls (every step is
 * check-then-act, so a re-run is safe; the SDK has already retried server errors). A failed AWS call is
 * thrown as a `BgReplayError` naming the step, the AWS error, the IAM action, the resource and the remedy.
 */
async function runStep(step: HookStep, ctx: StepContext, options: DriveOptions): Promise<StepOutcome> {
  const attempts = Math.max(1, options.awsAttempts ?? 5);
  for (let attempt = 1; ; attempt++) {
    try {
      return await step.run(ctx);
    } catch (error) {
      if (!isAwsError(error)) throw error;
      const delay = Math.min(16_000, 1000 * 2 ** (attempt - 1));
      const late =
        options.deadline !== undefined && ctx.now() + delay + (options.reserveMs ?? 0) >= options.deadline;
      if (classifyAwsError(error) === 'throttled' && attempt < attempts && !late) {
        ctx.logger.warn('AWS throttled a call; running the step again', {
          step: step.id,
          attempt,
          delayMs: delay,
          error: describeAwsError(error, { principal: HOOK_PRINCIPAL }),
        });
        await options.sleep(delay);
        continue;
      }
      if (attempt > 1) annotateAwsCall(error, { attempts: attempt });
      throw toAwsBgReplayError(error, { principal: HOOK_PRINCIPAL, prefix: `${step.id}: ` });
    }
  }
}

/**
 * Runs steps in order, checking a `pending` step again every `pollMs` until it is done, it fails, it has
 * waited `timeoutMs`, or the `deadline` is near, in which case it returns `continue` with the position to
 * resume from. Every step is check-then-act, so resuming (or restarting) is always safe.
 *
 * @example
 * const result = await driveSteps(steps, ctx, { pollMs: 15_000, timeoutMs: 2_700_000, sleep });
 */
export async function driveSteps(
  steps: HookStep[],
  ctx: StepContext,
  options: DriveOptions,
): Promise<DriveResult> {
  const actions: Action[] = [];
  let index = options.from ?? 0;
  let waitStartedAt = options.waitStartedAt;
  const reserve = options.reserveMs ?? 0;
  while (index < steps.length) {
    const step = steps[index] as HookStep;
    if (options.deadline !== undefined && ctx.now() + reserve >= options.deadline) {
      return { status: 'continue', index, waitStartedAt, actions, reason: 'deadline reached' };
    }
    let stepActions: Action[] = [];
    let outcome: StepOutcome;
    for (;;) {
      outcome = await runStep(step, ctx, options);
      // Keep what was done on every pass, but only the latest "nothing to do yet" notes.
      stepActions = [...stepActions.filter((a) => a.done), ...outcome.actions];
      for (const action of outcome.actions)
        ctx.logger.info(`${action.step} ${action.resource}`, { ...action });
      if (outcome.status !== 'pending' || ctx.dryRun) break;
      const now = ctx.now();
      waitStartedAt ??= now;
      if (now - waitStartedAt >= options.timeoutMs) {
        actions.push(...stepActions);
        return {
          status: 'failed',
          index,
          waitStartedAt,
          actions,
          reason: `${step.id} still pending after ${Math.round(options.timeoutMs / 1000)} s: ${outcome.reason}`,
        };
      }
      if (options.deadline !== undefined && now + options.pollMs + reserve >= options.deadline) {
        actions.push(...stepActions);
        return { status: 'continue', index, waitStartedAt, actions, reason: outcome.reason };
      }
      await options.sleep(options.pollMs);
    }
    actions.push(...stepActions);
    if (outcome.status === 'failed')
      return { status: 'failed', index, waitStartedAt, actions, reason: outcome.reason };
    index += 1;
    waitStartedAt = undefined;
  }
  return { status: 'done', index, actions };
}
