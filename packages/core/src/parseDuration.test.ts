import { describe, expect, it } from 'vitest';
import { parseDuration } from './parseDuration.js';

describe('parseDuration', () => {
  it('reads units, combined units and bare seconds', () => {
    expect(parseDuration('10m', '--retry-until')).toBe(600_000);
    expect(parseDuration('1h30m', '--retry-until')).toBe(5_400_000);
    expect(parseDuration('250ms', '--retry-interval')).toBe(250);
    expect(parseDuration('45', '--retry-interval')).toBe(45_000);
    expect(parseDuration('1d', '--since')).toBe(86_400_000);
    expect(parseDuration(' 2h 5m ', '--timeout')).toBe(7_500_000);
  });

  it('names the flag and the value it cannot read', () => {
    expect(() => parseDuration('10 minutes', '--retry-until')).toThrow(
      /^--retry-until 10 minutes: expected a duration like 30s/,
    );
    expect(() => parseDuration('', '--since')).toThrow(/^--since : expected a duration/);
  });
});
