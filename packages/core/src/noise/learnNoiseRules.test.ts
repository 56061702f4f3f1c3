import { describe, expect, it } from 'vitest';
import type { NoiseSummary } from '../diff/diffSummary.js';
import { formatRulesFile } from '../rules/formatRules.js';
import { parseRules } from '../rules/parseRules.js';
import { detectReorders } from './detectReorders.js';
import { learnNoiseRules } from './learnNoiseRules.js';

const pointer = (route: string, p: string, verdict: 'noise' | 'real' | 'unjudged', noise = 3) => ({
  route,
  pointer: p,
  kinds: ['changed' as const],
  raw: 3,
  compared: 6,
  noise,
  probed: 6,
  rawRate: 0.5,
  noiseRate: noise / 6,
  verdict,
  hidden: 0,
});

const summary: NoiseSummary = {
  probeShare: 1,
  relative: 0.2,
  absolute: 0.0003,
  minProbed: 5,
  routes: [
    { route: 'GET /a', compared: 6, probed: 6, judged: true },
    { route: 'GET /b', compared: 6, probed: 2, judged: false },
  ],
  pointers: [
    pointer('GET /a', '/token', 'noise'),
    pointer('GET /a', '/items/*/id', 'noise'),
    pointer('GET /a', '/items/*/seenAt', 'noise'),
    pointer('GET /a', '/total', 'real'),
    pointer('GET /a', '/quiet', 'noise', 0),
    pointer('GET /b', '/token', 'unjudged'),
  ],
  reorders: [{ route: 'GET /a', pointer: '/items', key: 'id', count: 4, residual: ['/items/*/seenAt'] }],
};

describe('learnNoiseRules', () => {
  it('keys reordered arrays, ignores noisy pointers, and skips what a key already explains or was not judged', () => {
    const rules = learnNoiseRules(summary);
    expect(rules.map(({ description: _, ...r }) => r)).toEqual([
      { id: 'noise-get-a-items-order', route: 'GET /a', pointer: '/items', arrayKey: 'id' },
      { id: 'noise-get-a-token', route: 'GET /a', pointer: '/token', kinds: ['changed'], ignore: true },
      {
        id: 'noise-get-a-items-any-seenat',
        route: 'GET /a',
        pointer: '/items/*/seenAt',
        kinds: ['changed'],
        ignore: true,
      },
    ]);
    expect(rules[1]?.description).toBe(
      'learned: differed live vs live in 3/6 probed record(s) (50%), live vs candidate in 3/6 (50%)',
    );
  });

  it('writes a rules file that parses back to the same rules', () => {
    const rules = learnNoiseRules(summary);
    const text = formatRulesFile(rules, {
      comment: 'Learned by bg-replay learn-noise\nReview before use.',
      schema: './rules.schema.json',
    });
    expect(
      text.startsWith(
        '# Learned by bg-replay learn-noise\n# Review before use.\n$schema: ./rules.schema.json\nrules:\n',
      ),
    ).toBe(true);
    expect(parseRules(text, 'noise.yaml')).toEqual(rules);
  });
});

describe('detectReorders', () => {
  it('finds reordered arrays at any depth and prefers an id-like key', () => {
    const a = {
      groups: [
        {
          lines: [
            { name: 'x', sku: 1 },
            { name: 'y', sku: 2 },
          ],
        },
      ],
    };
    const b = {
      groups: [
        {
          lines: [
            { name: 'y', sku: 2 },
            { name: 'x', sku: 1 },
          ],
        },
      ],
    };
    expect(detectReorders(a, b)).toEqual([{ pointer: '/groups/0/lines', key: 'sku' }]);
    expect(
      detectReorders(
        {
          l: [
            { id: 1, userId: 2 },
            { id: 2, userId: 1 },
          ],
        },
        {
          l: [
            { id: 2, userId: 1 },
            { id: 1, userId: 2 },
          ],
        },
      ),
    ).toEqual([{ pointer: '/l', key: 'id' }]);
  });

  it('finds nothing when elements changed rather than moved', () => {
    expect(detectReorders({ l: [{ id: 1 }, { id: 2 }] }, { l: [{ id: 1 }, { id: 3 }] })).toEqual([]);
    expect(detectReorders({ l: [{ id: 1 }, { id: 2 }] }, { l: [{ id: 1 }, { id: 2 }] })).toEqual([]);
  });

  it('writes unordered for scalar arrays that only changed order, and no ignore for their elements', () => {
    expect(detectReorders({ tags: ['a', 'b', 'c'] }, { tags: ['c', 'a', 'b'] })).toEqual([
      { pointer: '/tags', unordered: true },
    ]);
    expect(detectReorders({ tags: ['a', 'b'] }, { tags: ['a', 'c'] })).toEqual([]);
    const rules = learnNoiseRules({
      ...summary,
      pointers: [pointer('GET /a', '/tags/*', 'noise')],
      reorders: [{ route: 'GET /a', pointer: '/tags', unordered: true, count: 3, residual: [] }],
    });
    expect(rules.map(({ description: _, ...r }) => r)).toEqual([
      { id: 'noise-get-a-tags-order', route: 'GET /a', pointer: '/tags', unordered: true },
    ]);
    expect(parseRules(formatRulesFile(rules), 'noise.yaml')).toHaveLength(1);
  });

  it('learns a key named `**` as an escaped pointer that matches only that key', () => {
    const rules = learnNoiseRules({
      ...summary,
      pointers: [pointer('GET /a', '/\\**', 'noise')],
      reorders: [],
    });
    expect(rules.map((r) => r.pointer)).toEqual(['/\\**']);
    const [rule] = parseRules(formatRulesFile(rules), 'noise.yaml');
    expect(rule?.pointer).toBe('/\\**');
  });
});
