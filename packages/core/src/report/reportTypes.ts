import type { DiffSummary } from '../diff/diffSummary.js';
import type { DifferenceKind, TransportErrorCode, Verdict } from '../model.js';
import type { LatencySketch } from '../verdict/latencySketch.js';

/** Why a verdict is what it is; `code` is stable, `message` is for a person. */
export interface Reason {
  code: string;
  message: string;
  route?: string;
}

/** Latency quantiles in milliseconds over `count` answers (`null` without answers). */
export interface Quantiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  count: number;
}

/** One route's counts, match rate, verdict and latency in a report. */
export interface RouteSummary {
  route: string;
  /** Records of this route that were replayed. */
  total: number;
  /** Records where both sides could be compared (live answered). */
  compared: number;
  matched: number;
  differed: number;
  matchRate: number | null;
  /** Lower bound of the Wilson score interval of the match rate at the run's `confidence`; what the threshold is compared with. */
  matchRateLowerBound?: number | null;
  verdict: Verdict;
  /** Records seen in the log for this route (before sampling). */
  seen: number;
  errors: { live: number; candidate: number };
  /**
   * `candidate5xx` and `candidateErrors` count records; `breaking` counts values: counted (not allowed by a
   * rule or policy) `removed`/`type` differences. `records`: compared records with at least one critical
   * finding (absent in reports before it existed).
   */
  critical: { candidate5xx: number; candidateErrors: number; breaking: number; records?: number };
  /**
   * The route met the threshold but its own lower bound is short of it: it does not block a pass (the run
   * is judged on the overall bound), and its verdict is `pass`. Absent when false.
   */
  lowConfidence?: true;
  /**
   * `errors` broken down by transport error code (`timeout`, `connection-reset`, ...), per side; live's
   * `status-5xx` counts records not compared because live itself answered 5xx. Absent in reports before it existed.
   */
  errorCodes?: {
    live: Partial<Record<TransportErrorCode | 'status-5xx', number>>;
    candidate: Partial<Record<TransportErrorCode, number>>;
  };
  /** Answers whose body was cut at `maxBodyBytes`, per side: they were compared only up to the cap. Absent in reports before it existed. */
  truncated?: { live: number; candidate: number };
  /** Records also sent to live a second time (noise probe). */
  probed?: number;
  /** Exact latency state of this route, for merging shards and drawing charts. */
  sketches?: { live: LatencySketch; candidate: LatencySketch };
}

/** A side-by-side example of one difference, redacted. */
export interface DifferenceSample {
  method: string;
  path: string;
  pointer: string;
  live?: unknown;
  candidate?: unknown;
}

/** The differences found at one route and pointer, with samples. */
export interface FieldSummary {
  route: string;
  /** Pointer with array indices aggregated (`/items/*\/price`). */
  pointer: string;
  kind: DifferenceKind;
  /** Differences that counted against the match rate. */
  count: number;
  /** Differences hidden, by `rule:<id>`, `policy:<name>` or `noise`. */
  hidden: Record<string, number>;
  /**
   * Raw live-vs-live differences at this pointer in the noise probe (n of docs/architecture.md); with the route's
   * `probed` and `count + Σ hidden` (r) it lets noise be re-decided on merged counts.
   */
  noise?: number;
  /** Up to 5 samples: those with the smallest stable hash of method, path and pointer, so shards merge exactly. */
  samples: DifferenceSample[];
}

/** One run of the same sample against the candidate (`--retry-until` runs several). */
export interface Attempt {
  /** 1-based. */
  attempt: number;
  startedAt: string;
  durationMs: number;
  verdict: Verdict;
  matchRate: number | null;
  matchRateLowerBound: number | null;
  compared: number;
  matched: number;
  /** Codes of the reasons of this attempt's verdict. */
  reasons: string[];
}

/** Quantiles whose candidate/live ratio a latency budget bounds. */
export type LatencyQuantile = 'p50' | 'p95' | 'p99';

/** One checked latency budget: candidate's quantile over live's, measured in the same run. */
export interface LatencyCheck {
  quantile: LatencyQuantile;
  budget: number;
  live: number | null;
  candidate: number | null;
  /** candidate / live; null when either side has no measurement. */
  ratio: number | null;
  ok: boolean;
}

/** One source's share of the replayable records, and whether any carried a query string. */
export interface SourceCoverage {
  source: string;
  /** Replayable records read from it. */
  records: number;
  /** Of those, records with a query string. */
  withQuery: number;
  /** `absent`: none of at least 20 records carried one (API Gateway access logs cannot). */
  queryStrings: 'present' | 'absent' | 'unknown';
}

/** One stratum of the sample: a route plus a query shape (`GET /orders?status=cancelled`). */
export interface StratumSummary {
  route: string;
  stratum: string;
  /** Records of it in the log (after filters). */
  seen: number;
  /** Records of it in the sample. */
  sampled: number;
}

