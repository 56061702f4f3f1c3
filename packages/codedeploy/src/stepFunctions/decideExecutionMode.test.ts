import { describe, expect, it } from 'vitest';
import { decideExecutionMode, estimateValidationMs } from './decideExecutionMode.js';

describe('estimateValidationMs', () => {
  it('bounds a capped run by the rate live sees, noise probe included', () => {
    expect(estimateValidationMs({ sample: 90_000, rps: 50 })).toBe(1_830_000);
    expect(estimateValidationMs({ sample: 1000, rps: 10, noiseProbe: 0.5, readMs: 0 })).toBe(150_000);
  });

  it('bounds an uncapped run by concurrency and a typical answer time', () => {
    expect(estimateValidationMs({ sample: 400, readMs: 0 })).toBe(25 * 200);
  });
});

describe('decideExecutionMode', () => {
  it('runs inline when the estimate with its margin fits in this invocation', () => {
    expect(
      decideExecutionMode({ expectedMs: 600_000, remainingMs: 880_000, stateMachineConfigured: true }),
    ).toEqual({
      mode: 'inline',
      fits: true,
      reason: 'expected 600 s (720 s with margin) fits in the 880 s left',
    });
  });

  it('hands a soak comparison to the state machine', () => {
    const mode = decideExecutionMode({
      expectedMs: 1_830_000,
      remainingMs: 880_000,
      hourRemainingMs: 3_500_000,
      stateMachineConfigured: true,
      stateMachineWorstCaseMs: 1_280_000,
    });
    expect(mode).toEqual({
      mode: 'state-machine',
      fits: true,
      reason: 'expected 1830 s (2196 s with margin) exceeds the 880 s this invocation has left',
    });
  });

  it('stays inline and says it may not fit when no state machine is configured', () => {
    const mode = decideExecutionMode({
      expectedMs: 1_830_000,
      remainingMs: 880_000,
      stateMachineConfigured: false,
    });
    expect(mode.mode).toBe('inline');
    expect(mode.fits).toBe(false);
    expect(mode.reason).toMatch(/no state machine is configured \(stateMachineArn\)/);
  });

  it('does not hand off when the machine could not report within what is left of the hour', () => {
    const mode = decideExecutionMode({
      expectedMs: 1_830_000,
      remainingMs: 880_000,
      hourRemainingMs: 1_000_000,
      stateMachineConfigured: true,
      stateMachineWorstCaseMs: 1_280_000,
    });
    expect(mode).toMatchObject({ mode: 'inline', fits: false });
    expect(mode.reason).toMatch(/worst case \(1280 s\) exceeds the 1000 s left of the hook's hour/);
  });
});
