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

/**
 * Stable 53-bit hash of a string (cyrb53): few enough collisions to tell requests apart in `--dedupe`.
 *
 * @example
 * stableHash53('GET /orders/1\n') === stableHash53('GET /orders/1\n') // true
 */
export function stableHash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * The identity of a request for shards and `--dedupe`: method, path with query, and body.
 *
 * @example
 * requestKey({ method: 'GET', path: '/a?b=1' }) // 'GET /a?b=1\n'
 */
export function requestKey(record: { method: string; path: string; body?: string }): string {
  return `${record.method} ${record.path}\n${record.body ?? ''}`;
}
