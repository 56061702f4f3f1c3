import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './createRateLimiter.js';

function fakeClock() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    clock: {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
    },
  };
}

describe('createRateLimiter', () => {
  it('spaces grants 1/rate apart, so a burst never exceeds the cap', async () => {
    const { clock, sleeps } = fakeClock();
    const limiter = createRateLimiter(10, clock);
    for (let i = 0; i < 5; i += 1) await limiter.take();
    expect(sleeps).toEqual([100, 100, 100, 100]);
  });

  it('lets no one-second window see more grants than the cap, with a margin for jitter', async () => {
    const { clock } = fakeClock();
    const limiter = createRateLimiter(5, clock);
    const times: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      await limiter.take();
      times.push(clock.now());
    }
    expect(times.slice(0, 7)).toEqual([0, 200, 400, 600, 800, 1100, 1300]);
    for (const t of times)
      expect(times.filter((u) => u >= t && u < t + 1000 + 99).length).toBeLessThanOrEqual(5);
  });

  it('does not wait at all when the rate is 0 (no cap)', async () => {
    const { clock, sleeps } = fakeClock();
    const limiter = createRateLimiter(0, clock);
    for (let i = 0; i < 5; i += 1) await limiter.take();
    expect(sleeps).toEqual([]);
  });
});
