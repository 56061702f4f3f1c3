import { describe, expect, it } from 'vitest';
import {
  canContinue,
  DEFAULT_HOOK_BUDGET,
  fitsBefore,
  planInvocation,
  remainingBefore,
} from './planInvocation.js';

const budget = { reserveMs: 10_000, maxTotalMs: 3_300_000, maxInvocations: 3 };

describe('planInvocation', () => {
  it('ends an invocation its reserve before the Lambda timeout', () => {
    expect(
      planInvocation({ now: 1_000, startedAt: 1_000, invocation: 1, lambdaRemainingMs: 900_000 }, budget),
    ).toEqual({ status: 'run', deadline: 891_000, budgetEnd: 3_301_000 });
  });

  it('ends an invocation at the end of the hook budget when that comes before the Lambda timeout', () => {
    const plan = planInvocation(
      { now: 3_000_000, startedAt: 0, invocation: 2, lambdaRemainingMs: 900_000 },
      budget,
    );
    expect(plan).toEqual({ status: 'run', deadline: 3_300_000, budgetEnd: 3_300_000 });
  });

  it('refuses an invocation that starts after the budget, saying how long the hook has run', () => {
    expect(
      planInvocation({ now: 3_400_000, startedAt: 0, invocation: 2, lambdaRemainingMs: 900_000 }, budget),
    ).toEqual({ status: 'exhausted', reason: 'the hook has run 3400 s, past its budget of 3300 s' });
  });

  it('refuses an invocation past the most invocations', () => {
    expect(
      planInvocation({ now: 0, startedAt: 0, invocation: 4, lambdaRemainingMs: 900_000 }, budget),
    ).toEqual({
      status: 'exhausted',
      reason: 'the hook reached 3 invocations without finishing',
    });
  });

  it('keeps 10 s of reserve, 55 minutes and 20 invocations by default', () => {
    expect(DEFAULT_HOOK_BUDGET).toEqual({ reserveMs: 10_000, maxTotalMs: 3_300_000, maxInvocations: 20 });
  });
});

describe('canContinue', () => {
  it('allows a fresh invocation only while the reserve still fits before the budget ends', () => {
    expect(canContinue(3_289_999, 0, budget)).toBe(true);
    expect(canContinue(3_290_000, 0, budget)).toBe(false);
  });
});

describe('fitsBefore and remainingBefore', () => {
  it('says whether a wait still ends before the deadline', () => {
    expect(fitsBefore(60_000, 44_999, 15_000)).toBe(true);
    expect(fitsBefore(60_000, 45_000, 15_000)).toBe(false);
    expect(fitsBefore(60_000, 60_000)).toBe(false);
  });

  it('never reports negative time left', () => {
    expect(remainingBefore(60_000, 50_000)).toBe(10_000);
    expect(remainingBefore(60_000, 75_000)).toBe(0);
  });
});
