/** Stable error codes of `@bg-replay/core`. */
export type BgReplayErrorCode =
  | 'E_USAGE'
  | 'E_INPUT'
  | 'E_CONFIG'
  | 'E_RULES'
  | 'E_SOURCE'
  | 'E_REPORT'
  | 'E_INTERNAL';

/**
 * Base error of bg-replay. `code` is stable; `message` is written for a person and names the file,
 * line or flag at fault. User mistakes (`E_USAGE`, `E_INPUT`, `E_CONFIG`, `E_RULES`, `E_SOURCE`) map to exit 2.
 *
 * @example
 * throw new BgReplayError('E_INPUT', `cannot read log file ${file}: not found`);
 */
export class BgReplayError extends Error {
  readonly code: BgReplayErrorCode;
  constructor(code: BgReplayErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BgReplayError';
    this.code = code;
  }
}

/** True for errors caused by the user's input or configuration (exit code 2), not by a bug. */
export function isUserError(error: unknown): error is BgReplayError {
  return error instanceof BgReplayError && error.code !== 'E_INTERNAL';
}

/**
 * Throws `E_USAGE` naming the flag when a number option is not finite, out of `min..max`, or not an integer
 * where one is needed; `undefined` (not given) passes.
 *
 * @example
 * checkRange('sample', options.sample, 1, 1e9, true); // "--sample 0 is out of range: expected an integer 1..1000000000"
 */
export function checkRange(
  flag: string,
  value: number | undefined,
  min: number,
  max: number,
  integer = false,
): void {
  if (value === undefined) return;
  const expected = `${integer ? 'an integer' : 'a number'} ${min}..${max}`;
  if (Number.isNaN(value))
    throw new BgReplayError('E_USAGE', `--${flag} is not a number: expected ${expected}`);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new BgReplayError('E_USAGE', `--${flag} ${value} is out of range: expected ${expected}`);
  }
}
