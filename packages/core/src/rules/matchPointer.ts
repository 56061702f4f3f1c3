import { splitPointer } from '../diff/pointer.js';

/** One segment of a compiled pointer pattern: a literal, `*` (exactly one segment) or `**` (any number). */
export type PatternPart = { type: 'literal'; text: string } | { type: 'one' } | { type: 'any' };

/** A pattern segment that is only backslashes and then `*` or `**`: an escaped literal star key. */
const ESCAPED_STAR = /^\\+\*\*?$/;

/**
 * Parses one pattern segment (already RFC 6901-unescaped): `*` and `**` are wildcards; `\*` and `\**` match a
 * key literally named `*` or `**` (one leading backslash is dropped from a run of backslashes before the stars);
 * anything else is literal.
 *
 * @example
 * parsePatternSegment('**') // { type: 'any' }
 * parsePatternSegment('\\**') // { type: 'literal', text: '**' }
 */
export function parsePatternSegment(segment: string): PatternPart {
  if (segment === '*') return { type: 'one' };
  if (segment === '**') return { type: 'any' };
  if (ESCAPED_STAR.test(segment)) return { type: 'literal', text: segment.slice(1) };
  return { type: 'literal', text: segment };
}

/**
 * Escapes a concrete key so that, as a pattern segment, it matches only itself: `*` → `\*`, `**` → `\**`,
 * `\*` → `\\*`; every other key is its own pattern.
 *
 * @example
 * escapePatternSegment('**') // '\\**'
 * escapePatternSegment('price') // 'price'
 */
export function escapePatternSegment(key: string): string {
  return key === '*' || key === '**' || ESCAPED_STAR.test(key) ? `\\${key}` : key;
}

/** Parses a pointer pattern into parts; runs of `**` collapse into one (they match the same pointers). */
export function parsePointerPattern(pattern: string): PatternPart[] {
  const parts: PatternPart[] = [];
  for (const segment of splitPointer(pattern)) {
    const part = parsePatternSegment(segment);
    if (part.type === 'any' && parts.at(-1)?.type === 'any') continue;
    parts.push(part);
  }
  return parts;
}

/**
 * Matches segments against parts as a set of states over the parts (a Thompson NFA): each segment advances
 * every live state once, so the cost is at most segments × parts, with no backtracking whatever the number of
 * `**` (a backtracking matcher takes exponential time on `/**\/**\/…/x` against a deep pointer that fails).
 */
function matchParts(parts: readonly PatternPart[], segments: readonly string[]): boolean {
  const n = parts.length;
  let current = new Uint8Array(n + 1);
  let next = new Uint8Array(n + 1);
  /** Marks state i and, through `**` (which may match nothing), the states after it. */
  const add = (states: Uint8Array, i: number) => {
    let at = i;
    while (at <= n && states[at] === 0) {
      states[at] = 1;
      if (at < n && (parts[at] as PatternPart).type === 'any') at += 1;
      else break;
    }
  };
  add(current, 0);
  for (const segment of segments) {
    next.fill(0);
    let alive = false;
    for (let i = 0; i < n; i += 1) {
      if (current[i] === 0) continue;
      const part = parts[i] as PatternPart;
      if (part.type === 'any') {
        add(next, i);
        alive = true;
      } else if (part.type === 'one' || part.text === segment) {
        add(next, i + 1);
        alive = true;
      }
    }
    if (!alive) return false;
    [current, next] = [next, current];
  }
  return current[n] === 1;
}

/** A matcher of segment lists for parsed parts, with fast paths for patterns without `**`. */
function compileParts(parts: readonly PatternPart[]): (segments: readonly string[]) => boolean {
  if (!parts.some((p) => p.type === 'any')) {
    return (segments) => {
      if (segments.length !== parts.length) return false;
      for (let i = 0; i < parts.length; i += 1) {
        const part = parts[i] as PatternPart;
        if (part.type === 'literal' && part.text !== segments[i]) return false;
      }
      return true;
    };
  }
  if (parts.length === 1) return () => true;
  return (segments) => matchParts(parts, segments);
}

/**
 * Compiles a pointer pattern with `*` (exactly one segment) and `**` (any number of segments, including none)
 * into a matcher of concrete pointers. `\*` and `\**` match keys literally named `*` and `**`. The matcher
 * runs in time linear in the pointer's depth (times the pattern's length), never backtracking.
 *
 * @example
 * compilePointerPattern('/**\/requestId')('/orders/0/requestId') // true
 * compilePointerPattern('/\\**')('/price') // false: matches only a key named `**`
 */
export function compilePointerPattern(pattern: string): (pointer: string) => boolean {
  const match = compileParts(parsePointerPattern(pattern));
  return (pointer) => match(splitPointer(pointer));
}

/**
 * Like {@link compilePointerPattern}, but matches a pointer already split into segments (the diff walks
 * documents with a segment stack and never builds a pointer string unless it reports a difference).
 *
 * @example
 * compileSegmentsPattern('/orders/*\/lines')(['orders', '3', 'lines']) // true
 */
export function compileSegmentsPattern(pattern: string): (segments: readonly string[]) => boolean {
  return compileParts(parsePointerPattern(pattern));
}

/**
 * Matches a route pattern (`GET /products/:id`, `* /health`, `GET /admin/*`) against a route.
 * A `*` stands for one segment (or any method); everything else is literal.
 */
export function compileRoutePattern(pattern: string): (route: string) => boolean {
  const [method, path = ''] = pattern.trim().split(/\s+/, 2);
  const segments = path.split('/');
  return (route) => {
    const [m, p = ''] = route.split(' ', 2);
    if (method !== '*' && method?.toUpperCase() !== m) return false;
    const parts = p.split('/');
    if (segments.at(-1) === '**') {
      if (parts.length < segments.length - 1) return false;
    } else if (parts.length !== segments.length) return false;
    return segments.every((s, i) => s === '**' || s === '*' || s === parts[i]);
  };
}
