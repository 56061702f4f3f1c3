import semver from 'semver';
import type { Difference, DifferenceKind } from '../model.js';

/**
 * How candidate's version relates to live's: the rows of the policy table of docs/architecture.md, plus `older`
 * (a rollback or a downgrade) and `unknown` (a side's version is missing or not semver).
 */
export type VersionRelation = 'same' | 'patch' | 'minor' | 'major' | 'older' | 'unknown';

/** Versions of the two sides for one comparison; absent when unknown. */
export interface VersionPair {
  live?: string | undefined;
  candidate?: string | undefined;
}

/** The policies that can hide a difference, as named in reports (`policy:<name>`). */
export type PolicyName = 'semver-minor-adds' | 'version-field';

/**
 * Parses a version as semver, leniently (`v1.2.3`, ` 1.2.3 `); undefined when it is not one.
 *
 * @example
 * parseVersion('v1.5.0') // '1.5.0'
 * parseVersion('build-42') // undefined
 */
export function parseVersion(value: string | undefined | null): string | undefined {
  if (value === undefined || value === null) return undefined;
  return semver.clean(value, { loose: true }) ?? undefined;
}

/**
 * Classifies candidate's version against live's.
 *
 * @example
 * relateVersions({ live: '1.4.2', candidate: '1.5.0' }) // 'minor'
 * relateVersions({ live: '2.0.0', candidate: '1.9.0' }) // 'older'
 */
export function relateVersions(versions: VersionPair): VersionRelation {
  const live = parseVersion(versions.live);
  const candidate = parseVersion(versions.candidate);
  if (!live || !candidate) return 'unknown';
  const order = semver.compare(candidate, live);
  if (order === 0) return 'same';
  if (order < 0) return 'older';
  const change = semver.diff(live, candidate);
  if (change === 'major' || change === 'premajor') return 'major';
  if (change === 'minor' || change === 'preminor') return 'minor';
  // patch, prepatch, prerelease: no structural change is expected.
  return 'patch';
}

/**
 * The default semver policy of docs/architecture.md: what a relation allows without a rule. Only a minor bump
 * allows anything (`added`); `removed` and `type` are breaking and never allowed by policy alone.
 *
 * @example
 * policyFor('minor', 'added') // 'semver-minor-adds'
 * policyFor('minor', 'type') // undefined: it counts unless a rule allows it
 */
export function policyFor(relation: VersionRelation, kind: DifferenceKind): PolicyName | undefined {
  if (relation === 'minor' && kind === 'added') return 'semver-minor-adds';
  return undefined;
}

/**
 * How a prerelease version meets a range: `release` (the default) matches it as the release it leads to, so
 * `1.0.0-beta.15` satisfies `>=1.0.0` and not `<1.0.0` (a release candidate for 1.0.0 is "in" 1.0.0); `exact`
 * applies semver's order, where `1.0.0-beta.15` is below `1.0.0` (it satisfies `<1.0.0` and `>=0.9.0`, not
 * `>=1.0.0`).
 */
export type PrereleaseMatch = 'release' | 'exact';

/**
 * True when `version` satisfies `range`; an unknown version satisfies no range. Prereleases match as their
 * release unless `prerelease` is `exact` (see {@link PrereleaseMatch}); either way a range never excludes a
 * version for being a prerelease (semver's `includePrerelease`).
 *
 * @example
 * satisfiesRange('1.0.0-beta.15', '>=1.0.0') // true
 * satisfiesRange('1.0.0-beta.15', '>=1.0.0', 'exact') // false
 */
export function satisfiesRange(
  version: string | undefined,
  range: string,
  prerelease: PrereleaseMatch = 'release',
): boolean {
  const parsed = parseVersion(version);
  if (parsed === undefined) return false;
  const release = prerelease === 'release' ? releaseOf(parsed) : parsed;
  return semver.satisfies(release, range, { includePrerelease: true });
}

/** `1.0.0-beta.15` → `1.0.0`; build metadata is already gone after parseVersion. */
function releaseOf(version: string): string {
  const dash = version.indexOf('-');
  return dash < 0 ? version : version.slice(0, dash);
}

/**
 * True for a breaking difference, one no policy hides and a verdict treats as critical unless a rule allows
 * it: a removed field, a changed type, or a compared header that candidate no longer sends.
 *
 * @example
 * isBreakingDifference({ route: 'GET /a', pointer: '/headers/x-total-count', kind: 'header', live: '42' }) // true
 */
export function isBreakingDifference(difference: Difference): boolean {
  if (difference.kind === 'removed' || difference.kind === 'type') return true;
  return difference.kind === 'header' && difference.candidate === undefined && difference.live !== undefined;
}
