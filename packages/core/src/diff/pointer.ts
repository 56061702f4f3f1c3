import { escapePatternSegment } from '../rules/matchPointer.js';

/** Splits an RFC 6901 pointer into unescaped segments (`/a~1b/0` → `['a/b', '0']`). */
export function splitPointer(pointer: string): string[] {
  if (pointer === '') return [];
  const segments = pointer.slice(1).split('/');
  if (!pointer.includes('~')) return segments;
  return segments.map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Joins segments into an RFC 6901 pointer. */
export function joinPointer(segments: readonly string[]): string {
  let pointer = '';
  for (const s of segments) {
    // Most segments need no escaping; skip the two replaces for them (the diff builds many pointers).
    pointer +=
      s.includes('~') || s.includes('/') ? `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}` : `/${s}`;
  }
  return pointer;
}

/**
 * The pointer under which a difference is counted in reports: array indices become `*`, so
 * `/items/3/price` and `/items/7/price` count together as `/items/*\/price`.
 *
 * @example
 * aggregatePointer('/items/3/price') // '/items/*\/price'
 * aggregatePointer('/**') // '/\\**' (a key named `**`)
 */
export function aggregatePointer(pointer: string): string {
  const folded = pointer.replace(/\/\d+(?=\/|$)/g, '/*');
  if (!pointer.includes('*')) return folded;
  // A key literally named `*` or `**` is escaped (`\*`, `\**`), so the aggregate stays a pattern that
  // matches only what it counts: a learned rule on a key `**` must not become `/**`, which matches everything.
  return joinPointer(splitPointer(pointer).map((s) => (/^\d+$/.test(s) ? '*' : escapePatternSegment(s))));
}

/**
 * The value at an RFC 6901 pointer, or undefined when the path does not exist.
 *
 * @example
 * valueAtPointer({ meta: { version: '1.5.0' } }, '/meta/version') // '1.5.0'
 */
export function valueAtPointer(document: unknown, pointer: string): unknown {
  let node: unknown = document;
  for (const segment of splitPointer(pointer)) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}
