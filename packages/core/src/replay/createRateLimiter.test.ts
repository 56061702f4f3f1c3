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

  it('does not wait at all when the rate is 0 (no cap)', async () => {
    const { clock, sleeps } = fakeClock();
    const limiter = createRateLimiter(0, clock);
    for (let i = 0; i < 5; i += 1) await limiter.take();
    expect(sleeps).toEqual([]);
  });
});
