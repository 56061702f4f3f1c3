import picomatch from 'picomatch';
import { BgReplayError } from '../errors.js';
import { requestKey, stableHash } from './random.js';

/** Which records to consider before sampling. */
export interface RecordFilterOptions {
  /** Keep only records matching one of these: `GET /orders/:id` (route), `GET /orders/**` or `/orders/**` (path glob). */
  include?: readonly string[];
  /** Drop records matching one of these (same patterns as `include`). */
  exclude?: readonly string[];
  /** Keep only records live answered with one of these status classes or codes (`2xx`, `2xx,404`); records without a status pass. */
  liveStatus?: string;
  /** Keep only shard `index` (1-based) of `total`, by a stable hash of method, path and body. */
  shard?: { index: number; total: number };
}

/** Why a record was filtered out (a key of `CollectedSample.skippedBy`). */
export type FilterReason = 'include' | 'exclude' | 'liveStatus';

/** The fields a filter looks at. */
export interface FilterSubject {
  method: string;
  path: string;
  body?: string;
  status?: number;
}

type Matcher = (route: string, subject: FilterSubject) => boolean;

function compilePattern(pattern: string, flag: string): Matcher {
  const m = /^([A-Za-z]+|\*)\s+(\S.*)$/.exec(pattern.trim());
  const method = m ? (m[1] as string).toUpperCase() : '*';
  const glob = m ? (m[2] as string) : pattern.trim();
  if (!glob.startsWith('/') && !glob.startsWith('*')) {
    throw new BgReplayError(
      'E_USAGE',
      `${flag} ${pattern}: expected a route or path glob such as "GET /orders/:id", "/orders/**" or "GET /admin/*"`,
    );
  }
  // Routers such as Express and ASP.NET match paths without regard to case: `/Admin` must not slip past
  // `--exclude '/admin/**'`. Paths reach the filter canonical already (see `canonicalizePath`).
  const isMatch = picomatch(glob, { dot: true, nocase: true });
  return (route, subject) => {
    if (method !== '*' && method !== subject.method) return false;
    const space = route.indexOf(' ');
    const routePath = space < 0 ? route : route.slice(space + 1);
    if (isMatch(routePath)) return true;
    const q = subject.path.indexOf('?');
    return isMatch(q < 0 ? subject.path : subject.path.slice(0, q));
  };
}

/**
 * Parses `--live-status 2xx,404` into a test of a status.
 *
 * @example
 * parseStatusFilter('2xx')(204) // true
 */
export function parseStatusFilter(spec: string): (status: number) => boolean {
  const tests: Array<(status: number) => boolean> = [];
  for (const part of spec
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean)) {
    const cls = /^([1-5])xx$/.exec(part);
    if (cls) {
      const digit = Number(cls[1]);
      tests.push((s) => Math.floor(s / 100) === digit);
    } else if (/^[1-5]\d\d$/.test(part)) {
      const code = Number(part);
      tests.push((s) => s === code);
    } else {
      throw new BgReplayError(
        'E_USAGE',
        `--live-status ${spec}: expected status classes or codes such as 2xx or 2xx,404`,
      );
    }
  }
  if (tests.length === 0)
    throw new BgReplayError('E_USAGE', `--live-status ${spec}: name at least one class, e.g. 2xx`);
  return (status) => tests.some((test) => test(status));
}

/**
 * Parses `--shard i/N` (1-based: `1/4` … `4/4`).
 *
 * @example
 * parseShard('2/4') // { index: 2, total: 4 }
 */
export function parseShard(spec: string): { index: number; total: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(spec);
  const index = Number(m?.[1]);
  const total = Number(m?.[2]);
  if (!m || total < 1 || index < 1 || index > total) {
    throw new BgReplayError('E_USAGE', `--shard ${spec}: expected i/N with 1 <= i <= N, e.g. --shard 2/4`);
  }
  return { index, total };
}

/**
 * Builds the pre-sampling filter, or undefined when nothing is filtered. It returns why a record is dropped,
 * or undefined to keep it.
 *
 * @example
 * const filter = createRecordFilter({ exclude: ['/health'] });
 * filter?.('GET /health', { method: 'GET', path: '/health' }) // 'exclude'
 */
export function createRecordFilter(
  options: RecordFilterOptions,
): ((route: string, subject: FilterSubject) => FilterReason | undefined) | undefined {
  const include = (options.include ?? []).map((p) => compilePattern(p, '--include'));
  const exclude = (options.exclude ?? []).map((p) => compilePattern(p, '--exclude'));
  const status = options.liveStatus ? parseStatusFilter(options.liveStatus) : undefined;
  const { shard } = options;
  if (
    shard &&
    (!Number.isInteger(shard.index) ||
      !Number.isInteger(shard.total) ||
      shard.index < 1 ||
      shard.index > shard.total)
  ) {
    throw new BgReplayError(
      'E_USAGE',
      `--shard ${shard.index}/${shard.total}: expected i/N with 1 <= i <= N`,
    );
  }
  if (include.length === 0 && exclude.length === 0 && !status) return undefined;
  return (route, subject) => {
    if (status && subject.status !== undefined && !status(subject.status)) return 'liveStatus';
    if (include.length > 0 && !include.some((match) => match(route, subject))) return 'include';
    if (exclude.some((match) => match(route, subject))) return 'exclude';
    return undefined;
  };
}

/**
 * Which lines belong to shard `index` of `total`: a record by a stable hash of method, path and body, a
 * malformed line by its file and line number. Each line belongs to exactly one shard, so the counts of N
 * shards add up to those of one run. Undefined when there is no sharding.
 *
 * @example
 * const mine = createShardCheck({ index: 2, total: 4 });
 * mine?.({ method: 'GET', path: '/a' }) // true for about a quarter of records
 */
export function createShardCheck(
  shard: { index: number; total: number } | undefined,
):
  | ((line: { method: string; path: string; body?: string } | { source: string; line: number }) => boolean)
  | undefined {
  if (!shard || shard.total === 1) return undefined;
  return (line) => {
    const key = 'method' in line ? requestKey(line) : `${line.source}:${line.line}`;
    return stableHash(key) % shard.total === shard.index - 1;
  };
}
