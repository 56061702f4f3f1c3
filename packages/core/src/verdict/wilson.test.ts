import { describe, expect, it } from 'vitest';
import {
  inverseNormalCdf,
  recordsNeeded,
  wilsonInterval,
  wilsonLowerBound,
  zForConfidence,
} from './wilson.js';

describe('inverseNormalCdf', () => {
  it('gives the textbook quantiles of the standard normal distribution', () => {
    expect(inverseNormalCdf(0.5)).toBeCloseTo(0, 12);
    expect(inverseNormalCdf(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(inverseNormalCdf(0.025)).toBeCloseTo(-1.959963984540054, 8);
    expect(inverseNormalCdf(0.95)).toBeCloseTo(1.6448536269514722, 8);
    expect(inverseNormalCdf(0.995)).toBeCloseTo(2.5758293035489004, 8);
    expect(inverseNormalCdf(0.999)).toBeCloseTo(3.090232306167813, 8);
    expect(inverseNormalCdf(1e-6)).toBeCloseTo(-4.753424308822899, 6);
  });

  it('is infinite at 0 and 1 and rejects values outside [0, 1]', () => {
    expect(inverseNormalCdf(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(inverseNormalCdf(1)).toBe(Number.POSITIVE_INFINITY);
    expect(() => inverseNormalCdf(1.5)).toThrow(RangeError);
  });
});

describe('wilsonLowerBound', () => {
  it('is one-sided: z = Φ⁻¹(confidence), so 3/3 at 95% is 0.5258 and 95/100 is 0.9008', () => {
    expect(zForConfidence(0.95)).toBeCloseTo(1.6448536, 6);
    expect(wilsonLowerBound(3, 3, 0.95)).toBeCloseTo(0.5258, 4);
    expect(wilsonLowerBound(95, 100, 0.95)).toBeCloseTo(0.9008, 4);
    expect(wilsonLowerBound(0, 10, 0.95)).toBe(0);
  });

  it('keeps the two-sided interval for display: 95/100 at 95% is 0.8882..0.9785', () => {
    expect(wilsonInterval(95, 100, 0.95)?.lower).toBeCloseTo(0.8882, 4);
    expect(wilsonInterval(95, 100, 0.95)?.upper).toBeCloseTo(0.9785, 4);
  });

  it('lets 300 of 300 matching records show 99% at 95% confidence', () => {
    expect(wilsonLowerBound(300, 300, 0.95) as number).toBeGreaterThan(0.99);
  });

  it('grows with the evidence for the same rate and with lower confidence', () => {
    const small = wilsonLowerBound(9, 10, 0.95) as number;
    const large = wilsonLowerBound(900, 1000, 0.95) as number;
    expect(small).toBeLessThan(large);
    expect(large).toBeLessThan(0.9);
    expect(wilsonLowerBound(9, 10, 0.8) as number).toBeGreaterThan(small);
  });

  it('is the raw rate at confidence 0 and null without records', () => {
    expect(wilsonLowerBound(7, 10, 0)).toBeCloseTo(0.7, 12);
    expect(wilsonLowerBound(0, 0, 0.95)).toBeNull();
  });

  it('rejects a confidence outside [0, 1) as a usage error naming the flag', () => {
    expect(() => zForConfidence(1)).toThrow(/--confidence 1/);
    expect(() => zForConfidence(-0.1)).toThrow(/--confidence/);
    expect(() => zForConfidence(0.3)).toThrow(/0\.5 ≤ c < 1/);
  });
});

describe('recordsNeeded', () => {
  it('says how many all-matching records a threshold needs', () => {
    expect(recordsNeeded(0.99, 0.95)).toBe(268);
    expect(wilsonLowerBound(268, 268, 0.95) as number).toBeGreaterThanOrEqual(0.99);
    expect(wilsonLowerBound(267, 267, 0.95) as number).toBeLessThan(0.99);
    expect(recordsNeeded(0.9, 0.95)).toBe(25);
    expect(recordsNeeded(1, 0.95)).toBe(Number.POSITIVE_INFINITY);
  });
});
