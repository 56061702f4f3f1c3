/**
 * Seeded pseudo-random numbers in [0, 1) (mulberry32): the same seed gives the same sample on every machine.
 *
 * @example
 * const next = createRandom(1); next(); // 0.6270739405881613
 */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Stable 32-bit FNV-1a hash of a string: the same on every machine and run, used for shards and dedupe.
 *
 * @example
 * stableHash('GET /orders/1') % 4 // the shard of that request out of 4
 */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
