import { splitPointer } from '../diff/pointer.js';
import type { Difference, Disposition } from '../model.js';
import {
  compileRoutePattern,
  compileSegmentsPattern,
  type PatternPart,
  parsePointerPattern,
} from './matchPointer.js';
import type { Rule } from './ruleSchema.js';
import {
  policyFor,
  relateVersions,
  satisfiesRange,
  type VersionPair,
  type VersionRelation,
} from './semverPolicy.js';

/** What the judge knows about the comparison a difference comes from. */
export interface JudgeContext {
  /** Versions of both sides for this record; unknown sides are absent. */
  versions?: VersionPair;
  /** Precomputed `relateVersions(versions)`, to save the work per difference. */
  relation?: VersionRelation;
}

export interface Judge {
  /**
   * Decides whether one difference counts. Rules are tried in file order and the first that matches decides:
   * `ignore` hides whatever the versions; an allowing rule hides unless both versions are equal (there are no
   * intended changes between equal versions); `allow: false` counts, overriding the policy. Without a rule,
   * the semver policy of docs/architecture.md decides.
   */
  judge(difference: Difference, context?: JudgeContext): Disposition;
  /** True when an `ignore` rule matches; counts no hit (used for live-vs-live noise). */
  isIgnored(difference: Difference): boolean;
  /** Records a hit of a shaping rule (arrayKey, unordered, tolerance) applied by the diff. */
  countHit(ruleId: string): void;
  /** How many differences each rule matched (every rule listed, unused ones with 0). */
  hits(): Record<string, number>;
}

/**
 * True for a rule that only shapes the diff (arrayKey, unordered, tolerance) or masks values (redact) and
 * judges nothing.
 */
export function isShapingRule(rule: Rule): boolean {
  const shapes =
    rule.arrayKey !== undefined ||
    rule.unordered !== undefined ||
    rule.tolerance !== undefined ||
    rule.redact !== undefined;
  return shapes && rule.ignore === undefined && rule.allow === undefined;
}

/** True when the rule's `when` ranges hold for these versions (a named side with an unknown version fails). */
export function ruleApplies(rule: Rule, versions: VersionPair | undefined): boolean {
  if (!rule.when) return true;
  const mode = rule.when.prerelease ?? 'release';
  if (rule.when.live !== undefined && !satisfiesRange(versions?.live, rule.when.live, mode)) return false;
  if (rule.when.candidate !== undefined && !satisfiesRange(versions?.candidate, rule.when.candidate, mode))
    return false;
  return true;
}

/**
 * Turns rules into a judge of differences, counting how many differences each rule matched.
 *
 * @example
 * const judge = createJudge([{ id: 'ids', pointer: '/**\/requestId', ignore: true }]);
 * judge.judge({ route: 'GET /a', pointer: '/requestId', kind: 'changed' }); // { counted: false, by: 'rule', ruleId: 'ids' }
 * judge.judge({ route: 'GET /a', pointer: '/rating', kind: 'added' }, { versions: { live: '1.4.2', candidate: '1.5.0' } });
 * // { counted: false, by: 'policy', policy: 'semver-minor-adds' }
 */
