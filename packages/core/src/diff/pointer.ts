/** Splits an RFC 6901 pointer into unescaped segments (`/a~1b/0` → `['a/b', '0']`). */
export function splitPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Joins segments into an RFC 6901 pointer. */
export function joinPointer(segments: readonly string[]): string {
  return segments.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * The pointer under which a difference is counted in reports: array indices become `*`, so
 * `/items/3/price` and `/items/7/price` count together as `/items/*\/price`.
 *
 * @example
 * aggregatePointer('/items/3/price') // '/items/*\/price'
 */
export function aggregatePointer(pointer: string): string {
  return pointer.replace(/\/\d+(?=\/|$)/g, '/*');
}
