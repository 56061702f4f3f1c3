import { describe, expect, it } from 'vitest';
import { createCircuitBreaker } from './createCircuitBreaker.js';

describe('createCircuitBreaker', () => {
  it('opens once half of a full-enough window of live answers are unhealthy', () => {
    const breaker = createCircuitBreaker({ window: 10 });
    for (let i = 0; i < 4; i += 1) breaker.observe(false);
    expect(breaker.open).toBe(false); // 4 answers are too few to judge a window of 10
    breaker.observe(false);
    expect(breaker.open).toBe(true);
    expect(breaker.reason).toMatch(/5 of its last 5/);
  });

  it('stays closed while errors are occasional', () => {
    const breaker = createCircuitBreaker({ window: 10 });
    for (let i = 0; i < 100; i += 1) breaker.observe(i % 4 !== 0);
    expect(breaker.open).toBe(false);
  });

  it('can be disabled with a rate of 1', () => {
    const breaker = createCircuitBreaker({ window: 4, maxErrorRate: 1 });
    for (let i = 0; i < 10; i += 1) breaker.observe(false);
    expect(breaker.open).toBe(false);
  });
});
