import type { DifferenceKind } from '../model.js';
import type { VersionRelation } from '../rules/semverPolicy.js';
import type { NormalizerName } from './normalizers.js';

/** Where a side's version came from. */
export type VersionSource = 'flag' | 'endpoint' | 'header' | 'pointer';

/** One side's version as the run saw it. */
export interface SideVersionSummary {
  /** The version the policy used: the flag, else the endpoint's, else the one seen most in responses. */
  version: string | null;
  source: VersionSource | null;
  /** Versions read from responses (header or pointer), with how many responses carried each. */
  seen: Record<string, number>;
  /** Why discovery failed (endpoint unreachable, value not semver), when it did. */
  error?: string;
}

/** The `versions` section of the report: both sides' versions and the policy that followed. */
export interface VersionsSummary {
  live: SideVersionSummary;
  candidate: SideVersionSummary;
  /** Candidate's version against live's. */
  relation: VersionRelation;
  /** What the policy allowed without a rule, in words. */
  policy: string;
}

/** How the noise probe judged one route. */
export interface NoiseRouteSummary {
  route: string;
  /** Records compared live vs candidate (T). */
  compared: number;
  /** Records also compared live vs live (Tp). */
  probed: number;
  /** False when the probe saw fewer than `minProbed` records: its differences were not judged as noise. */
  judged: boolean;
  message?: string;
}

/** Diffy's counts and decision for one route and (aggregated) pointer. */
export interface NoisePointerSummary {
  route: string;
  pointer: string;
  kinds: DifferenceKind[];
  /** Records with a counted live-vs-candidate difference here (r). */
  raw: number;
  /** T of the route. */
  compared: number;
  /** Probed records with a live-vs-live difference here (n). */
  noise: number;
  /** Tp of the route. */
  probed: number;
  rawRate: number;
  noiseRate: number;
  /** `real` counts, `noise` is hidden, `unjudged` counts because the probe saw too few records. */
  verdict: 'real' | 'noise' | 'unjudged';
  /** Live-vs-candidate differences hidden as noise here. */
  hidden: number;
}

/** A reordered array seen live vs live, and the field that identifies its elements. */
export interface NoiseReorderSummary {
  route: string;
  /** Aggregated pointer of the array (`/items`, `/orders/*\/lines`). */
  pointer: string;
  /** The field that identifies the elements of an array of objects; absent for an array of scalars. */
  key?: string;
  /** True for an array of scalars that came back as the same values in another order. */
  unordered?: true;
  /** Probed records where it was reordered. */
  count: number;
  /** Aggregated pointers that still differed live vs live once the array was matched by `key` (or as a multiset). */
  residual: string[];
}

/** The `noise` section of the report. */
export interface NoiseSummary {
  /** Share of records probed (`--noise-probe`). */
  probeShare: number;
  relative: number;
  absolute: number;
  minProbed: number;
  routes: NoiseRouteSummary[];
  pointers: NoisePointerSummary[];
  reorders: NoiseReorderSummary[];
}

/**
 * Report sections owned by the diff stage. All optional, so a run without version discovery or noise probe
 * reports neither.
 */
export interface DiffSummary {
  versions?: VersionsSummary;
  noise?: NoiseSummary;
  /** How many values each built-in normalizer equated over the run (live vs candidate). */
  normalized?: Partial<Record<NormalizerName, number>>;
}
