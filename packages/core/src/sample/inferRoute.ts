import type { RequestRecord } from '../model.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMBER = /^-?\d+(\.\d+)?$/;
const HEX = /^[0-9a-f]{16,}$/i;
// Opaque ids: long tokens mixing letters and digits (ULIDs, base62 keys, Mongo ids), not ordinary words.
const OPAQUE = /^(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{16,}$/;

/** True for a path segment that is an identifier rather than a fixed name. */
export function isParameterSegment(segment: string): boolean {
  const decoded = safeDecode(segment);
  return NUMBER.test(decoded) || UUID.test(decoded) || HEX.test(decoded) || OPAQUE.test(decoded);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Infers `METHOD /path/:id` from a concrete path: numbers, UUIDs, long hex and opaque ids become `:id`
 * (`:id2`, `:id3` when a path has several). The query string is not part of a route.
 *
 * @example
 * inferRoute('GET', '/orders/42/items/9f1c2d3e-...?x=1') // 'GET /orders/:id/items/:id2'
 */
export function inferRoute(method: string, path: string): string {
  const bare = path.split('?', 1)[0] ?? '/';
  let n = 0;
  const segments = bare.split('/').map((segment) => {
    if (segment === '' || !isParameterSegment(segment)) return segment;
    n += 1;
    return n === 1 ? ':id' : `:id${n}`;
  });
  return `${method.toUpperCase()} ${segments.join('/') || '/'}`;
}

/**
 * Normalises a route template from a log (`/products/{id}`, `/files/{proxy+}`) to `GET /products/:id`; a
 * greedy parameter keeps its `+` (`GET /files/:proxy+`) so a catch-all can be told apart.
 *
 * @example
 * routeFromTemplate('get', '/products/{id}') // 'GET /products/:id'
 */
export function routeFromTemplate(method: string, template: string): string {
  const path = template.replace(/\{([^}+]+)(\+?)\}/g, ':$1$2');
  return `${method.toUpperCase()} ${path}`;
}

/**
 * True for a catch-all route key (`ANY /{proxy+}`, `GET /api/:proxy+`): it names no route of the service,
 * so the route is inferred again from the concrete path.
 *
 * @example
 * isCatchAllRoute('GET /:proxy+') // true
 */
export function isCatchAllRoute(route: string): boolean {
  // Checked on every record: look at the last character before comparing strings.
  const last = route.charCodeAt(route.length - 1);
  if (last === 43 /* + */) return true;
  if (last === 125 /* } */) return route.endsWith('+}');
  return last === 116 /* t */ && route.endsWith(' $default');
}

/** The record's route: the one from its log when known, else inferred from its path. */
export function routeOf(record: RequestRecord): string {
  return record.route ?? inferRoute(record.method, record.path);
}
