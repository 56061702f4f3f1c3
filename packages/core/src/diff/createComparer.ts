import type { Dispatcher } from 'undici';
import { BgReplayError } from '../errors.js';
import type { Difference, Disposition, ExchangeResponse, JudgedDifference, RequestRecord } from '../model.js';
import { createNoiseCounter, mayHideNoise } from '../noise/applyNoiseProbe.js';
import { detectReorders } from '../noise/detectReorders.js';
import { DEFAULT_NOISE_THRESHOLDS } from '../noise/isRealDifference.js';
import type { RateLimiter } from '../replay/createRateLimiter.js';
import { createJudge } from '../rules/createJudge.js';
import { createRedactor } from '../rules/createRedactor.js';
import { loadRules } from '../rules/parseRules.js';
import type { Rule } from '../rules/ruleSchema.js';
import {
  parseVersion,
  relateVersions,
  type VersionPair,
  type VersionRelation,
} from '../rules/semverPolicy.js';
import type { Privacy } from '../safety/privacy.js';
import { stableHash } from '../sample/random.js';
import type { RecordOutcome } from '../verdict/aggregate.js';
import { createOriginRewriter, ORIGIN_HEADERS, type OriginRewriter } from './createOriginRewriter.js';
import { createShaper } from './createShaper.js';
import type { ArrayShape, DiffJsonOptions } from './diffJson.js';
import {
  DEFAULT_COMPARED_HEADERS,
  diffBodies,
  diffResponses,
  headerRedactor,
  type PreparedBody,
  prepareBody,
} from './diffResponses.js';
import type {
  DiffSummary,
  NoiseReorderSummary,
  SideVersionSummary,
  VersionSource,
  VersionsSummary,
} from './diffSummary.js';
import { fetchVersion, versionFromResponse } from './discoverVersions.js';
import { createNormalizers, DEFAULT_TIMESTAMP_WINDOW_MS, type NormalizerName } from './normalizers.js';
import { aggregatePointer, joinPointer } from './pointer.js';

/** Options of the diff and rules stages (docs/architecture.md); every field has a safe default. */
export interface DiffStageOptions {
  /** A rules file path (YAML or JSON), or rules already parsed. */
  rules?: string | Rule[];
  /** Response headers compared (default `DEFAULT_COMPARED_HEADERS`: content type and encoding, caching, Vary, links, paging, CORS…). */
  compareHeaders?: readonly string[];
  /** Built-in normalizers, all on by default; `{ timestamps: false }` switches one off. */
  normalizers?: Partial<Record<NormalizerName, boolean>>;
  /** Two timestamps within this many ms of the comparison time are equal (default 300000). */
  timestampWindowMs?: number;
  /** Arrays of objects matched by a key field, by pointer pattern: `{ '/items': 'id', '/orders/*\/lines': 'sku' }`. */
  arrayKeys?: Readonly<Record<string, string>>;
  /** Pointer patterns of arrays of scalars compared regardless of order (`['/tags']`). */
  unorderedArrays?: readonly string[];
  /** Absolute numeric tolerance by pointer pattern: `{ '/**\/price': 0.005 }`. */
  tolerances?: Readonly<Record<string, number>>;
  /** Response header carrying each side's version (e.g. `x-service-version`). */
  versionHeader?: string;
  /** JSON Pointer to the version in response bodies (and in the version endpoint's body). */
  versionPointer?: string;
  /** Path asked once per side for its version (e.g. `/version`). */
  versionEndpoint?: string;
  /** Live's version, when known up front (wins over discovery). */
  liveVersion?: string;
  /** Candidate's version, when known up front (wins over discovery). */
  candidateVersion?: string;
  /** Share of records also replayed against live a second time, 0..1 (default 0: no probe; 1 = every record). */
  noiseProbe?: number;
  /** Diffy's relative threshold (default 0.2). */
  noiseRelative?: number;
  /** Diffy's absolute threshold (default 0.0003). */
  noiseAbsolute?: number;
  /** Probed records a route needs before its differences are judged as noise (default 5). */
  noiseMinProbed?: number;
  /** Undici dispatcher for the version endpoint (tests inject a MockAgent). */
  dispatcher?: Dispatcher;
}

