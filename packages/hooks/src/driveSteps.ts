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
      outcome = await step.run(ctx);
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
