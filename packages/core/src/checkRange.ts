import { BgReplayError } from './errors.js';

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
