import { createRouteMatcher, type RouteMatcher, type RouteTemplate } from '../routes/createRouteMatcher.js';
import { isParameterSegment } from './inferRoute.js';

/** Distinct values a segment position needs, across otherwise equal paths, to be a parameter. */
export const MIN_DISTINCT_VALUES = 10;
/** Distinct values remembered per position (enough to decide; bounds memory). */
const MAX_VALUES = 64;
/** Distinct paths the learner remembers (a bounded prefix of the log). */
const MAX_PATHS = 10_000;
/** Positions (path shapes with one segment left open) it tracks. */
const MAX_KEYS = 50_000;
/** Learning passes: a parameter found in one pass can reveal one nested beside it in the next. */
const PASSES = 3;

const PARAM = '\u0000';

/** Learns from a bounded prefix of the log which path segments are parameters (SKUs, slugs, emails). */
export interface RouteLearner {
  /** Feeds one request of the learning prefix (before {@link RouteLearner.finish}). */
  learn(method: string, path: string): void;
  /** Decides which positions are parameters; later `learn` calls are ignored. */
  finish(): void;
  /** `GET /products/:id` for `/products/SKU-1000` once the position is learned; numbers, UUIDs and opaque ids always. */
  route(method: string, path: string): string;
  /** Learned parameter positions, as `GET /products/*` patterns (for tests and reports). */
  learned(): string[];
}

function segmentsOf(path: string): string[] {
  const q = path.indexOf('?');
  const bare = q < 0 ? path : path.slice(0, q);
  return bare.split('/').map((segment) => (segment !== '' && isParameterSegment(segment) ? PARAM : segment));
}

function keyAt(method: string, segments: readonly string[], at: number): string {
  let key = `${method} ${segments.length}`;
  for (let i = 0; i < segments.length; i += 1) key += `/${i === at ? '*' : segments[i]}`;
  return key;
}

/**
 * Route inference that learns parameters from the log itself: a segment position whose values are many
 * (at least {@link MIN_DISTINCT_VALUES}) across otherwise equal paths is a parameter, so `/products/SKU-1000`
 * … `SKU-1059` are one route `GET /products/:id`. A value that carries a tenth of that position's traffic
 * stays literal (`/products/featured`). Memory is bounded: it learns from the first 10,000 distinct paths,
 * keeping at most 64 values per position.
 *
 * @example
 * const learner = createRouteLearner();
 * for (const r of prefix) learner.learn(r.method, r.path);
 * learner.finish();
 * learner.route('GET', '/products/SKU-1042') // 'GET /products/:id'
 */
export function createRouteLearner(): RouteLearner {
  const paths = new Map<string, { method: string; path: string; count: number }>();
  const learnedKeys = new Map<string, Set<string>>();
  /** `METHOD length` pairs that have a learned position: other paths skip the key building. */
  const shapes = new Set<string>();
  let finished = false;
  // The learned shapes of the prefix (`GET /users/:p1/posts/:p3`), so a path whose every segment is new
  // (a new user and a new slug) still finds its route; an id-like segment only matches one in the template.
  let shapeMatcher: RouteMatcher | undefined;

  const substitute = (method: string, segments: string[]): string[] => {
    if (learnedKeys.size === 0 || !shapes.has(`${method} ${segments.length}`)) return segments;
    for (let pass = 0; pass < PASSES; pass += 1) {
      let changed = false;
      for (let i = 1; i < segments.length; i += 1) {
        const segment = segments[i] as string;
        if (segment === PARAM || segment === '') continue;
        const literals = learnedKeys.get(keyAt(method, segments, i));
        if (literals && !literals.has(segment)) {
          segments[i] = PARAM;
          changed = true;
        }
      }
      if (!changed) break;
    }
    return segments;
  };

  return {
    learn(method, path) {
      if (finished) return;
      const id = `${method} ${path}`;
      const known = paths.get(id);
      if (known) known.count += 1;
      else if (paths.size < MAX_PATHS) paths.set(id, { method, path, count: 1 });
    },
    finish() {
      if (finished) return;
      finished = true;
      for (let pass = 0; pass < PASSES; pass += 1) {
        const stats = new Map<string, { total: number; values: Map<string, number> }>();
        for (const { method, path, count } of paths.values()) {
          const segments = substitute(method, segmentsOf(path));
          for (let i = 1; i < segments.length; i += 1) {
            const segment = segments[i] as string;
            if (segment === PARAM || segment === '') continue;
            const key = keyAt(method, segments, i);
            let stat = stats.get(key);
            if (!stat) {
              if (stats.size >= MAX_KEYS) continue;
              stat = { total: 0, values: new Map() };
              stats.set(key, stat);
            }
            stat.total += count;
            const seen = stat.values.get(segment);
            if (seen !== undefined) stat.values.set(segment, seen + count);
            else if (stat.values.size < MAX_VALUES) stat.values.set(segment, count);
          }
        }
        let found = false;
        for (const [key, stat] of stats) {
          if (learnedKeys.has(key) || stat.values.size < MIN_DISTINCT_VALUES) continue;
          // A value carrying a tenth of the position's traffic is a name of its own (`featured`), not an id.
          const literals = new Set(
            [...stat.values].filter(([, n]) => n >= 5 && n >= stat.total / 10).map(([value]) => value),
          );
          if (stat.values.size - literals.size < MIN_DISTINCT_VALUES) continue;
          learnedKeys.set(key, literals);
          const [method, length] = key.split(' ', 2);
          shapes.add(`${method} ${Number.parseInt(length ?? '0', 10)}`);
          found = true;
        }
        if (!found) break;
      }
      const templates = new Map<string, RouteTemplate>();
      for (const { method, path } of paths.values()) {
        const basic = segmentsOf(path);
        const learnedAt = substitute(method, [...basic]);
        if (!learnedAt.some((segment, i) => segment === PARAM && basic[i] !== PARAM)) continue;
        const template = learnedAt
          .map((segment, i) => (segment === PARAM && basic[i] !== PARAM ? `:p${i}` : segment))
          .join('/');
        if (templates.size < MAX_PATHS) templates.set(`${method} ${template}`, { method, path: template });
      }
      if (templates.size > 0) {
        // Names kept literal at a learned position (`/products/featured`) must win over the learned shape.
        const learnedOnly = createRouteMatcher([...templates.values()]);
        const literals: RouteTemplate[] = [];
        for (const { method, path } of paths.values()) {
          const segments = substitute(method, segmentsOf(path));
          const bare = segments.join('/');
          if (!templates.has(`${method} ${bare}`) && learnedOnly.match(method, bare) !== undefined)
            literals.push({ method, path: bare });
        }
        shapeMatcher = createRouteMatcher([...templates.values(), ...literals]);
      }
      paths.clear();
    },
    route(method, path) {
      let segments = segmentsOf(path);
      const shape = shapeMatcher?.match(method, segments.join('/'));
      if (shape !== undefined) {
        segments = shape
          .slice(shape.indexOf(' ') + 1)
          .split('/')
          .map((segment) => (segment.startsWith(':p') ? PARAM : segment));
      } else segments = substitute(method, segments);
      let n = 0;
      const named = segments.map((segment) => {
        if (segment !== PARAM) return segment;
        n += 1;
        return n === 1 ? ':id' : `:id${n}`;
      });
      return `${method} ${named.join('/') || '/'}`;
    },
    learned: () =>
      [...learnedKeys.keys()].map((key) => key.replace(/^(\S+) \d+\//, '$1 ').replaceAll(PARAM, ':id')),
  };
}
