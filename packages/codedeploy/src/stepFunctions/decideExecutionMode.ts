import { DEFAULT_SAMPLE } from '@bg-replay/core/internal';

/** What a validation run is expected to cost, from its settings. */
export interface ValidationSizeInput {
  /** Records to replay (default: core's default sample). */
  sample?: number;
  /** Requests per second cap on each side (0 or unset: none). */
  rps?: number;
  /** Requests in flight per side (default 16, as in core). */
  concurrency?: number;
  /** Share of the sample replayed against live a second time. */
  noiseProbe?: number;
  /** A typical answer time, used when no rate cap bounds the run (default 200 ms). */
  typicalLatencyMs?: number;
  /** Time to read and sample the logs before the replay starts (default 30 s, a CloudWatch window). */
  readMs?: number;
}

/**
 * Estimates how long a validation takes: the replay is bounded by the rate cap (live is asked once per record,
 * again for probed ones) or else by concurrency × a typical answer time, plus the time to read the logs.
 *
 * @example
 * estimateValidationMs({ sample: 90_000, rps: 50 }) // 1_830_000: 30 minutes of replay and the read
 */
export function estimateValidationMs(input: ValidationSizeInput): number {
  const records = input.sample ?? DEFAULT_SAMPLE;
  const liveRequests = records * (1 + (input.noiseProbe ?? 0));
  const byRate = input.rps && input.rps > 0 ? (liveRequests / input.rps) * 1000 : 0;
  const byConcurrency = Math.ceil(liveRequests / (input.concurrency ?? 16)) * (input.typicalLatencyMs ?? 200);
  return Math.ceil(Math.max(byRate, byConcurrency) + (input.readMs ?? 30_000));
}

/** Input of {@link decideExecutionMode}. */
export interface ExecutionModeInput {
  /** Expected duration of the validation ({@link estimateValidationMs}). */
  expectedMs: number;
  /** Time this invocation has left before it must report (the hook step's `remainingMs()`). */
  remainingMs: number;
  /** Time left of the hook's hour (CodeDeploy fails a hook it hears nothing from within one hour). */
  hourRemainingMs?: number;
  /** Margin kept on top of the estimate (default 20%): an estimate is not a promise. */
  safetyFactor?: number;
  /** Whether a state machine is configured to hand off to. */
  stateMachineConfigured: boolean;
  /** Why a configured state machine cannot take this run (said instead of "no state machine is configured"). */
  stateMachineUnavailable?: string;
  /** Longest the state machine takes to report (`createStateMachineDefinition().worstCaseSeconds` × 1000). */
  stateMachineWorstCaseMs?: number;
}

/** Where a validation runs, and why, in words for the log and the report. */
export interface ExecutionMode {
  mode: 'inline' | 'state-machine';
  /** False when the chosen mode is not expected to finish in time (inline without a machine to hand to). */
  fits: boolean;
  reason: string;
}

/**
 * Decides whether the validation hook replays inline or hands off to the Step Functions state machine:
 * inline when the expected duration (with a margin) fits in this invocation, else the state machine when
 * one is configured and its worst case fits in the hook's hour. Pure: the caller logs and reports the reason.
 *
 * @example
 * decideExecutionMode({ expectedMs: 1_830_000, remainingMs: 880_000, stateMachineConfigured: true })
 * // { mode: 'state-machine', fits: true, reason: 'expected 1830 s (2196 s with margin) exceeds the 880 s this invocation has left' }
 */
export function decideExecutionMode(input: ExecutionModeInput): ExecutionMode {
  const withMargin = Math.ceil(input.expectedMs * (1 + (input.safetyFactor ?? 0.2)));
  const s = (ms: number) => `${Math.round(ms / 1000)} s`;
  const expected = `expected ${s(input.expectedMs)} (${s(withMargin)} with margin)`;
  if (withMargin <= input.remainingMs) {
    return { mode: 'inline', fits: true, reason: `${expected} fits in the ${s(input.remainingMs)} left` };
  }
  const tooLong = `${expected} exceeds the ${s(input.remainingMs)} this invocation has left`;
  if (!input.stateMachineConfigured) {
    return {
      mode: 'inline',
      fits: false,
      reason: `${tooLong}, and ${input.stateMachineUnavailable ?? 'no state machine is configured (stateMachineArn)'}: running inline anyway`,
    };
  }
  const worst = input.stateMachineWorstCaseMs;
  if (worst !== undefined && input.hourRemainingMs !== undefined && worst > input.hourRemainingMs) {
    return {
      mode: 'inline',
      fits: false,
      reason: `${tooLong}, and the state machine's worst case (${s(worst)}) exceeds the ${s(input.hourRemainingMs)} left of the hook's hour: running inline`,
    };
  }
  return { mode: 'state-machine', fits: true, reason: tooLong };
}
