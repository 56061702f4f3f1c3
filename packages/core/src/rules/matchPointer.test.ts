import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregatePointer } from '../diff/pointer.js';
import { createJudge } from './createJudge.js';
import {
  compilePointerPattern,
  compileSegmentsPattern,
  escapePatternSegment,
  type PatternPart,
  parsePointerPattern,
} from './matchPointer.js';

/** The obvious backtracking matcher, as a reference on small inputs (exponential on large ones). */
function reference(parts: readonly PatternPart[], i: number, path: readonly string[], j: number): boolean {
  if (i === parts.length) return j === path.length;
  const part = parts[i] as PatternPart;
  if (part.type === 'any') {
    for (let k = j; k <= path.length; k += 1) if (reference(parts, i + 1, path, k)) return true;
    return false;
  }
  if (j >= path.length) return false;
  if (part.type === 'literal' && part.text !== path[j]) return false;
  return reference(parts, i + 1, path, j + 1);
}

/** A pointer `depth` segments deep that no `/**\/x/**\/x…/y` pattern matches (it never ends in `y`). */
const deepMiss = (depth: number) => `/${Array.from({ length: depth }, () => 'x').join('/')}`;

describe('compilePointerPattern', () => {
  it('matches `*` as exactly one segment and `**` as any number, none included', () => {
    const match = compilePointerPattern('/orders/*/lines/**/sku');
    expect(match('/orders/3/lines/sku')).toBe(true);
    expect(match('/orders/3/lines/0/a/sku')).toBe(true);
    expect(match('/orders/lines/sku')).toBe(false);
    expect(match('/orders/3/lines/0/sku/x')).toBe(false);
    expect(compilePointerPattern('/**')('')).toBe(true);
    expect(compilePointerPattern('/a/**')('/a')).toBe(true);
  });

  it('matches a key named `*` or `**` only literally when the pattern escapes it with a backslash', () => {
    expect(compilePointerPattern('/\\**')('/**')).toBe(true);
    expect(compilePointerPattern('/\\**')('/price')).toBe(false);
    expect(compilePointerPattern('/\\*')('/*')).toBe(true);
    expect(compilePointerPattern('/\\*')('/price')).toBe(false);
    expect(compilePointerPattern('/\\\\*')('/\\*')).toBe(true);
    expect(compilePointerPattern('/a\\*')('/a\\*')).toBe(true);
    expect(parsePointerPattern('/\\**/**')).toEqual([{ type: 'literal', text: '**' }, { type: 'any' }]);
  });

  it('escapes exactly the keys that would otherwise be wildcards or escapes', () => {
    expect(['*', '**', '\\*', '\\**', 'price', 'a*', '\\x'].map(escapePatternSegment)).toEqual([
      '\\*',
      '\\**',
      '\\\\*',
      '\\\\**',
      'price',
      'a*',
      '\\x',
    ]);
    for (const key of ['*', '**', '\\*', '\\\\**', 'a*b']) {
      expect(compileSegmentsPattern(`/${escapePatternSegment(key)}`)([key])).toBe(true);
      expect(compileSegmentsPattern(`/${escapePatternSegment(key)}`)(['other'])).toBe(false);
    }
  });

  it('folds indices but escapes star keys when aggregating a pointer', () => {
    expect(aggregatePointer('/items/3/price')).toBe('/items/*/price');
    expect(aggregatePointer('/**')).toBe('/\\**');
    expect(aggregatePointer('/a/*/7')).toBe('/a/\\*/*');
    expect(compilePointerPattern(aggregatePointer('/**'))('/price')).toBe(false);
  });

  it('agrees with a backtracking reference on random patterns and pointers (property)', () => {
    const segment = fc.constantFrom('a', 'b', '*', '**', '\\*', '\\**', '0', '');
    const pattern = fc.array(segment, { maxLength: 7 }).map((s) => s.map((x) => `/${x}`).join(''));
    const path = fc.array(fc.constantFrom('a', 'b', '*', '**', '0', ''), { maxLength: 7 });
    fc.assert(
      fc.property(pattern, path, (p, segments) => {
        expect(compileSegmentsPattern(p)(segments)).toBe(reference(parsePointerPattern(p), 0, segments, 0));
      }),
      { seed: 7, numRuns: 2000 },
    );
  });

  it('answers twelve `**` against a 64-deep pointer that fails, in one pass over the segments', () => {
    // A backtracking matcher tries every split of 64 segments among twelve `**`: C(75, 12) ≈ 10^13 paths.
    const pattern = `${'/**/x'.repeat(12)}/y`;
    const match = compilePointerPattern(pattern);
    expect(match(deepMiss(64))).toBe(false);
    expect(match(`${deepMiss(64)}/y`)).toBe(true);
    const judge = createJudge([{ id: 'deep', pointer: pattern, ignore: true }]);
    expect(judge.judge({ route: 'GET /a', pointer: deepMiss(64), kind: 'changed' })).toEqual({
      counted: true,
    });
    expect(judge.isIgnored({ route: 'GET /a', pointer: `${deepMiss(40)}/y`, kind: 'changed' })).toBe(true);
  });
});