/** What else the comparer may use from the run's options: targets for the version endpoint, and a clock. */
export interface ComparerContext {
  live?: string;
  candidate?: string;
  timeoutMs?: number;
  /** `--max-body`: the version endpoint's answer is read up to this many bytes too. */
  maxBodyBytes?: number;
  /** The run's live rate limiter: live's version endpoint waits for a grant like any live request. */
  limiter?: RateLimiter;
  now?: () => Date;
  /** The run's privacy policy: which response headers are secret, which query parameters to redact. */
  privacy?: Privacy;
  /** Headers injected into every replayed request (checked here: a `Host` cannot be sent, see checkOptions). */
  headers?: Readonly<Record<string, string>>;
}

/** The answers to one record that the comparer sees. `liveAgain` is present when the record was probed. */
export interface ComparisonInput {
  record: RequestRecord;
  route: string;
  live: ExchangeResponse;
  candidate: ExchangeResponse;
  liveAgain?: ExchangeResponse;
}

/** Compares the two answers to one record and judges each difference. */
export interface Comparer {
  /** True when this record should also be sent to live a second time (noise probe). */
  wantsProbe(record: RequestRecord, route: string): boolean;
  compare(input: ComparisonInput): { differences: JudgedDifference[]; noise?: Difference[] };
  /**
   * Counts one finished outcome towards the run-wide decisions (the noise probe's rates). True when `finish`
   * may still re-judge it, so the caller keeps it until then; false when it is final and can be tallied now.
   */
  observe(outcome: RecordOutcome): boolean;
  /**
   * Decides noise on the rates of every outcome observed and re-judges the outcomes given (those `observe`
   * returned true for). Called without any `observe` before, it observes the outcomes given first.
   */
  finish(outcomes: RecordOutcome[]): void;
  /** How many differences each rule matched (every rule listed). */
  ruleHits(): Record<string, number>;
  /** Report sections of the diff stage. */
  summary(): DiffSummary;
}

const POLICY_TEXT: Record<VersionRelation, string> = {
  same: 'same version: every difference counts; only ignore rules, normalizers and noise remove any',
  patch: 'patch bump: nothing structural is allowed without a rule',
  minor:
    'minor bump: added fields are allowed (policy:semver-minor-adds); removed fields and type changes still count',
  major: 'major bump: only the breaking changes that rules declare are allowed',
  older: 'candidate is older than live: nothing is allowed without a rule',
  unknown: 'a version is unknown: no semver policy applies; rules without `when` still do',
};

function checkOptions(options: DiffStageOptions & ComparerContext): void {
  const host = Object.keys(options.headers ?? {}).find((name) => name.trim().toLowerCase() === 'host');
  if (host !== undefined) {
    // Replay sends each side the Host of its own URL and drops any other (a logged Host names production):
    // accepting the flag and sending something else would compare answers to requests the user did not ask for.
    throw new BgReplayError(
      'E_USAGE',
      `--header ${host}: a Host header cannot be injected: each side is sent the host of its --live/--candidate URL; give the URL with the host to reach (a host-routed listener needs a DNS name or an /etc/hosts entry for it)`,
    );
  }
  const share = options.noiseProbe;
  if (share !== undefined && (!Number.isFinite(share) || share < 0 || share > 1)) {
    throw new BgReplayError(
      'E_USAGE',
      `--noise-probe ${share} is out of range: give a share 0..1 (1 = every record)`,
    );
  }
  for (const [flag, value] of [
    ['noise-relative', options.noiseRelative],
    ['noise-absolute', options.noiseAbsolute],
  ] as const) {
    if (value !== undefined && (!Number.isFinite(value) || value < 0 || value > 1)) {
      throw new BgReplayError('E_USAGE', `--${flag} ${value} is out of range: give a number 0..1`);
    }
  }
  if (
    options.timestampWindowMs !== undefined &&
    (!Number.isFinite(options.timestampWindowMs) || options.timestampWindowMs < 0)
  ) {
    throw new BgReplayError(
      'E_USAGE',
      `--timestamp-window ${options.timestampWindowMs} must be a number of milliseconds >= 0`,
    );
  }
  if (
    options.noiseMinProbed !== undefined &&
    (!Number.isInteger(options.noiseMinProbed) || options.noiseMinProbed < 1)
  ) {
    throw new BgReplayError(
      'E_USAGE',
      `--noise-min-probed ${options.noiseMinProbed} must be a positive integer`,
    );
  }
  for (const side of ['live', 'candidate'] as const) {
    const value = options[`${side}Version`];
    if (value !== undefined && !parseVersion(value)) {
      throw new BgReplayError(
        'E_USAGE',
        `--${side}-version ${value} is not a semver version; give one like 1.4.2`,
      );
    }
  }
  if (options.versionPointer !== undefined && !/^\/./.test(options.versionPointer)) {
    throw new BgReplayError(
      'E_USAGE',
      `--version-pointer ${options.versionPointer} must be a JSON Pointer such as /meta/version`,
    );
  }
  for (const [pattern, tolerance] of Object.entries(options.tolerances ?? {})) {
    if (!Number.isFinite(tolerance) || tolerance < 0) {
      throw new BgReplayError(
        'E_USAGE',
        `--tolerance ${pattern}=${tolerance}: the tolerance must be a number >= 0`,
      );
    }
  }
  for (const pattern of [
    ...Object.keys(options.arrayKeys ?? {}),
    ...(options.unorderedArrays ?? []),
    ...Object.keys(options.tolerances ?? {}),
  ]) {
    if (!pattern.startsWith('/')) {
      throw new BgReplayError(
        'E_USAGE',
        `pointer pattern "${pattern}" must start with "/" (e.g. /items or /**/price)`,
      );
    }
  }
}

