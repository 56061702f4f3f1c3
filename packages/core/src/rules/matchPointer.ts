import { splitPointer } from '../diff/pointer.js';

/**
 * Compiles a pointer pattern with `*` (exactly one segment) and `**` (any number of segments, including none)
 * into a matcher of concrete pointers.
 *
 * @example
 * compilePointerPattern('/**\/requestId')('/orders/0/requestId') // true
 */
export function compilePointerPattern(pattern: string): (pointer: string) => boolean {
  const parts = splitPointer(pattern);
  return (pointer) => matchSegments(parts, 0, splitPointer(pointer), 0);
}

/**
 * Like {@link compilePointerPattern}, but matches a pointer already split into segments (the diff walks
 * documents with a segment stack and never builds a pointer string unless it reports a difference).
 *
 * @example
 * compileSegmentsPattern('/orders/*\/lines')(['orders', '3', 'lines']) // true
 */
export function compileSegmentsPattern(pattern: string): (segments: readonly string[]) => boolean {
  const parts = splitPointer(pattern);
  return (segments) => matchSegments(parts, 0, segments, 0);
}

function matchSegments(pattern: readonly string[], i: number, path: readonly string[], j: number): boolean {
  while (i < pattern.length) {
    const part = pattern[i];
    if (part === '**') {
      if (i === pattern.length - 1) return true;
      for (let k = j; k <= path.length; k += 1) if (matchSegments(pattern, i + 1, path, k)) return true;
      return false;
    }
    if (j >= path.length) return false;
    if (part !== '*' && part !== path[j]) return false;
    i += 1;
    j += 1;
  }
  return j === path.length;
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