export function createJudge(rules: readonly Rule[]): Judge {
  const compiled = rules
    .filter((rule) => !isShapingRule(rule))
    .map((rule) => ({
      rule,
      kinds: rule.kinds ? new Set<string>(rule.kinds) : undefined,
      pointer: compileSegmentsPattern(rule.pointer),
      pointerText: compilePointerRegExp(rule.pointer),
      route: rule.route ? memoRoute(compileRoutePattern(rule.route)) : () => true,
      applies: rule.when ? memoVersions(rule) : () => true,
    }));
  const counts: Record<string, number> = Object.fromEntries(rules.map((r) => [r.id, 0]));
  // A pointer without `~` has no escaped segment: it is matched as text, without splitting it. Otherwise it is
  // split once per difference, not once per rule (see `Segments`).
  // A truncated body is judged only by rules that name the kind: a broad `/**` ignore must not hide it.
  const matches = (entry: (typeof compiled)[number], difference: Difference, segments: Segments) =>
    (entry.kinds ? entry.kinds.has(difference.kind) : difference.kind !== 'truncated') &&
    entry.route(difference.route) &&
    (segments.escaped || !entry.pointerText
      ? entry.pointer(segments.get())
      : entry.pointerText.test(difference.pointer));
  return {
    judge(difference, context = {}) {
      const relation = context.relation ?? relateVersions(context.versions ?? {});
      const segments = new Segments(difference.pointer);
      for (const entry of compiled) {
        const { rule } = entry;
        if (!matches(entry, difference, segments) || !entry.applies(context.versions)) continue;
        if (rule.ignore) {
          counts[rule.id] = (counts[rule.id] ?? 0) + 1;
          return { counted: false, by: 'rule', ruleId: rule.id };
        }
        if (rule.ignore === false) continue;
        if (rule.allow !== false && relation === 'same') continue;
        counts[rule.id] = (counts[rule.id] ?? 0) + 1;
        if (rule.allow === false) return { counted: true };
        return { counted: false, by: 'rule', ruleId: rule.id };
      }
      const policy = policyFor(relation, difference.kind);
      if (policy) return { counted: false, by: 'policy', policy };
      return { counted: true };
    },
    isIgnored(difference) {
      const segments = new Segments(difference.pointer);
      return compiled.some((entry) => entry.rule.ignore === true && matches(entry, difference, segments));
    },
    countHit(ruleId) {
      counts[ruleId] = (counts[ruleId] ?? 0) + 1;
    },
    hits: () => ({ ...counts }),
  };
}

/** A difference's pointer, split into segments only when it has escapes (or no leading `/`) and a rule needs them. */
class Segments {
  readonly escaped: boolean;
  private segments: string[] | undefined;
  constructor(private readonly pointer: string) {
    this.escaped = pointer.includes('~') || (pointer !== '' && pointer.charCodeAt(0) !== 47);
  }
  get(): string[] {
    this.segments ??= splitPointer(this.pointer);
    return this.segments;
  }
}

/**
 * A pointer pattern as a regular expression over pointers without escapes (`/**\/price` →
 * `^(?:/[^/]*)*\/price$`): the same matches as the segment matcher, without splitting the pointer. Only for
 * patterns with at most one `**`: with two or more, a failing match backtracks over every way of splitting the
 * pointer between them (exponential in their number), so those go to the linear segment matcher instead.
 */
function compilePointerRegExp(pattern: string): RegExp | undefined {
  const parsed = parsePointerPattern(pattern);
  if (parsed.filter((part) => part.type === 'any').length > 1) return undefined;
  const parts = parsed.map((part: PatternPart) => {
    if (part.type === 'any') return '(?:/[^/]*)*';
    if (part.type === 'one') return '/[^/]*';
    // A literal with `/` or `~` never matches a pointer without escapes: its escaped form has a `~`.
    const escaped = part.text.replace(/~/g, '~0').replace(/\//g, '~1');
    return `/${escaped.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
  });
  return new RegExp(`^${parts.join('')}$`);
}

/** Caches a route matcher's answers: a run has few routes and many differences per route. */
function memoRoute(match: (route: string) => boolean): (route: string) => boolean {
  const cache = new Map<string, boolean>();
  return (route) => {
    let matched = cache.get(route);
    if (matched === undefined) {
      matched = match(route);
      if (cache.size < 10_000) cache.set(route, matched);
    }
    return matched;
  };
}

/** Caches `ruleApplies` per pair of versions (a run sees few). */
function memoVersions(rule: Rule): (versions: VersionPair | undefined) => boolean {
  const cache = new Map<string, boolean>();
  return (versions) => {
    const key = `${versions?.live ?? '\u0000'}\u0001${versions?.candidate ?? '\u0000'}`;
    let applies = cache.get(key);
    if (applies === undefined) {
      applies = ruleApplies(rule, versions);
      if (cache.size < 1000) cache.set(key, applies);
    }
    return applies;
  };
}
