/** Distinct values a query key may have and still be part of the stratum (`status=cancelled`). */
export const MAX_ENUM_VALUES = 6;
/** Values remembered per key. */
const MAX_VALUES = MAX_ENUM_VALUES + 1;
/** Strata a route may have; past this, its new query shapes share one. */
export const MAX_STRATA_PER_ROUTE = 16;
/** Keys a shape lists at most. */
const MAX_KEYS = 8;

const NUMERIC = /^-?\d+(\.\d+)?$/;

/** Turns a route and a query string into a stratum: the route plus the query's shape. */
export interface QueryShaper {
  /** Feeds one request of the learning prefix. */
  learn(route: string, path: string): void;
  /** Decides which keys are enumerations; later `learn` calls are ignored. */
  finish(): void;
  /** `GET /orders?status=cancelled&page` for `/orders?page=3&status=cancelled`. */
  stratum(route: string, path: string): string;
}

function queryOf(path: string): URLSearchParams | undefined {
  const q = path.indexOf('?');
  if (q < 0 || q === path.length - 1) return undefined;
  try {
    return new URLSearchParams(path.slice(q + 1));
  } catch {
    return undefined;
  }
}

/**
 * Query-aware strata. A record's stratum is its route plus its query shape: the sorted set of query keys, and
 * the value of each key that has few distinct values in the learning prefix (at most {@link MAX_ENUM_VALUES}, not
 * all numbers): `status=cancelled` is a stratum of its own, `page=3` is not. Secret keys never show their
 * value. A route has at most {@link MAX_STRATA_PER_ROUTE} strata; later shapes share `route?…`.
 *
 * @example
 * const shaper = createQueryShaper({ isSecret: () => false });
 * shaper.learn('GET /orders', '/orders?status=cancelled&page=2'); shaper.finish();
 * shaper.stratum('GET /orders', '/orders?page=3&status=cancelled') // 'GET /orders?page&status=cancelled'
 */
export function createQueryShaper(options: { isSecret: (name: string) => boolean }): QueryShaper {
  const values = new Map<string, Set<string>>();
  const enumerated = new Set<string>();
  const strataOf = new Map<string, Set<string>>();
  let finished = false;
  return {
    learn(route, path) {
      if (finished) return;
      const query = queryOf(path);
      if (!query) return;
      for (const [key, value] of query) {
        const id = `${route}\u0000${key}`;
        let set = values.get(id);
        if (!set) {
          if (values.size >= 10_000) continue;
          set = new Set();
          values.set(id, set);
        }
        if (set.size < MAX_VALUES) set.add(value);
      }
    },
    finish() {
      finished = true;
      for (const [id, set] of values) {
        const key = id.slice(id.indexOf('\u0000') + 1);
        if (set.size <= MAX_ENUM_VALUES && ![...set].every((v) => NUMERIC.test(v)) && !options.isSecret(key))
          enumerated.add(id);
      }
      values.clear();
    },
    stratum(route, path) {
      const query = queryOf(path);
      if (!query) return route;
      const parts = new Set<string>();
      for (const [key, value] of query) {
        // Re-encoded: a stratum is printed and reported, so a logged value must not carry control characters.
        const name = encodeURIComponent(key);
        parts.add(enumerated.has(`${route}\u0000${key}`) ? `${name}=${encodeURIComponent(value)}` : name);
        if (parts.size >= MAX_KEYS) break;
      }
      const stratum = `${route}?${[...parts].sort().join('&')}`;
      let strata = strataOf.get(route);
      if (!strata) {
        if (strataOf.size >= 10_000) return route;
        strata = new Set();
        strataOf.set(route, strata);
      }
      if (strata.has(stratum)) return stratum;
      if (strata.size >= MAX_STRATA_PER_ROUTE) return `${route}?…`;
      strata.add(stratum);
      return stratum;
    },
  };
}
