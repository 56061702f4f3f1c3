import { BgReplayError } from '../errors.js';

// Coefficients of Peter Acklam's rational approximation of the inverse normal CDF (relative error < 1.15e-9,
// far below anything a verdict can notice).
const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
];
const B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
];
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

const poly = (coefficients: readonly number[], x: number) => coefficients.reduce((acc, c) => acc * x + c, 0);

/**
 * The quantile function of the standard normal distribution (inverse CDF): the z with P(Z ≤ z) = p.
 *
 * @example
 * inverseNormalCdf(0.975) // ≈ 1.959964
 */
export function inverseNormalCdf(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return Number.NEGATIVE_INFINITY;
    if (p === 1) return Number.POSITIVE_INFINITY;
    throw new RangeError(`inverseNormalCdf: p must be in [0, 1], got ${p}`);
  }
  let x: number;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = poly(C, q) / (poly(D, q) * q + 1);
  } else if (p <= 1 - P_LOW) {
    const q = p - 0.5;
    const r = q * q;
    x = (poly(A, r) * q) / (poly(B, r) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -poly(C, q) / (poly(D, q) * q + 1);
  }
  return x;
}

function checkConfidence(confidence: number): void {
  if (!(confidence === 0 || (confidence >= 0.5 && confidence < 1))) {
    throw new BgReplayError(
      'E_USAGE',
      `--confidence ${confidence} is out of range: expected 0 (judge the raw rate) or a number 0.5 ≤ c < 1 (e.g. 0.95)`,
    );
  }
}

/**
 * The z of a one-sided bound at `confidence`: z = Φ⁻¹(confidence), so 0.95 → 1.645. "Is the match rate at
 * least the threshold?" is a one-sided question, so the lower bound is exceeded with probability
 * 1 − confidence, not half of it. `0` gives z = 0: the bound is the rate itself.
 *
 * @example
 * zForConfidence(0.95) // ≈ 1.644854
 */
export function zForConfidence(confidence: number): number {
  checkConfidence(confidence);
  return confidence === 0 ? 0 : inverseNormalCdf(confidence);
}

function wilsonBounds(successes: number, n: number, z: number): { lower: number; upper: number } {
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  return { lower: clamp((centre - margin) / denominator), upper: clamp((centre + margin) / denominator) };
}

/**
 * Two-sided Wilson score interval of `successes` out of `n` at `confidence` (z = Φ⁻¹(1 − (1 − c)/2));
 * null when n is 0. For display; the verdict uses the one-sided `wilsonLowerBound`.
 *
 * @example
 * wilsonInterval(95, 100, 0.95) // { lower: 0.8882…, upper: 0.9785… }
 */
export function wilsonInterval(
  successes: number,
  n: number,
  confidence: number,
): { lower: number; upper: number } | null {
  if (n <= 0) return null;
  checkConfidence(confidence);
  return wilsonBounds(successes, n, confidence === 0 ? 0 : inverseNormalCdf(1 - (1 - confidence) / 2));
}

/**
 * One-sided lower bound of the Wilson score interval (z = Φ⁻¹(confidence)): the match rate the evidence
 * supports at `confidence`. 3 matches out of 3 at 95% give 0.525, not 100%.
 *
 * @example
 * wilsonLowerBound(95, 100, 0.95) // 0.9016…
 */
export function wilsonLowerBound(successes: number, n: number, confidence: number): number | null {
  if (n <= 0) return null;
  return wilsonBounds(successes, n, zForConfidence(confidence)).lower;
}

/**
 * How many records, all matching, it takes for the one-sided Wilson lower bound to reach `threshold`
 * (n/(n+z²) ≥ t ⇔ n ≥ z²·t/(1−t)). Tells a user how large a sample a threshold needs.
 *
 * @example
 * recordsNeeded(0.99, 0.95) // 268
 */
export function recordsNeeded(threshold: number, confidence: number): number {
  if (threshold <= 0) return 1;
  if (threshold >= 1) return Number.POSITIVE_INFINITY;
  const z = zForConfidence(confidence);
  return Math.max(1, Math.ceil((z * z * threshold) / (1 - threshold) - 1e-9));
}
