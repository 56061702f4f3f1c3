import { describe, expect, it } from 'vitest';
import type { DifferenceKind, Disposition } from '../model.js';
import { createJudge } from './createJudge.js';
import type { Rule } from './ruleSchema.js';
import { relateVersions, satisfiesRange } from './semverPolicy.js';

const live = '1.4.2';
const candidates = { same: '1.4.2', patch: '1.4.3', minor: '1.5.0', major: '2.0.0' } as const;
const kinds: DifferenceKind[] = ['added', 'removed', 'changed', 'type'];
const allowAll: Rule = { id: 'declared', pointer: '/field' };

type Row = [
  relation: keyof typeof candidates,
  kind: DifferenceKind,
  rules: 'none' | 'allow',
  expected: 'counted' | string,
];

// docs/architecture.md: same → nothing (only ignores); patch → nothing structural; minor → `added`; major → only rules.
// `removed` and `type` are never allowed by policy alone; an allowing rule works except between equal versions.
const table: Row[] = [
  ...kinds.map((k): Row => ['same', k, 'none', 'counted']),
  ...kinds.map((k): Row => ['same', k, 'allow', 'counted']),
  ...kinds.map((k): Row => ['patch', k, 'none', 'counted']),
  ...kinds.map((k): Row => ['patch', k, 'allow', 'rule:declared']),
  ['minor', 'added', 'none', 'policy:semver-minor-adds'],
  ['minor', 'removed', 'none', 'counted'],
  ['minor', 'changed', 'none', 'counted'],
  ['minor', 'type', 'none', 'counted'],
  ...kinds.map((k): Row => ['minor', k, 'allow', 'rule:declared']),
  ...kinds.map((k): Row => ['major', k, 'none', 'counted']),
  ...kinds.map((k): Row => ['major', k, 'allow', 'rule:declared']),
];

function describeDisposition(d: Disposition): string {
  if (d.counted) return 'counted';
  return d.by === 'rule' ? `rule:${d.ruleId}` : d.by === 'policy' ? `policy:${d.policy}` : 'noise';
}

describe('the semver policy', () => {
  it.each(table)('%s bump, %s difference, rules: %s → %s', (relation, kind, rules, expected) => {
    const judge = createJudge(rules === 'allow' ? [allowAll] : []);
    const versions = { live, candidate: candidates[relation] };
    expect(relateVersions(versions)).toBe(relation);
    expect(describeDisposition(judge.judge({ route: 'GET /a', pointer: '/field', kind }, { versions }))).toBe(
      expected,
    );
  });

  it('lets an ignore rule hide a difference between equal versions', () => {
    const judge = createJudge([{ id: 'noise', pointer: '/field', ignore: true }]);
    expect(
      judge.judge(
        { route: 'GET /a', pointer: '/field', kind: 'changed' },
        { versions: { live, candidate: live } },
      ),
    ).toEqual({
      counted: false,
      by: 'rule',
      ruleId: 'noise',
    });
  });

  it('counts an addition that a rule forbids even in a minor bump', () => {
    const judge = createJudge([{ id: 'no-debug', pointer: '/debug', kinds: ['added'], allow: false }]);
    const versions = { live, candidate: '1.5.0' };
    expect(judge.judge({ route: 'GET /a', pointer: '/debug', kind: 'added' }, { versions })).toEqual({
      counted: true,
    });
    expect(judge.judge({ route: 'GET /a', pointer: '/other', kind: 'added' }, { versions })).toEqual({
      counted: false,
      by: 'policy',
      policy: 'semver-minor-adds',
    });
    expect(judge.hits()).toEqual({ 'no-debug': 1 });
  });

  it('applies a rule scoped by `when` only to matching versions, and never when a named side is unknown', () => {
    const judge = createJudge([
      {
        id: 'price-became-object',
        pointer: '/price',
        kinds: ['type'],
        when: { live: '<2.0.0', candidate: '>=2.0.0 <3.0.0' },
      },
    ]);
    const difference = { route: 'GET /p', pointer: '/price', kind: 'type' as const };
    expect(judge.judge(difference, { versions: { live: '1.9.0', candidate: '2.0.0' } }).counted).toBe(false);
    expect(judge.judge(difference, { versions: { live: '1.9.0', candidate: '3.0.0' } }).counted).toBe(true);
    expect(judge.judge(difference, { versions: { live: '1.9.0' } }).counted).toBe(true);
    expect(judge.judge(difference).counted).toBe(true);
    expect(judge.hits()).toEqual({ 'price-became-object': 1 });
  });

  it('classifies prereleases, downgrades and unknown versions', () => {
    expect(relateVersions({ live: '1.4.2', candidate: '1.5.0-rc.1' })).toBe('minor');
    expect(relateVersions({ live: '1.5.0-rc.1', candidate: '1.5.0-rc.2' })).toBe('patch');
    expect(relateVersions({ live: 'v2.0.0', candidate: '1.9.9' })).toBe('older');
    expect(relateVersions({ live: 'build-42', candidate: '1.0.0' })).toBe('unknown');
    expect(relateVersions({})).toBe('unknown');
  });

  it('matches a prerelease in `when` as the release it leads to, unless the rule says prerelease: exact', () => {
    expect(satisfiesRange('1.0.0-beta.15', '>=1.0.0')).toBe(true);
    expect(satisfiesRange('1.0.0-beta.15', '<1.0.0')).toBe(false);
    expect(satisfiesRange('2.1.0-rc.1', '>=2.0.0 <3.0.0')).toBe(true);
    expect(satisfiesRange('1.0.0-beta.15', '>=1.0.0', 'exact')).toBe(false);
    expect(satisfiesRange('1.0.0-beta.15', '<1.0.0', 'exact')).toBe(true);
    const rules: Rule[] = [
      { id: 'v1', pointer: '/price', kinds: ['type'], when: { candidate: '>=1.0.0' }, allow: true },
      { id: 'v1-exact', pointer: '/total', when: { candidate: '>=1.0.0', prerelease: 'exact' }, allow: true },
    ];
    const judge = createJudge(rules);
    const versions = { live: '0.9.0', candidate: '1.0.0-beta.15' };
    expect(judge.judge({ route: 'GET /p', pointer: '/price', kind: 'type' }, { versions })).toEqual({
      counted: false,
      by: 'rule',
      ruleId: 'v1',
    });
    expect(judge.judge({ route: 'GET /p', pointer: '/total', kind: 'type' }, { versions })).toEqual({
      counted: true,
    });
  });
});
