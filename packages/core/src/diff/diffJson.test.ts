import fc from 'fast-check';
import jsonPatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { compileSegmentsPattern } from '../rules/matchPointer.js';
import { type DiffShape, diffJson } from './diffJson.js';
import { createNormalizers } from './normalizers.js';
import { toJsonPatch } from './toJsonPatch.js';

const route = 'GET /x';
const runs = Number(process.env.FUZZ_RUNS ?? 300);

function keyed(pattern: string, key: string, ruleId?: string): DiffShape {
  const matches = compileSegmentsPattern(pattern);
  return {
    arrayAt: (segments) => (matches(segments) ? { key, ...(ruleId ? { ruleId } : {}) } : undefined),
    toleranceAt: () => undefined,
  };
}

describe('diffJson', () => {
  it('types each difference: added, removed, changed and type', () => {
    const differences = diffJson(
      { a: 1, b: 'x', c: { d: true } },
      { a: '1', c: { d: false }, e: null },
      route,
    );
    expect(differences).toEqual([
      { route, pointer: '/a', kind: 'type', live: 1, candidate: '1' },
      { route, pointer: '/b', kind: 'removed', live: 'x' },
      { route, pointer: '/c/d', kind: 'changed', live: true, candidate: false },
      { route, pointer: '/e', kind: 'added', candidate: null },
    ]);
  });

  it('reports a whole-document change at the empty pointer', () => {
    expect(diffJson([1], { a: 1 }, route)).toEqual([
      { route, pointer: '', kind: 'type', live: [1], candidate: { a: 1 } },
    ]);
    expect(diffJson('a', 'b', route)).toEqual([
      { route, pointer: '', kind: 'changed', live: 'a', candidate: 'b' },
    ]);
  });

  it('escapes pointer segments per RFC 6901', () => {
    expect(diffJson({ 'a/b': 1, 'c~d': 1 }, { 'a/b': 2, 'c~d': 2 }, route).map((d) => d.pointer)).toEqual([
      '/a~1b',
      '/c~0d',
    ]);
  });

  it('treats a key named __proto__ as data', () => {
    const a = JSON.parse('{"__proto__": {"x": 1}}');
    const b = JSON.parse('{"__proto__": {"x": 2}}');
    expect(diffJson(a, b, route)).toEqual([
      { route, pointer: '/__proto__/x', kind: 'changed', live: 1, candidate: 2 },
    ]);
  });

  it('compares arrays by position by default', () => {
    expect(
      diffJson({ l: [1, 2, 3] }, { l: [3, 2, 1, 0] }, route).map((d) => `${d.kind} ${d.pointer}`),
    ).toEqual(['changed /l/0', 'changed /l/2', 'added /l/3']);
  });

  it('redacts values of secret-looking fields', () => {
    expect(diffJson({ user: { password: 'a' } }, { user: { password: 'b' } }, route)).toEqual([
      { route, pointer: '/user/password', kind: 'changed', live: '[redacted]', candidate: '[redacted]' },
    ]);
  });

  describe('with an array key', () => {
    const live = {
      items: [
        { id: 1, n: 'a' },
        { id: 2, n: 'b' },
        { id: 3, n: 'c' },
      ],
    };

    it('finds no difference in a reorder', () => {
      const candidate = {
        items: [
          { id: 3, n: 'c' },
          { id: 1, n: 'a' },
          { id: 2, n: 'b' },
        ],
      };
      expect(diffJson(live, candidate, route, { shape: keyed('/items', 'id') })).toEqual([]);
      expect(diffJson(live, candidate, route)).toHaveLength(6);
    });

    it('reports an insertion as one addition at candidate index', () => {
      const candidate = { items: [{ id: 9, n: 'z' }, ...live.items] };
      expect(diffJson(live, candidate, route, { shape: keyed('/items', 'id') })).toEqual([
        { route, pointer: '/items/0', kind: 'added', candidate: { id: 9, n: 'z' } },
      ]);
    });

    it('reports a deletion as one removal at live index, and a change inside a moved element at live index', () => {
      const candidate = {
        items: [
          { id: 3, n: 'C' },
          { id: 1, n: 'a' },
        ],
      };
      expect(diffJson(live, candidate, route, { shape: keyed('/items', 'id') })).toEqual([
        { route, pointer: '/items/2/n', kind: 'changed', live: 'c', candidate: 'C' },
        { route, pointer: '/items/1', kind: 'removed', live: { id: 2, n: 'b' } },
      ]);
    });

    it('credits the rule that keyed the array', () => {
      const used: string[] = [];
      diffJson(live, { items: [...live.items].reverse() }, route, {
        shape: keyed('/items', 'id', 'items-by-id'),
        onShapeUsed: (id) => used.push(id),
      });
      expect(used).toEqual(['items-by-id']);
    });

    it('falls back to positions when keys repeat or are missing', () => {
      const a = { items: [{ id: 1 }, { id: 1 }] };
      const b = { items: [{ id: 1 }, { id: 2 }] };
      expect(diffJson(a, b, route, { shape: keyed('/items', 'id') })).toEqual([
        { route, pointer: '/items/1/id', kind: 'changed', live: 1, candidate: 2 },
      ]);
    });

    // Its speed is measured by `pnpm bench`, never asserted here: a busy machine must not fail the suite.
    it('finds no difference in a 1,000-element array reversed and keyed by id', () => {
      const items = Array.from({ length: 1000 }, (_, i) => ({ id: `k${i}`, v: i }));
      const shuffled = [...items].reverse();
      expect(diffJson({ items }, { items: shuffled }, route, { shape: keyed('/items', 'id') })).toEqual([]);
    });
  });

  describe('with an unordered array of scalars', () => {
    const shape: DiffShape = {
      arrayAt: (s) => (s[0] === 'tags' ? { unordered: true } : undefined),
      toleranceAt: () => undefined,
    };

    it('ignores order and reports the multiset difference', () => {
      expect(diffJson({ tags: ['a', 'b', 'b'] }, { tags: ['b', 'a', 'b'] }, route, { shape })).toEqual([]);
      expect(diffJson({ tags: ['a', 'b', 'b'] }, { tags: ['b', 'c', 'a'] }, route, { shape })).toEqual([
        { route, pointer: '/tags/1', kind: 'added', candidate: 'c' },
        { route, pointer: '/tags/2', kind: 'removed', live: 'b' },
      ]);
    });
  });

  it('applies a numeric tolerance where the shape says so', () => {
    const shape: DiffShape = {
      arrayAt: () => undefined,
      toleranceAt: (s) => (s.at(-1) === 'price' ? { tolerance: 0.01, ruleId: 'cents' } : undefined),
    };
    const used: string[] = [];
    expect(
      diffJson({ price: 1.0, qty: 1 }, { price: 1.004, qty: 1.004 }, route, {
        shape,
        onShapeUsed: (id) => used.push(id),
      }),
    ).toEqual([{ route, pointer: '/qty', kind: 'changed', live: 1, candidate: 1.004 }]);
    expect(used).toEqual(['cents']);
    expect(diffJson({ price: 1.0 }, { price: 1.02 }, route, { shape })).toHaveLength(1);
  });

  it('asks the normalizers only where values differ', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const seen: string[] = [];
    const differences = diffJson(
      { requestId: 'req_8f3a9b2c1d4e', at: '2026-01-01T00:00:01Z', n: 1 },
      { requestId: 'req_1a2b3c4d5e6f', at: '2026-01-01T00:00:02.500Z', n: 2 },
      route,
      { normalizers: createNormalizers(), now, onNormalized: (name) => seen.push(name) },
    );
    expect(differences.map((d) => d.pointer)).toEqual(['/n']);
    expect(seen.sort()).toEqual(['ids', 'timestamps']);
  });

  describe('properties (fast-check, fixed seed)', () => {
    const key = fc.constantFrom('a', 'b', 'c', 'id', 'x/y', 'm~n', '0', '1');
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom(null, true, false, 0, 1, -1.5, '', 's', 't'),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(key, tie('value'), { maxKeys: 4 }),
      ),
    })).value;

    it('applying the reported operations to live yields candidate', () => {
      fc.assert(
        fc.property(json, json, (live, candidate) => {
          const operations = toJsonPatch(diffJson(live, candidate, route));
          const patched = jsonPatch.applyPatch(
            structuredClone(live),
            operations as never,
            true,
            false,
          ).newDocument;
          expect(patched).toEqual(candidate);
        }),
        { seed: 4242, numRuns: runs },
      );
    });

    it('finds nothing between a document and itself', () => {
      fc.assert(
        fc.property(json, (value) => {
          expect(diffJson(value, structuredClone(value), route)).toEqual([]);
        }),
        { seed: 4242, numRuns: runs },
      );
    });
  });
});
