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

/**
 * True for errors caused by the user's input or configuration (exit code 2), not by a bug.
 *
 * @example
 * try {
 *   await validate(options);
 * } catch (error) {
 *   if (isUserError(error)) console.error(`${error.code}: ${error.message}`);
 *   else throw error;
 * }
 */
export function isUserError(error: unknown): error is BgReplayError {
  return error instanceof BgReplayError && error.code !== 'E_INTERNAL';
}
