import type { RequestRecord } from '../model.js';
import { createRandom } from './random.js';

export interface SamplerOptions {
  /** Records to pick in all. */
  size: number;
  /** Seed of the reproducible choice. */
  seed: number;
  /** Guaranteed records per route (fewer only when the route has fewer). */
  minPerRoute: number;
  /** Optional cap per route. */
  maxPerRoute?: number;
}

export interface Sampler {
  /** Offers one record of `route`; memory stays bounded by the sample size per route. */
  offer(record: RequestRecord, route: string): void;
  /** The chosen records, grouped by route in first-seen order, and how many each route had. */
  result(): { records: RequestRecord[]; seenPerRoute: Map<string, number> };
}

interface Stratum {
  seen: number;
  reservoir: RequestRecord[];
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
export function createSampler(options: SamplerOptions): Sampler {
  const random = createRandom(options.seed);
  const capacity = Math.max(1, Math.min(options.size, options.maxPerRoute ?? Number.POSITIVE_INFINITY));
  const strata = new Map<string, Stratum>();
  return {
    offer(record, route) {
      let stratum = strata.get(route);
      if (!stratum) {
        stratum = { seen: 0, reservoir: [] };
        strata.set(route, stratum);
      }
      stratum.seen += 1;
      if (stratum.reservoir.length < capacity) {
        stratum.reservoir.push(record);
        return;
      }
      const j = Math.floor(random() * stratum.seen);
      if (j < capacity) stratum.reservoir[j] = record;
    },
    result() {
      const allocation = allocate(strata, options);
      const records: RequestRecord[] = [];
      const seenPerRoute = new Map<string, number>();
      for (const [route, stratum] of strata) {
        seenPerRoute.set(route, stratum.seen);
        const take = allocation.get(route) ?? 0;
        const reservoir = [...stratum.reservoir];
        // A seeded partial shuffle picks `take` records uniformly from the reservoir.
        for (let i = 0; i < take; i += 1) {
          const j = i + Math.floor(random() * (reservoir.length - i));
          [reservoir[i], reservoir[j]] = [reservoir[j] as RequestRecord, reservoir[i] as RequestRecord];
        }
        records.push(...reservoir.slice(0, take));
      }
      return { records, seenPerRoute };
    },
  };
}

/** How many records each route gets: the guaranteed minimum first, the rest by largest remainder. */
function allocate(strata: Map<string, Stratum>, options: SamplerOptions): Map<string, number> {
  const allocation = new Map<string, number>();
  const cap = (stratum: Stratum) => Math.min(stratum.reservoir.length, options.maxPerRoute ?? Number.POSITIVE_INFINITY);
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
    const ideal = (budget * stratum.seen) / total;
    const current = allocation.get(route) ?? 0;
    const extra = Math.min(Math.floor(ideal), cap(stratum) - current);
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
  return allocation;
}