interface SideState {
  given?: { version: string; source: VersionSource };
  error?: string;
  seen: Map<string, number>;
  seenSource?: VersionSource;
}

/**
 * Builds the comparer of a run: loads the rules once, discovers versions (flags, then the version endpoint
 * once per side), then for each record diffs the answers (normalized, shaped by array keys and tolerances),
 * judges each difference by rules and the semver policy, and, for probed records, diffs live against
 * itself. `finish` applies the noise probe over the whole run.
 *
 * @example
 * const comparer = await createComparer({ rules: 'rules.yaml', versionHeader: 'x-service-version', noiseProbe: 0.2 });
 * const { differences } = comparer.compare({ record, route, live, candidate });
 */
export async function createComparer(options: DiffStageOptions & ComparerContext): Promise<Comparer> {
  checkOptions(options);
  const rules = typeof options.rules === 'string' ? await loadRules(options.rules) : (options.rules ?? []);
  const judge = createJudge(rules);
  const redactor = createRedactor(rules);
  const shaper = createShaper(rules, options);
  const headers = (options.compareHeaders ?? DEFAULT_COMPARED_HEADERS).map((h) => h.toLowerCase());
  const normalizers = createNormalizers(
    options.normalizers,
    options.timestampWindowMs ?? DEFAULT_TIMESTAMP_WINDOW_MS,
  );
  const normalized: Partial<Record<NormalizerName, number>> = {};
  const share = options.noiseProbe ?? 0;
  const discovery = { versionHeader: options.versionHeader, versionPointer: options.versionPointer };
  const discovers =
    options.versionHeader !== undefined ||
    options.versionPointer !== undefined ||
    options.versionEndpoint !== undefined ||
    options.liveVersion !== undefined ||
    options.candidateVersion !== undefined;

  const sides: Record<'live' | 'candidate', SideState> = {
    live: { seen: new Map() },
    candidate: { seen: new Map() },
  };
  for (const side of ['live', 'candidate'] as const) {
    const flag = parseVersion(options[`${side}Version`]);
    if (flag) sides[side].given = { version: flag, source: 'flag' };
  }
  if (options.versionEndpoint !== undefined) {
    await Promise.all(
      (['live', 'candidate'] as const).map(async (side) => {
        const base = options[side];
        if (sides[side].given || base === undefined) return;
        const found = await fetchVersion(base, options.versionEndpoint as string, {
          ...discovery,
          dispatcher: options.dispatcher,
          timeoutMs: options.timeoutMs,
          maxBodyBytes: options.maxBodyBytes,
          limiter: side === 'live' ? options.limiter : undefined,
        });
        if (found.version) sides[side].given = { version: found.version, source: 'endpoint' };
        else sides[side].error = found.error;
      }),
    );
  }

  const relations = new Map<string, VersionRelation>();
  const relationOf = (versions: VersionPair): VersionRelation => {
    const key = `${versions.live ?? ''}\u0000${versions.candidate ?? ''}`;
    let relation = relations.get(key);
    if (relation === undefined) {
      relation = relateVersions(versions);
      relations.set(key, relation);
    }
    return relation;
  };
  const versionOf = (
    side: 'live' | 'candidate',
    response: ExchangeResponse,
    body: PreparedBody,
    tally: boolean,
  ) => {
    const state = sides[side];
    if (state.given?.source === 'flag') return state.given.version;
    const found = versionFromResponse(response.headers, body, discovery);
    if (found && tally) {
      state.seen.set(found.version, (state.seen.get(found.version) ?? 0) + 1);
      state.seenSource ??= found.source;
    }
    return found?.version ?? state.given?.version;
  };
  const versionHeaderPointer = options.versionHeader
    ? `/headers/${options.versionHeader.toLowerCase()}`
    : undefined;
  const isVersionField = (difference: Difference) =>
    difference.pointer === options.versionPointer || difference.pointer === versionHeaderPointer;

  const redactHeader = options.privacy ? headerRedactor(options.privacy) : undefined;
  const rewriters: Partial<Record<'live' | 'candidate', OriginRewriter>> = {};
  if (options.normalizers?.origins !== false) {
    for (const side of ['live', 'candidate'] as const) {
      const rewriter = createOriginRewriter(options[side]);
      if (rewriter) rewriters[side] = rewriter;
    }
  }
  const countOrigins = () => {
    normalized.origins = (normalized.origins ?? 0) + 1;
  };
  /** One side's answer with its own origin replaced in the URL-valued headers (a copy only when one is). */
  const withOwnOrigin = (response: ExchangeResponse, rewriter: OriginRewriter | undefined) => {
    if (!rewriter) return response;
    let headers: Record<string, string> | undefined;
    for (const name of ORIGIN_HEADERS) {
      const value = response.headers[name];
      if (value === undefined) continue;
      const rewritten = rewriter.rewrite(value);
      if (rewritten === value) continue;
      headers ??= { ...response.headers };
      headers[name] = rewritten;
      countOrigins();
    }
    return headers ? { ...response, headers } : response;
  };
  /** One side's body, prepared with its own origin replaced in the text. */
  const prepare = (response: ExchangeResponse, rewriter: OriginRewriter | undefined) =>
    prepareBody(
      response,
      rewriter &&
        ((text) => {
          const rewritten = rewriter.rewrite(text);
          if (rewritten !== text) countOrigins();
          return rewritten;
        }),
    );
  // Bodies are prepared once per answer: live's serves both the comparison and the noise probe.
  const diffPair = (
    a: ExchangeResponse,
    b: ExchangeResponse,
    bodyA: PreparedBody,
    bodyB: PreparedBody,
    route: string,
    json: DiffJsonOptions,
  ): Difference[] =>
    diffResponses(
      a,
      b,
      route,
      { ...json, headers, ...(redactHeader ? { redactHeader } : {}) },
      { live: bodyA, candidate: bodyB },
    );

  const reorders = new Map<
    string,
    { route: string; pointer: string; shape: ArrayShape; count: number; residual: Set<string> }
  >();
  const learnReorders = (route: string, a: unknown, b: unknown, json: DiffJsonOptions) => {
    const found = detectReorders(a, b);
    if (found.length === 0) return;
    const shapes = new Map<string, ArrayShape>(
      found.map((r) => [aggregatePointer(r.pointer), r.unordered ? { unordered: true } : { key: r.key }]),
    );
    const base = json.shape;
    const residual = diffBodies({ kind: 'json', value: a }, { kind: 'json', value: b }, route, {
      ...json,
      shape: {
        arrayAt: (segments) => shapes.get(aggregatePointer(joinPointer(segments))) ?? base?.arrayAt(segments),
        toleranceAt: (segments) => base?.toleranceAt(segments),
      },
    });
    for (const [pointer, shape] of shapes) {
      const id = `${route}\u0000${pointer}\u0000${shape.key ?? '\u0001unordered'}`;
      let entry = reorders.get(id);
      if (!entry) {
        entry = { route, pointer, shape, count: 0, residual: new Set() };
        reorders.set(id, entry);
      }
      entry.count += 1;
      for (const d of residual) {
        const p = aggregatePointer(d.pointer);
        if (p.startsWith(`${pointer}/`) && !judge.isIgnored(d)) entry.residual.add(p);
      }
    }
  };

  let noiseSummary: DiffSummary['noise'];
  const noiseCounter = createNoiseCounter();
  let observed = 0;

  return {
    wantsProbe(record) {
      if (share <= 0) return false;
      if (share >= 1) return true;
      const identity = `${record.method} ${record.path} ${record.position?.source ?? ''}:${record.position?.line ?? ''}`;
      return stableHash(identity) / 2 ** 32 < share;
    },

    compare({ route, live, candidate, liveAgain }) {
      const now = options.now ? options.now().getTime() : Date.now();
      const liveBody = prepare(live, rewriters.live);
      const candidateBody = prepare(candidate, rewriters.candidate);
      const versions: VersionPair = discovers
        ? {
            live: versionOf('live', live, liveBody, true),
            candidate: versionOf('candidate', candidate, candidateBody, true),
          }
        : {};
      const relation = relationOf(versions);
      const shape = shaper(route, versions);
      const differences = diffPair(
        withOwnOrigin(live, rewriters.live),
        withOwnOrigin(candidate, rewriters.candidate),
        liveBody,
        candidateBody,
        route,
        {
          shape,
          normalizers,
          now,
          onNormalized: (name) => {
            normalized[name] = (normalized[name] ?? 0) + 1;
          },
          onShapeUsed: (ruleId) => judge.countHit(ruleId),
        },
      );
      const judged = differences.map((difference): JudgedDifference => {
        const disposition: Disposition =
          isVersionField(difference) && relation !== 'same' && relation !== 'unknown'
            ? { counted: false, by: 'policy', policy: 'version-field' }
            : judge.judge(difference, { versions, relation });
        // The difference is fresh from diffPair: judging it in place spares a copy per difference.
        const judgedDifference = redactor.redact(difference) as JudgedDifference;
        judgedDifference.disposition = disposition;
        return judgedDifference;
      });
      if (!liveAgain) return { differences: judged };

      const againBody = prepare(liveAgain, rewriters.live);
      const againVersions = { live: versions.live, candidate: versions.live };
      const probeJson: DiffJsonOptions = { shape: shaper(route, againVersions), normalizers, now };
      const noise = diffPair(
        withOwnOrigin(live, rewriters.live),
        withOwnOrigin(liveAgain, rewriters.live),
        liveBody,
        againBody,
        route,
        probeJson,
      )
        .filter((d) => !judge.isIgnored(d))
        .map((d) => redactor.redact(d));
      if (
        liveBody.kind === 'json' &&
        againBody.kind === 'json' &&
        noise.some((d) => /\/\d+(?:\/|$)/.test(d.pointer))
      ) {
        learnReorders(route, liveBody.value, againBody.value, probeJson);
      }
      return { differences: judged, noise };
    },

    observe(outcome) {
      if (share <= 0) return false;
      observed += 1;
      noiseCounter.observe(outcome);
      // Only a counted difference that noise may hide can change once the rates are known.
      return mayHideNoise(outcome);
    },

    finish(outcomes) {
      if (share <= 0) return;
      if (observed === 0) for (const outcome of outcomes) noiseCounter.observe(outcome);
      const decision = noiseCounter.decide({
        probeShare: share,
        relative: options.noiseRelative ?? DEFAULT_NOISE_THRESHOLDS.relative,
        absolute: options.noiseAbsolute ?? DEFAULT_NOISE_THRESHOLDS.absolute,
        minProbed: options.noiseMinProbed ?? 5,
      });
      for (const outcome of outcomes) decision.hide(outcome);
      const applied = decision.summary();
      const reorderList: NoiseReorderSummary[] = [...reorders.values()]
        .sort((a, b) => a.route.localeCompare(b.route) || a.pointer.localeCompare(b.pointer))
        .map((r) => ({
          route: r.route,
          pointer: r.pointer,
          ...(r.shape.key !== undefined ? { key: r.shape.key } : { unordered: true as const }),
          count: r.count,
          residual: [...r.residual].sort(),
        }));
      noiseSummary = { ...applied, reorders: reorderList };
    },

    ruleHits: () => judge.hits(),

    summary() {
      const summary: DiffSummary = {};
      if (Object.keys(normalized).length > 0) summary.normalized = { ...normalized };
      if (discovers) summary.versions = versionsSummary(sides);
      if (noiseSummary) summary.noise = noiseSummary;
      return summary;
    },
  };
}

function sideSummary(state: SideState): SideVersionSummary {
  const seen = Object.fromEntries([...state.seen].sort(([, a], [, b]) => b - a));
  const mostSeen = [...state.seen].sort(([, a], [, b]) => b - a)[0]?.[0];
  const summary: SideVersionSummary = {
    version: state.given?.version ?? mostSeen ?? null,
    source: state.given?.source ?? (mostSeen ? (state.seenSource ?? null) : null),
    seen,
  };
  if (state.error) summary.error = state.error;
  return summary;
}

function versionsSummary(sides: Record<'live' | 'candidate', SideState>): VersionsSummary {
  const live = sideSummary(sides.live);
  const candidate = sideSummary(sides.candidate);
  const relation = relateVersions({
    live: live.version ?? undefined,
    candidate: candidate.version ?? undefined,
  });
  return { live, candidate, relation, policy: POLICY_TEXT[relation] };
}
