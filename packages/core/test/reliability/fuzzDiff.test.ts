import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { createShaper } from '../../src/diff/createShaper.js';
import { diffBodies, diffJson, diffResponses, prepareBody } from '../../src/diff/diffResponses.js';
import { createNormalizers } from '../../src/diff/normalizers.js';
import { joinPointer, splitPointer } from '../../src/diff/pointer.js';
import { type PatchOperation, toJsonPatch } from '../../src/diff/toJsonPatch.js';
import { BgReplayError } from '../../src/errors.js';
import {
  compilePointerPattern,
  compileRoutePattern,
  escapePatternSegment,
} from '../../src/rules/matchPointer.js';
import { parseRules } from '../../src/rules/parseRules.js';
import { FUZZ, FUZZ_TIMEOUT } from './harness.js';

vi.setConfig({ testTimeout: FUZZ_TIMEOUT });

/** JSON documents, round-tripped so `-0` and friends look as they would after `JSON.parse`. */
const json = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);

/** A document and a variant of it: a few values changed, keys added or removed, arrays grown or shrunk. */
const pair = fc
  .tuple(json, json, fc.array(fc.tuple(fc.nat(), json), { maxLength: 4 }))
  .map(([a, other, edits]) => {
    const b = structuredClone(a);
    const slots: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = [];
    const visit = (node: unknown) => {
      if (node === null || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node)) {
        const parent = node as Record<string, unknown> | unknown[];
        slots.push({ parent, key: Array.isArray(parent) ? Number(k) : k });
        visit(v);
      }
    };
    visit(b);
    for (const [at, value] of edits) {
      const slot = slots[at % Math.max(1, slots.length)];
      if (!slot) return [a, other] as const;
      const { parent, key } = slot;
      if (Array.isArray(parent)) {
        if (at % 3 === 0) parent.push(value);
        else if (at % 3 === 1 && parent.length > 0) parent.pop();
        else parent[key as number] = value;
      } else if (at % 3 === 0) delete parent[key as string];
      else if (at % 3 === 1) parent[`${String(key)}~/x`] = value;
      else parent[key as string] = value;
    }
    return [a, b] as const;
  });

/** Applies RFC 6902 add/remove/replace operations (own properties only, `__proto__` included). */
function applyPatch(document: unknown, operations: readonly PatchOperation[]): unknown {
  let root = structuredClone(document);
  for (const op of operations) {
    const segments = splitPointer(op.path);
    if (segments.length === 0) {
      root = op.op === 'remove' ? undefined : structuredClone(op.value);
      continue;
    }
    let parent = root as Record<string, unknown> | unknown[];
    for (const s of segments.slice(0, -1)) parent = (parent as Record<string, unknown>)[s] as typeof parent;
    const last = segments.at(-1) as string;
    const value = op.op === 'remove' ? undefined : structuredClone(op.value);
    if (Array.isArray(parent)) {
      const i = last === '-' ? parent.length : Number(last);
      if (op.op === 'add') parent.splice(i, 0, value);
      else if (op.op === 'remove') parent.splice(i, 1);
      else parent[i] = value;
    } else if (op.op === 'remove') delete parent[last];
    else Object.defineProperty(parent, last, { value, enumerable: true, writable: true, configurable: true });
  }
  return root;
}

describe('the diff engine on arbitrary JSON', () => {
  it('never throws, and every difference has a pointer and a kind', () => {
    const normalizers = createNormalizers({}, 300_000);
    fc.assert(
      fc.property(json, json, (a, b) => {
        for (const d of diffJson(a, b, 'GET /x', { normalizers, now: 0 })) {
          expect(d.pointer === '' || d.pointer.startsWith('/')).toBe(true);
          expect(['added', 'removed', 'changed', 'type']).toContain(d.kind);
        }
      }),
      FUZZ,
    );
  });

  it('finds no difference between a document and itself or its copy', () => {
    fc.assert(
      fc.property(json, (a) => {
        expect(diffJson(a, a, 'GET /x')).toEqual([]);
        expect(diffJson(a, structuredClone(a), 'GET /x')).toEqual([]);
      }),
      FUZZ,
    );
  });

  it("applying the reported operations to live's body yields candidate's", () => {
    fc.assert(
      fc.property(fc.oneof(pair, fc.tuple(json, json)), ([a, b]) => {
        const differences = diffJson(a, b, 'GET /x', { redact: false });
        expect(applyPatch(a, toJsonPatch(differences))).toEqual(b);
      }),
      FUZZ,
    );
  });

  it('a keyed array compared by key finds nothing in a reordering, whatever its size', () => {
    const shaper = createShaper([], { arrayKeys: { '/items': 'id' } });
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer(), { maxLength: 200 }),
        fc.array(json, { maxLength: 200 }),
        fc.nat(),
        (ids, values, seed) => {
          const items = ids.map((id, i) => ({ id, value: values[i % Math.max(1, values.length)] ?? null }));
          const shuffled = [...items].sort(
            (x, y) => ((x.id * 7919 + seed) % 101) - ((y.id * 7919 + seed) % 101),
          );
          const shape = shaper('GET /x', {});
          expect(diffJson({ items }, { items: shuffled }, 'GET /x', { shape })).toEqual([]);
        },
      ),
      FUZZ,
    );
  });

  it('diffResponses never throws on arbitrary bytes, content types and encodings', () => {
    const type = fc.constantFrom(
      undefined,
      'application/json',
      'text/html',
      'application/octet-stream',
      'application/problem+json; charset=utf-8',
      '',
    );
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      json.map((v) => new TextEncoder().encode(JSON.stringify(v))),
    );
    const response = fc
      .record({ status: fc.integer({ min: 100, max: 599 }), type, body: bytes, truncated: fc.boolean() })
      .map((r) => ({
        ok: true as const,
        status: r.status,
        headers: (r.type === undefined ? {} : { 'content-type': r.type }) as Record<string, string>,
        body: r.body,
        truncated: r.truncated,
        latencyMs: 1,
      }));
    fc.assert(
      fc.property(response, response, (a, b) => {
        diffResponses(a, b, 'GET /x');
        expect(diffBodies(prepareBody(a), prepareBody(a), 'GET /x')).toEqual([]);
      }),
      FUZZ,
    );
  });
});

