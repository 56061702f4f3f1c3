import type { RequestRecord } from '../model.js';
import { createRandom } from './random.js';

export interface SamplerOptions<C = RequestRecord> {
  /** Records to pick in all. */
  size: number;
  /** Seed of the reproducible choice. */
  seed: number;
  /** Guaranteed records per route (fewer only when the route has fewer). */
  minPerRoute: number;
  /** Optional cap per route (summed over the route's strata when `routeOfStratum` is given). */
  maxPerRoute?: number;
  /** The route a stratum key belongs to, when strata are finer than routes (`GET /orders?status=cancelled`). */
  routeOfStratum?: (stratum: string) => string;
  /**
   * Routes stratified on their own (default 10,000); later new routes share one stratum, so a log whose
   * paths never repeat cannot grow memory route by route.
   */
  maxRoutes?: number;
  /**
   * Turns an offered candidate into the record to keep; called only when the reservoir takes it, so a
   * caller can offer cheap handles and parse (and copy) in full only what is kept. `undefined` = unusable.
   */
  materialize?: (candidate: C) => RequestRecord | undefined;
}

/** What became of an offered candidate. */
export type OfferResult = 'kept' | 'passed' | 'duplicate' | 'failed';

export interface Sampler<C = RequestRecord> {
  /**
   * Offers one candidate of `route`; memory stays bounded by the sample size per route. With `key` (a hash
   * of the request), a candidate identical to one the route's reservoir holds is a `duplicate` and not counted.
   */
  offer(candidate: C, route: string, key?: number): OfferResult;
  /** The chosen records, grouped by route in first-seen order, and how many each route had. */
  result(): { records: RequestRecord[]; seenPerRoute: Map<string, number> };
  /** Records held right now: at most four times the sample size plus each route's minimum. */
  held(): number;
}

/** Key of the stratum shared by the routes past `maxRoutes`. */
const OTHER_ROUTES = '\u0000other routes';

interface Stratum {
  seen: number;
  /** How many records this reservoir may hold; halved when the sampler as a whole holds too many. */
  capacity: number;
  reservoir: RequestRecord[];
  /** Keys of the reservoir's records (with `--dedupe`), parallel to it, and their counts. */
  keys: Array<number | undefined>;
  keyCounts?: Map<number, number>;
}

/**
 * Stratified reservoir sampling: one uniform reservoir per route (Algorithm R, seeded), then every route
 * gets `minPerRoute` records and the rest of `size` is shared in proportion to each route's traffic.
 * A route with 10 lines in 5,000 still appears; the same seed and input give the same sample.
 *
 * @example
 * const sampler = createSampler({ size: 200, seed: 1, minPerRoute: 5 });
 * for (const r of records) sampler.offer(r, routeOf(r));
 * const { records: chosen } = sampler.result();
 */
export function createSampler<C = RequestRecord>(options: SamplerOptions<C>): Sampler<C> {
  const random = createRandom(options.seed);
  const capacity = Math.max(1, Math.min(options.size, options.maxPerRoute ?? Number.POSITIVE_INFINITY));
  const maxRoutes = options.maxRoutes ?? 10_000;
  const materialize = options.materialize ?? ((candidate: C) => candidate as unknown as RequestRecord);
  const strata = new Map<string, Stratum>();
  // Memory bound: what the sample can use (four times its size) plus each route's guaranteed minimum.
  const budget = () => 4 * options.size + options.minPerRoute * strata.size;
  let held = 0;
  const forget = (stratum: Stratum, at: number) => {
    const old = stratum.keys[at];
    if (old !== undefined && stratum.keyCounts) {
      const left = (stratum.keyCounts.get(old) ?? 1) - 1;
      if (left === 0) stratum.keyCounts.delete(old);
      else stratum.keyCounts.set(old, left);
    }
  };
  const take = (stratum: Stratum, record: RequestRecord, key: number | undefined, at: number) => {
    if (at === stratum.reservoir.length) held += 1;
    else forget(stratum, at);
    if (key !== undefined) {
      stratum.keyCounts ??= new Map();
      stratum.keyCounts.set(key, (stratum.keyCounts.get(key) ?? 0) + 1);
    }
    stratum.reservoir[at] = record;
    stratum.keys[at] = key;
  };
  // Halves the largest reservoir by a seeded uniform eviction: a uniform subset of a uniform sample is still
  // uniform, and Algorithm R goes on with the smaller capacity.
  const shrink = () => {
    let largest: Stratum | undefined;
    for (const stratum of strata.values()) {
      if (!largest || stratum.reservoir.length > largest.reservoir.length) largest = stratum;
    }
    if (!largest) return;
    const target = Math.max(options.minPerRoute, 1, Math.floor(largest.reservoir.length / 2));
    if (target >= largest.reservoir.length) return;
    while (largest.reservoir.length > target) {
      const at = Math.floor(random() * largest.reservoir.length);
      forget(largest, at);
      const last = largest.reservoir.length - 1;
      largest.reservoir[at] = largest.reservoir[last] as RequestRecord;
      largest.keys[at] = largest.keys[last];
      largest.reservoir.pop();
      largest.keys.pop();
      held -= 1;
    }
    largest.capacity = target;
  };
  return {
    offer(candidate, route, key) {
      let stratum = strata.get(route);
      if (!stratum) {
        const stratumKey = strata.size >= maxRoutes ? OTHER_ROUTES : route;
        stratum = strata.get(stratumKey);
        if (!stratum) {
          stratum = { seen: 0, capacity, reservoir: [], keys: [] };
          strata.set(stratumKey, stratum);
        }
      }
      if (key !== undefined && stratum.keyCounts?.has(key)) return 'duplicate';
      stratum.seen += 1;
      let at = stratum.reservoir.length;
      if (at >= stratum.capacity) {
        at = Math.floor(random() * stratum.seen);
        if (at >= stratum.capacity) return 'passed';
      }
      const record = materialize(candidate);
      if (record === undefined) {
        stratum.seen -= 1;
        return 'failed';
      }
      take(stratum, record, key, at);
      if (held > budget()) shrink();
      return 'kept';
    },
    held: () => held,
    result() {
      const allocation = allocate(strata, options);
      const records: RequestRecord[] = [];
      const seenPerRoute = new Map<string, number>();
      for (const [route, stratum] of strata) {
        if (stratum.seen === 0) continue;
        // The shared stratum of routes past `maxRoutes` is no route: its records keep their own.
        if (route !== OTHER_ROUTES) seenPerRoute.set(route, stratum.seen);
        const count = allocation.get(route) ?? 0;
        const reservoir = [...stratum.reservoir];
        // A seeded partial shuffle picks `count` records uniformly from the reservoir.
        for (let i = 0; i < count; i += 1) {
          const j = i + Math.floor(random() * (reservoir.length - i));
          [reservoir[i], reservoir[j]] = [reservoir[j] as RequestRecord, reservoir[i] as RequestRecord];
        }
        records.push(...reservoir.slice(0, count));
      }
      return { records, seenPerRoute };
    },
  };
}

