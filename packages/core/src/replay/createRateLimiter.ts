import { sleep } from '../sleep.js';

/** Waits as needed so calls to `take` start no faster than `perSecond` on average. */
export interface RateLimiter {
  take(): Promise<void>;
  /** True when there is no cap, so callers may skip `take` altogether. */
  readonly unlimited: boolean;
}

/**
 * A pacing limiter: each `take` is granted at least 1/`perSecond` after the previous one, so bursts never
 * exceed the cap that protects live. `perSecond <= 0` means unlimited.
 *
 * @example
 * const limiter = createRateLimiter(50);
 * await limiter.take(); // at most 50 grants a second
 */
export function createRateLimiter(
  perSecond: number,
  clock: { now(): number; sleep(ms: number): Promise<void> } = {
    now: () => performance.now(),
    sleep: (ms) => sleep(ms),
  },
): RateLimiter {
  if (!(perSecond > 0) || !Number.isFinite(perSecond)) return { take: async () => {}, unlimited: true };
  const interval = 1000 / perSecond;
  let next = clock.now();
  return {
    unlimited: false,
    async take() {
      const now = clock.now();
      const at = Math.max(now, next);
      next = at + interval;
      if (at > now) await clock.sleep(at - now);
    },
  };
}
