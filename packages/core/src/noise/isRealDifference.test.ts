import { describe, expect, it } from 'vitest';
import { isRealDifference } from './isRealDifference.js';

const thresholds = { relative: 0.2, absolute: 0.0003 };

describe("Diffy's rule on rates", () => {
  it('calls a pointer noise when it differs as often live vs candidate as live vs live (r = n)', () => {
    expect(isRealDifference({ raw: 7, compared: 50, noise: 7, probed: 50 }, thresholds)).toBe(false);
    expect(isRealDifference({ raw: 50, compared: 50, noise: 50, probed: 50 }, thresholds)).toBe(false);
  });

  it('calls it noise when live vs live differs more (r < n)', () => {
    expect(isRealDifference({ raw: 3, compared: 50, noise: 9, probed: 50 }, thresholds)).toBe(false);
  });

  it('compares rates, not counts, when the probe covers fewer records', () => {
    // r = 10 of 100 (10%), n = 2 of 10 (20%): fewer noise differences but a higher rate, so noise.
    expect(isRealDifference({ raw: 10, compared: 100, noise: 2, probed: 10 }, thresholds)).toBe(false);
    // r = 40 of 100 (40%), n = 2 of 20 (10%): real.
    expect(isRealDifference({ raw: 40, compared: 100, noise: 2, probed: 20 }, thresholds)).toBe(true);
  });

  it('requires the relative threshold to be exceeded, not met', () => {
    // ρr = 0.6, ρn = 0.4: relative = 0.2 exactly → not real; just above → real.
    expect(isRealDifference({ raw: 6, compared: 10, noise: 4, probed: 10 }, thresholds)).toBe(false);
    expect(isRealDifference({ raw: 61, compared: 100, noise: 4, probed: 10 }, thresholds)).toBe(true);
  });

  it('requires the absolute threshold to be exceeded: one difference in 10,000 records is noise', () => {
    expect(isRealDifference({ raw: 1, compared: 10_000, noise: 0, probed: 10_000 }, thresholds)).toBe(false);
    expect(isRealDifference({ raw: 4, compared: 10_000, noise: 0, probed: 10_000 }, thresholds)).toBe(true);
  });

  it('on tiny T a single difference without noise is real, and one matched by noise is not', () => {
    expect(isRealDifference({ raw: 1, compared: 1, noise: 0, probed: 1 }, thresholds)).toBe(true);
    expect(isRealDifference({ raw: 1, compared: 1, noise: 1, probed: 1 }, thresholds)).toBe(false);
    expect(isRealDifference({ raw: 1, compared: 2, noise: 0, probed: 0 }, thresholds)).toBe(true);
    expect(isRealDifference({ raw: 0, compared: 0, noise: 0, probed: 0 }, thresholds)).toBe(false);
  });
});
