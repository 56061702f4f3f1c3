import { sleep } from '@bg-replay/core/internal';
import type { NowFn, SleepFn } from './types.js';

/** Real sleep that resolves (does not reject) when aborted, so races stay simple: core's. */
export const realSleep: SleepFn = sleep;

export const realNow: NowFn = () => Date.now();

/** Message of any thrown value, for logs and reasons. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** Name of an AWS SDK exception (`name` on v3 service exceptions). */
export function errorName(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'name' in error) return String((error as { name: unknown }).name);
  return undefined;
}
