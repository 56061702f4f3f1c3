import { sleep } from '../sleep.js';

/** Waits as needed so calls to `take` start no faster than `perSecond` on average. */
export interface RateLimiter {
  take(): Promise<void>;
  /** True when there is no cap, so callers may skip `take` altogether. */
  readonly unlimited: boolean;
}

/**
 * The one limiter of a run's live requests (records, noise probes and retries alike): each `take` is granted
 * at least 1/`perSecond` after the previous one, and never sooner than a second (plus a margin for the
 * network's jitter) after the grant `perSecond` places before it, so no one-second window at live sees more
 * than `perSecond` requests. `perSecond <= 0` means unlimited.
 *
 * @example
 * const limiter = createRateLimiter(50);
 * await limiter.take(); // at most 50 grants in any second
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
  const perWindow = Math.max(1, Math.floor(perSecond));
  const margin = Math.min(100, interval / 2);
  // The last `perWindow` grant times, oldest first.
  const granted: number[] = [];
  let next = clock.now();
  return {
    unlimited: false,
    async take() {
      const now = clock.now();
      let at = Math.max(now, next);
      if (granted.length === perWindow) at = Math.max(at, (granted.shift() as number) + 1000 + margin);
      granted.push(at);
      next = at + interval;
      if (at > now) await clock.sleep(at - now);
    },
  };
}
