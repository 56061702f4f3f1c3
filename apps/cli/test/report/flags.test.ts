import { describe, expect, it } from 'vitest';
import { parseLatencyBudget, verdictOptionsFrom } from '../../src/flags/verdictFlags.js';

describe('verdict flags', () => {
  it('parses a latency budget and names the part at fault', () => {
    expect(parseLatencyBudget('p95=1.5,p50=1.3')).toEqual({ p95: 1.5, p50: 1.3 });
    expect(() => parseLatencyBudget('p90=1.5')).toThrow(/"p90=1.5" is not <quantile>=<ratio>/);
    expect(() => parseLatencyBudget('p95=0')).toThrow(/--latency-budget p95=0/);
  });

  it('maps the flags to validate options, retries only when asked', () => {
    expect(verdictOptionsFrom({ threshold: 0.9, 'min-samples': 5, 'retry-interval': '30s' })).toEqual({
      threshold: 0.9,
      minSamples: 5,
    });
    expect(
      verdictOptionsFrom({
        threshold: 0.9,
        'min-samples': 5,
        confidence: 0.9,
        'latency-budget': 'p95=2',
        'retry-until': '10m',
        'retry-interval': '30s',
      }),
    ).toEqual({
      threshold: 0.9,
      minSamples: 5,
      confidence: 0.9,
      latencyBudget: { p95: 2 },
      retryUntilMs: 600_000,
      retryIntervalMs: 30_000,
    });
  });
});