/** How many records each route gets: the guaranteed minimum first, the rest by largest remainder. */
function allocate(
  strata: Map<string, Stratum>,
  options: Pick<SamplerOptions<unknown>, 'size' | 'minPerRoute' | 'maxPerRoute' | 'routeOfStratum'>,
): Map<string, number> {
  const allocation = new Map<string, number>();
  const cap = (stratum: Stratum) =>
    Math.min(stratum.reservoir.length, options.maxPerRoute ?? Number.POSITIVE_INFINITY);
  let left = options.size;
  for (const [route, stratum] of strata) {
    const take = Math.min(options.minPerRoute, cap(stratum));
    allocation.set(route, take);
    left -= take;
  }
  if (left <= 0) return allocation;
  const total = [...strata.values()].reduce((sum, s) => sum + s.seen, 0);
  const shares: { route: string; remainder: number }[] = [];
  let given = 0;
  const budget = left;
  for (const [route, stratum] of strata) {
    const ideal = total === 0 ? 0 : (budget * stratum.seen) / total;
    const current = allocation.get(route) ?? 0;
    const extra = Math.max(0, Math.min(Math.floor(ideal), cap(stratum) - current));
    allocation.set(route, current + extra);
    given += extra;
    shares.push({ route, remainder: ideal - Math.floor(ideal) });
  }
  left = budget - given;
  // Hand out what is left one by one, largest remainder first, to routes with records to spare.
  shares.sort((a, b) => b.remainder - a.remainder || a.route.localeCompare(b.route));
  while (left > 0) {
    let progressed = false;
    for (const { route } of shares) {
      if (left === 0) break;
      const stratum = strata.get(route) as Stratum;
      const current = allocation.get(route) ?? 0;
      if (current < cap(stratum)) {
        allocation.set(route, current + 1);
        left -= 1;
        progressed = true;
      }
    }
    if (!progressed) break;
  }
  if (options.maxPerRoute !== undefined && options.routeOfStratum)
    capRoutes(allocation, options.maxPerRoute, options.routeOfStratum);
  return allocation;
}

/** Trims routes whose strata together exceed `max`, from their largest stratum down, keeping one of each where it can. */
function capRoutes(allocation: Map<string, number>, max: number, routeOf: (stratum: string) => string): void {
  const byRoute = new Map<string, string[]>();
  for (const stratum of allocation.keys()) {
    const route = routeOf(stratum);
    byRoute.set(route, [...(byRoute.get(route) ?? []), stratum]);
  }
  for (const strata of byRoute.values()) {
    let total = strata.reduce((sum, s) => sum + (allocation.get(s) ?? 0), 0);
    while (total > max) {
      const largest = strata.reduce((a, b) => ((allocation.get(b) ?? 0) > (allocation.get(a) ?? 0) ? b : a));
      const count = allocation.get(largest) ?? 0;
      if (count === 0) break;
      allocation.set(largest, count - 1);
      total -= 1;
    }
  }
}
