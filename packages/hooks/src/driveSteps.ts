import type { StepResult } from '@bg-replay/core/hooks';
import { fitsBefore, isAwsError, toAwsBgReplayError } from '@bg-replay/core/internal';
import { HOOK_PRINCIPAL } from './awsErrors.js';
import type { Action, PresetActions, StepContext, StepKind } from './model.js';
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
  /** May say `continue` and be checked again later. */
  waits: boolean;
  /** When the step runs and why then, in words (`bg-replay plan` prints it). */
  when?: string;
}

/**
 * A {@link PlannedStep} with its check-then-act function: one step of a preset, on one resource. A preset
 * hook as a whole is one `HookStep` of `@bg-replay/core/hooks` (see `createPresetHookStep`).
 */
export interface PresetStep extends PlannedStep {
  /** One pass: `Succeeded`, `continue` (check again later) or `Failed`, with the actions taken. */
  run(ctx: StepContext): Promise<StepResult<undefined, PresetActions>>;
}

/** Where a run of steps stands: the step to run (again) next, and what earlier invocations recorded. */
export interface DrivePosition {
  index: number;
  /** When the step at `index` first said `continue` (epoch ms). */
  waitStartedAt?: number;
  /** Failures of steps at or after `tolerateFrom`, recorded instead of failing the run. */
  problems?: string[];
}

/** How `driveSteps` runs: where to resume, how often to poll a pending step, its clock and deadline. */
export interface DriveOptions {
  /** Where to resume (a previous invocation's `continue` state); default: the first step. */
  from?: DrivePosition;
  pollMs: number;
  /** How long one step may keep saying `continue` in total, across invocations. */
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
  /**
   * Epoch ms by which to return (the hook runtime's deadline, its reserve already taken off: see
   * `planInvocation`); without it, the driver loops until done or timed out.
   */
  deadline?: number;
  /**
   * Steps from this index on cannot fail the run: a failure, a throw or a wait that times out is recorded
   * (an action with `error`, and in `problems`) and the next step runs. AfterAllowTraffic sets it just after
   * the pointer flip, so a failed clean-up never turns into a rollback onto the stack it touched.
   */
  tolerateFrom?: number;
  /**
   * Called before each step with the position to resume from, so a caller whose invocation is cut off
   * mid-step (the hook runtime's deadline) can continue from there: every step is safe to run again.
   */
  onCheckpoint?: (at: DrivePosition) => void;
}

/**
 * Runs a step once. AWS calls are retried by the SDK's retry strategy of the clients (see
 * `awsClientConfig`), never here; a failed AWS call is thrown as a `BgReplayError` naming the step, the AWS
 * error, the IAM action, the resource and the remedy.
 */
async function runStep(step: PresetStep, ctx: StepContext): Promise<StepResult<undefined, PresetActions>> {
  try {
    return await step.run(ctx);
  } catch (error) {
    if (!isAwsError(error)) throw error;
    throw toAwsBgReplayError(error, { principal: HOOK_PRINCIPAL, prefix: `${step.id}: ` });
  }
}

/**
 * Runs steps in order, checking a step that said `continue` again every `pollMs` until it is done (`Succeeded` once every
 * step is), it fails (`Failed`), it has waited `timeoutMs`, or the next check would end after the `deadline`, in
 * which case it returns `continue` with the position to resume from. Every step is check-then-act, so
 * resuming (or restarting) is always safe.
 *
 * @example
 * const result = await driveSteps(steps, ctx, { pollMs: 15_000, timeoutMs: 2_700_000, sleep });
 */
export async function driveSteps(
  steps: PresetStep[],
  ctx: StepContext,
  options: DriveOptions,
): Promise<StepResult<DrivePosition, PresetActions>> {
  const actions: Action[] = [];
  const problems = [...(options.from?.problems ?? [])];
  let index = options.from?.index ?? 0;
  let waitStartedAt = options.from?.waitStartedAt;
  const tolerated = (i: number): boolean => options.tolerateFrom !== undefined && i >= options.tolerateFrom;
  const withProblems = (): { problems?: string[] } => (problems.length > 0 ? { problems } : {});
  const position = (): DrivePosition => ({
    index,
    ...(waitStartedAt !== undefined ? { waitStartedAt } : {}),
    ...withProblems(),
  });
  while (index < steps.length) {
    const step = steps[index] as PresetStep;
    if (options.deadline !== undefined && !fitsBefore(options.deadline, ctx.now())) {
      return {
        status: 'continue',
        state: position(),
        reason: 'deadline reached',
        actions,
        ...withProblems(),
      };
    }
    options.onCheckpoint?.(position());
    let stepActions: Action[] = [];
    let failure: string | undefined;
    for (;;) {
      let outcome: StepResult<undefined, PresetActions>;
      try {
        outcome = await runStep(step, ctx);
      } catch (error) {
        if (!tolerated(index)) throw error;
        failure = error instanceof Error ? error.message : String(error);
        break;
      }
      // Keep what was done on every pass, but only the latest "nothing to do yet" notes.
      stepActions = [...stepActions.filter((a) => a.done), ...outcome.actions];
      for (const action of outcome.actions)
        ctx.logger.info(`${action.step} ${action.resource}`, { ...action });
      if (outcome.status === 'Failed') {
        failure = outcome.reason;
        break;
      }
      if (outcome.status !== 'continue' || ctx.dryRun) break;
      const pending = outcome.reason ?? 'not finished';
      const now = ctx.now();
      waitStartedAt ??= now;
      if (now - waitStartedAt >= options.timeoutMs) {
        failure = `${step.id} still pending after ${Math.round(options.timeoutMs / 1000)} s: ${pending}`;
        break;
      }
      if (options.deadline !== undefined && !fitsBefore(options.deadline, now, options.pollMs)) {
        actions.push(...stepActions);
        return { status: 'continue', state: position(), reason: pending, actions, ...withProblems() };
      }
      await options.sleep(options.pollMs);
    }
    actions.push(...stepActions);
    if (failure !== undefined) {
      if (!tolerated(index)) return { status: 'Failed', reason: failure, actions };
      const problem = failure.startsWith(step.id) ? failure : `${step.id}: ${failure}`;
      problems.push(problem);
      actions.push({
        step: step.kind,
        stack: step.stack,
        resource: step.resource,
        action: 'none',
        done: false,
        skipped: 'failed; recorded, not failing the hook',
        error: problem,
      });
      ctx.logger.warn('a step after the flip failed; recorded, the hook goes on', { step: step.id, problem });
    }
    index += 1;
    waitStartedAt = undefined;
  }
  return { status: 'Succeeded', actions, ...withProblems() };
}
