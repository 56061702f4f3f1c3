/** The limits of one hook execution (all its invocations). */
export interface HookBudget {
  /** Time kept before the Lambda timeout for reporting or continuing. */
  reserveMs: number;
  /** Budget from the first start after which the hook fails (CodeDeploy gives up at one hour). */
  maxTotalMs: number;
  /** Most invocations (guards a continuation loop that makes no progress). */
  maxInvocations: number;
}

/** 10 s of reserve, 55 minutes in all (CodeDeploy waits one hour), 20 invocations. */
export const DEFAULT_HOOK_BUDGET: Readonly<HookBudget> = {
  reserveMs: 10_000,
  maxTotalMs: 55 * 60_000,
  maxInvocations: 20,
};

/** What {@link planInvocation} decides for one invocation. */
export type InvocationPlan =
  | {
      status: 'run';
      /** Epoch ms by which the step must return: the earlier of the Lambda timeout less the reserve and the budget's end. */
      deadline: number;
      /** Epoch ms at which the whole hook execution's budget ends. */
      budgetEnd: number;
    }
  | { status: 'exhausted'; reason: string };

/** Where an invocation starts: now, when the hook execution started, which invocation, Lambda's time left. */
export interface InvocationStart {
  now: number;
  startedAt: number;
  /** 1-based. */
  invocation: number;
  /** `context.getRemainingTimeInMillis()` at the start of this invocation. */
  lambdaRemainingMs: number;
}

/**
 * The deadline of one invocation of a hook, or why the hook may not run any more: the one place where the
 * reserve before the Lambda timeout and the hook's total budget are applied.
 *
 * @example
 * planInvocation({ now: 0, startedAt: 0, invocation: 1, lambdaRemainingMs: 900_000 }, DEFAULT_HOOK_BUDGET);
 * // { status: 'run', deadline: 890_000, budgetEnd: 3_300_000 }
 */
export function planInvocation(start: InvocationStart, budget: HookBudget): InvocationPlan {
  const budgetEnd = start.startedAt + budget.maxTotalMs;
  if (start.now >= budgetEnd) {
    return {
      status: 'exhausted',
      reason: `the hook has run ${Math.round((start.now - start.startedAt) / 1000)} s, past its budget of ${Math.round(budget.maxTotalMs / 1000)} s`,
    };
  }
  if (start.invocation > budget.maxInvocations) {
    return {
      status: 'exhausted',
      reason: `the hook reached ${budget.maxInvocations} invocations without finishing`,
    };
  }
  const deadline = Math.min(start.now + start.lambdaRemainingMs - budget.reserveMs, budgetEnd);
  return { status: 'run', deadline, budgetEnd };
}

/**
 * True when a fresh invocation started `now` would still have its reserve before the budget ends.
 *
 * @example
 * canContinue(3_295_000, 0, DEFAULT_HOOK_BUDGET); // false: 5 s left, 10 s of reserve
 */
export function canContinue(now: number, startedAt: number, budget: HookBudget): boolean {
  return now < startedAt + budget.maxTotalMs - budget.reserveMs;
}

/**
 * True when `ms` more of work, started `now`, still ends before `deadline`.
 *
 * @example
 * fitsBefore(60_000, 50_000, 15_000); // false: a 15 s poll would end after the deadline
 */
export function fitsBefore(deadline: number, now: number, ms = 0): boolean {
  return now + ms < deadline;
}

/**
 * Milliseconds from `now` to `deadline`, never negative.
 *
 * @example
 * remainingBefore(60_000, 75_000); // 0
 */
export function remainingBefore(deadline: number, now: number): number {
  return Math.max(0, deadline - now);
}
