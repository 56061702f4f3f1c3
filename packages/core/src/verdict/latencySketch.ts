/**
 * A latency histogram with logarithmic buckets (about 1% relative error), mergeable exactly: merging the
 * sketches of N shards gives the same quantiles as one sketch of all values.
 */
export interface LatencySketch {
  /** Bucket index → count. Bucket i holds values in (γ^(i-1), γ^i] milliseconds. */
  buckets: Record<string, number>;
  count: number;
  min: number | null;
  max: number | null;
}

const GAMMA = 1.02;
const LOG_GAMMA = Math.log(GAMMA);
// Values below this are counted in bucket 0, so sub-microsecond noise does not create thousands of buckets.
const MIN_VALUE = 0.001;
/**
 * The largest bucket index a sketch holds: about 1.6·10¹¹ ms (five years), far beyond any timeout. Larger
 * latencies are counted in it, and a saved report with a larger index is refused (charts and quantiles
 * would compute 1.02^index).
 */
export const MAX_BUCKET_INDEX = 2000;

export function createSketch(): LatencySketch {
  return { buckets: {}, count: 0, min: null, max: null };
}

/** Adds one latency in milliseconds. */
export function addToSketch(sketch: LatencySketch, ms: number): void {
  const value = Math.max(ms, MIN_VALUE);
  const index = Math.min(MAX_BUCKET_INDEX, Math.ceil(Math.log(value / MIN_VALUE) / LOG_GAMMA));
  const key = String(index);
  sketch.buckets[key] = (sketch.buckets[key] ?? 0) + 1;
  sketch.count += 1;
  sketch.min = sketch.min === null ? ms : Math.min(sketch.min, ms);
  sketch.max = sketch.max === null ? ms : Math.max(sketch.max, ms);
}

/** Sums two sketches into a new one. */
export function mergeSketches(a: LatencySketch, b: LatencySketch): LatencySketch {
  const buckets = { ...a.buckets };
  for (const [key, count] of Object.entries(b.buckets)) buckets[key] = (buckets[key] ?? 0) + count;
  const pick = (x: number | null, y: number | null, f: (p: number, q: number) => number) =>
    x === null ? y : y === null ? x : f(x, y);
  return {
    buckets,
    count: a.count + b.count,
    min: pick(a.min, b.min, Math.min),
    max: pick(a.max, b.max, Math.max),
  };
}

/**
 * The q-quantile (0..1) in milliseconds, within about 1% of the true value; null for an empty sketch.
 *
 * @example
 * const s = createSketch(); [10, 20, 30].forEach((v) => addToSketch(s, v)); quantile(s, 0.5) // ≈ 20
 */
export function quantile(sketch: LatencySketch, q: number): number | null {
  if (sketch.count === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sketch.count));
  const keys = Object.keys(sketch.buckets)
    .map(Number)
    .sort((x, y) => x - y);
  let seen = 0;
  for (const key of keys) {
    seen += sketch.buckets[String(key)] ?? 0;
    if (seen >= rank) {
      // Midpoint of the bucket, clamped to the observed range.
      const upper = MIN_VALUE * GAMMA ** key;
      const value = (upper + upper / GAMMA) / 2;
      return Math.min(Math.max(value, sketch.min ?? value), sketch.max ?? value);
    }
  }
  return sketch.max;
}

/**
 * The range of latencies (milliseconds) that bucket `index` of a sketch holds: (lower, upper].
 *
 * @example
 * const [lower, upper] = bucketRange(Number(Object.keys(sketch.buckets)[0]));
 */
export function bucketRange(index: number): [number, number] {
  if (index <= 0) return [0, MIN_VALUE];
  const upper = MIN_VALUE * GAMMA ** index;
  return [upper / GAMMA, upper];
}