/** How much of the log the run could test, and why the rest could not be (docs/coverage-and-routes.md). */
export interface Coverage {
  /** Lines read, less unsafe methods and lines left out on purpose (`--include/--exclude/--live-status`, other HAR hosts). */
  safeLines: number;
  /** Safe lines that parsed into a replayable request. */
  replayable: number;
  /** `replayable / safeLines`; null without safe lines. */
  ratio: number | null;
  /** The least `ratio` that lets a run pass (`--min-coverage`). */
  minCoverage: number;
  malformed: number;
  /** The most frequent malformed causes, largest first (at most 5). */
  malformedCauses: Array<{ reason: string; count: number; example: { source: string; line: number } }>;
  /** Malformed lines that lacked a concrete path (an API Gateway log without `$context.path`). */
  withoutConcretePath: number;
  /** Replayable records whose log route was a catch-all (`{proxy+}`, `$default`), re-inferred from the path. */
  catchAll: { records: number; share: number | null };
  /** HAR entries skipped because their host is not the recorded site's (`--har-host`). */
  otherHosts: number;
  /** Where routes came from: `--routes`/`--openapi` templates, the log's route keys, or inference. */
  routesFrom: { templates: number; log: number; inferred: number };
  /** Path positions learned to be parameters (`GET /products/*`). */
  learnedParameters: string[];
  sources: SourceCoverage[];
  /** Strata per route, largest first (at most 200). */
  strata: StratumSummary[];
}

/** What the safety stage took out of the requests before replaying them (docs/safety.md). */
export interface SafetySummary {
  /** Records refused because their path is on the unsafe list. */
  refusedPaths: number;
  /** Method-override and routing headers and parameters stripped, by name (`x-forwarded-host: 3`). */
  stripped: Record<string, number>;
  /** Headers the HTTP client refuses, dropped, by name (`expect: 1`). */
  dropped: Record<string, number>;
  /** Credentials (JWTs, AWS access key ids) masked by value in paths, headers and bodies. */
  masked: number;
}

/**
 * What the report left out to stay bounded and safe to share. Absent in reports before it existed.
 */
export interface ReportLimits {
  /** `--report-bodies`: `none` keeps pointers and kinds only, `redacted` masks secret-looking values. */
  bodies: 'none' | 'redacted' | 'full';
  /** Pointer rows kept per route (the most counted first). */
  maxFieldsPerRoute: number;
  /** Pointer rows kept in all. Absent in reports before it existed. */
  maxFields?: number;
  /** Samples kept per pointer row (distinct pairs of values). */
  maxSamplesPerField: number;
  /** Distinct differing keys under one object before they are counted together as `*`. */
  maxPointerKeys: number;
  /** Pointer rows left out by `maxFieldsPerRoute` or `maxFields`, and the differences (counted + hidden) they held. */
  droppedFields: number;
  droppedDifferences: number;
  /** Objects whose keys were counted together as `*`: route and the parent pointer. */
  collapsed: Array<{ route: string; pointer: string }>;
}

/** The JSON report: a public contract. New fields may be added; existing ones keep their meaning. */
export interface Report extends DiffSummary {
  /** Which part of a sharded run this is (`--shard i/N`); absent for a whole run and for a merge. */
  shard?: { index: number; total: number };
  schemaVersion: 1;
  tool: { name: 'bg-replay'; version: string };
  startedAt: string;
  durationMs: number;
  verdict: Verdict;
  reasons: Reason[];
  threshold: number;
  minSamples: number;
  /** Confidence of the one-sided Wilson lower bound (default 0.95); 0 judges the raw rate. Absent in reports before it existed. */
  confidence?: number;
  matchRate: number | null;
  /** Lower bound of the Wilson score interval of the overall match rate. */
  matchRateLowerBound?: number | null;
  /** `--latency-budget`: the largest candidate/live ratio allowed per quantile. */
  latencyBudget?: Partial<Record<LatencyQuantile, number>>;
  latencyChecks?: LatencyCheck[];
  /** Every run of the sample, in order; the verdict is the last one's. */
  attempts?: Attempt[];
  /** How many shard reports `bg-replay merge` summed into this one. */
  mergedFrom?: number;
  /** For `bg-replay tune`: whether this run should pass (`good`) or fail (`bad`). */
  label?: 'good' | 'bad';
  targets: { live: string; candidate: string };
  counts: {
    read: number;
    sampled: number;
    compared: number;
    matched: number;
    differed: number;
    skipped: { malformed: number; unsafeMethod: number; filtered: number };
    errors: { live: number; candidate: number };
  };
  /** The first malformed lines, so a user can find them. */
  malformed: Array<{ source: string; line: number; reason: string }>;
  /** What share of the log could be tested. Absent in reports before it existed, and in a merge of parts that lack it. */
  coverage?: Coverage;
  /** Request-side safety (docs/safety.md): paths refused, headers and parameters stripped or dropped, credentials masked. */
  safety?: SafetySummary;
  routes: RouteSummary[];
  fields: FieldSummary[];
  rules: { hits: Record<string, number>; unused: string[] };
  latency: { live: Quantiles; candidate: Quantiles };
  /** Exact state for merging shards (`bg-replay merge`). */
  sketches: { live: LatencySketch; candidate: LatencySketch };
  limits?: ReportLimits;
}
