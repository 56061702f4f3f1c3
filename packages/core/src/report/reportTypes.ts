import type { DiffSummary } from '../diff/diffSummary.js';
import type { DifferenceKind, TransportErrorCode, Verdict } from '../model.js';
import type { LatencySketch } from '../verdict/latencySketch.js';

/** Why a verdict is what it is; `code` is stable, `message` is for a person. */
export interface Reason {
  code: string;
  message: string;
  route?: string;
}

export interface Quantiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  count: number;
}

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
  /** `breaking`: counted (not allowed by a rule or policy) `removed`/`type` differences. */
  critical: { candidate5xx: number; candidateErrors: number; breaking: number };
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
  /** Two-sided confidence of the Wilson interval (default 0.95); 0 judges the raw rate. Absent in reports before it existed. */
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
  /** Request-side safety (docs/safety.md): paths refused, headers and parameters stripped or dropped, credentials masked. */
  safety?: {
    refusedPaths: number;
    stripped: Record<string, number>;
    dropped: Record<string, number>;
    masked: number;
  };
  routes: RouteSummary[];
  fields: FieldSummary[];
  rules: { hits: Record<string, number>; unused: string[] };
  latency: { live: Quantiles; candidate: Quantiles };
  /** Exact state for merging shards (`bg-replay merge`). */
  sketches: { live: LatencySketch; candidate: LatencySketch };
}
