import type { DiffSummary } from '../diff/diffSummary.js';
import type { DifferenceKind, Verdict } from '../model.js';
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
  verdict: Verdict;
  /** Records seen in the log for this route (before sampling). */
  seen: number;
  errors: { live: number; candidate: number };
  critical: { candidate5xx: number; candidateErrors: number; breaking: number };
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
  samples: DifferenceSample[];
}

/** The JSON report: a public contract. New fields may be added; existing ones keep their meaning. */
export interface Report extends DiffSummary {
  schemaVersion: 1;
  tool: { name: 'bg-replay'; version: string };
  startedAt: string;
  durationMs: number;
  verdict: Verdict;
  reasons: Reason[];
  threshold: number;
  minSamples: number;
  matchRate: number | null;
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
  routes: RouteSummary[];
  fields: FieldSummary[];
  rules: { hits: Record<string, number>; unused: string[] };
  latency: { live: Quantiles; candidate: Quantiles };
  /** Exact state for merging shards (`bg-replay merge`). */
  sketches: { live: LatencySketch; candidate: LatencySketch };
}