describe('pointer and route patterns', () => {
  const segment = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('*', '**', '~', '~0', '~1', '', '0'));
  const pointer = fc.array(segment, { maxLength: 8 }).map((s) => (s.length === 0 ? '' : `/${s.join('/')}`));

  it('compilePointerPattern never throws; `/**` matches every pointer; a pointer matches itself, its keys escaped', () => {
    const any = compilePointerPattern('/**');
    fc.assert(
      fc.property(fc.oneof(pointer, fc.string({ maxLength: 30 })), pointer, (pattern, p) => {
        compilePointerPattern(pattern)(p);
        expect(any(p)).toBe(true);
        const segments = splitPointer(p);
        expect(compilePointerPattern(joinPointer(segments.map(escapePatternSegment)))(p)).toBe(true);
        expect(compilePointerPattern(joinPointer(segments.map(() => '*')))(p)).toBe(true);
      }),
      FUZZ,
    );
  });

  it('compileRoutePattern never throws; `* /**` matches every route', () => {
    const any = compileRoutePattern('* /**');
    const route = fc
      .tuple(
        fc.constantFrom('GET', 'POST', 'get', ''),
        fc.array(fc.string({ maxLength: 5 }), { maxLength: 5 }),
      )
      .map(([m, parts]) => `${m} /${parts.join('/')}`);
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), route), route, (pattern, r) => {
        compileRoutePattern(pattern)(r);
        compileRoutePattern(pattern)(pattern);
        if (r.startsWith('GET ') || r.startsWith('POST ')) expect(any(r)).toBe(true);
      }),
      FUZZ,
    );
  });
});

describe('the rules parser on arbitrary text', () => {
  const expectOnlyRulesErrors = (text: string) => {
    try {
      const rules = parseRules(text, 'rules.yaml');
      expect(Array.isArray(rules)).toBe(true);
    } catch (error) {
      expect(error).toBeInstanceOf(BgReplayError);
      expect((error as BgReplayError).code).toBe('E_RULES');
      expect((error as Error).message.startsWith('rules.yaml')).toBe(true);
    }
  };
  const field = fc.constantFrom(
    'id',
    'pointer',
    'route',
    'kinds',
    'ignore',
    'allow',
    'arrayKey',
    'unordered',
    'tolerance',
    'when',
    'description',
    'other',
  );
  const ruleish = fc.dictionary(
    field,
    fc.oneof(
      json,
      fc.constantFrom('/**', '/a/*', 'GET /x', ['added'], { live: '>=1.0.0' }, { candidate: 'nope' }),
    ),
  );
  const file = fc.oneof(
    fc.record({ rules: fc.array(ruleish, { maxLength: 4 }) }),
    fc.dictionary(fc.string({ maxLength: 6 }), json),
    json,
  );

  it('throws nothing but BgReplayError on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), expectOnlyRulesErrors), FUZZ);
  });

  it('throws nothing but BgReplayError on rule-shaped YAML and JSON', () => {
    fc.assert(
      fc.property(file, fc.boolean(), (value, asYaml) =>
        expectOnlyRulesErrors(asYaml ? toYaml(value) : JSON.stringify(value)),
      ),
      FUZZ,
    );
  });

  it('rejects alias bombs and dangling aliases with a message naming the file', () => {
    const laughs = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'rules: [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
    ].join('\n');
    for (const text of [laughs, 'rules: *nowhere']) {
      expect(() => parseRules(text, 'rules.yaml')).toThrow(BgReplayError);
      expect(() => parseRules(text, 'rules.yaml')).toThrow(/^rules\.yaml/);
    }
  });
});
