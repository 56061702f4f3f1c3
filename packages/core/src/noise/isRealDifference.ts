/** Diffy's thresholds. */
export interface NoiseThresholds {
  /** |ρr − ρn| / (ρr + ρn) must exceed this (default 0.2). */
  relative: number;
  /** |ρr − ρn| must exceed this (default 0.0003, i.e. 0.03%). */
  absolute: number;
}

export const DEFAULT_NOISE_THRESHOLDS: NoiseThresholds = { relative: 0.2, absolute: 0.0003 };

/** Counts of one route and pointer: r differences over T compared records, n noise differences over Tp probed ones. */
export interface NoiseCounts {
  raw: number;
  compared: number;
  noise: number;
  probed: number;
}

/**
 * Diffy's rule on rates: with ρr = r/T and ρn = n/Tp, a pointer's differences are real only if ρr > ρn,
 * |ρr−ρn|/(ρr+ρn) > relative and |ρr−ρn| > absolute. With Tp = T it is Diffy's rule on counts.
 *
 * @example
 * isRealDifference({ raw: 10, compared: 100, noise: 10, probed: 100 }) // false: as often as live vs live
 * isRealDifference({ raw: 40, compared: 100, noise: 2, probed: 20 }) // true: 40% against 10%
 */
export function isRealDifference(
  counts: NoiseCounts,
  thresholds: NoiseThresholds = DEFAULT_NOISE_THRESHOLDS,
): boolean {
  const rawRate = counts.compared > 0 ? counts.raw / counts.compared : 0;
  const noiseRate = counts.probed > 0 ? counts.noise / counts.probed : 0;
  if (!(rawRate > noiseRate)) return false;
  const delta = rawRate - noiseRate;
  return delta / (rawRate + noiseRate) > thresholds.relative && delta > thresholds.absolute;
}
