import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitPointer } from '../diff/pointer.js';
import { createJudge } from './createJudge.js';
import { compileSegmentsPattern } from './matchPointer.js';

const runs = Number(process.env.FUZZ_RUNS ?? 300);

describe('createJudge', () => {
  it('matches pointers as the segment matcher does, escaped or not (property)', () => {
    const segment = fc.oneof(
      fc.constantFrom('items', '0', '12', 'price', '', 'a.b', 'a/b', 'c~d', '~1', '~0', '(x)', '$'),
      fc.string({ maxLength: 4 }),
    );
    const escapeSegment = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
    const pointer = fc
      .array(segment, { maxLength: 5 })
      .map((s) => s.map((x) => `/${escapeSegment(x)}`).join(''));
    const pattern = fc
      .array(fc.oneof(segment, fc.constantFrom('*', '**')), { maxLength: 5 })
      .map((s) => s.map((x) => `/${x === '*' || x === '**' ? x : escapeSegment(x)}`).join(''));
    const raw = fc.string({ maxLength: 12 });
    fc.assert(
      fc.property(fc.oneof(pattern, raw), fc.oneof(pointer, raw), (p, q) => {
        const judge = createJudge([{ id: 'r', pointer: p, ignore: true }]);
        const expected = compileSegmentsPattern(p)(splitPointer(q));
        expect(judge.isIgnored({ route: 'GET /a', pointer: q, kind: 'changed' })).toBe(expected);
        expect(judge.judge({ route: 'GET /a', pointer: q, kind: 'changed' }).counted).toBe(!expected);
      }),
      { seed: 11, numRuns: runs * 10 },
    );
  });

  it('scopes by route, kinds and versions, with the same answers on repeated routes and versions', () => {
    const judge = createJudge([
      { id: 'new-flag', route: 'GET /items', pointer: '/items/*/extra', kinds: ['added'], allow: true },
      { id: 'v2', pointer: '/price', kinds: ['type'], when: { candidate: '>=2.0.0' }, allow: true },
    ]);
    const added = { route: 'GET /items', pointer: '/items/3/extra', kind: 'added' as const };
    const minor = { versions: { live: '1.0.0', candidate: '1.1.0' } };
    for (let i = 0; i < 3; i += 1) {
      expect(judge.judge(added, minor)).toEqual({ counted: false, by: 'rule', ruleId: 'new-flag' });
      expect(
        judge.judge({ ...added, route: 'GET /other' }, { versions: { live: '1.0.0', candidate: '1.0.0' } }),
      ).toEqual({ counted: true });
      expect(judge.judge({ ...added, kind: 'removed' }, minor)).toEqual({ counted: true });
      const type = { route: 'GET /p', pointer: '/price', kind: 'type' as const };
      expect(judge.judge(type, { versions: { live: '1.0.0', candidate: '2.1.0' } })).toEqual({
        counted: false,
        by: 'rule',
        ruleId: 'v2',
      });
      expect(judge.judge(type, { versions: { live: '1.0.0', candidate: '1.9.0' } })).toEqual({
        counted: true,
      });
      expect(judge.judge(type, { versions: { live: '1.0.0' } })).toEqual({ counted: true });
    }
    expect(judge.hits()).toEqual({ 'new-flag': 3, v2: 3 });
  });
});
