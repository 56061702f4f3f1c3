import { describe, expect, it } from 'vitest';
import type { BgReplayError } from '../errors.js';
import { loadRules, parseRules } from './parseRules.js';
import { rulesJsonSchema } from './ruleSchema.js';

function errorOf(text: string): BgReplayError {
  try {
    parseRules(text, 'rules.yaml');
  } catch (error) {
    return error as BgReplayError;
  }
  throw new Error('expected an error');
}

describe('parseRules', () => {
  it('reads every rule field', () => {
    const rules = parseRules(
      [
        'rules:',
        '  - id: price-became-object',
        '    route: GET /products/:id',
        '    pointer: /price',
        '    kinds: [type, changed]',
        '    when: { candidate: ">=2.0.0 <3.0.0", live: "<2.0.0" }',
        '  - id: items-by-sku',
        '    pointer: /items',
        '    arrayKey: sku',
        '  - id: cents',
        '    pointer: /**/amount',
        '    tolerance: 0.005',
        '  - id: tags',
        '    pointer: /tags',
        '    unordered: true',
        '  - id: no-debug',
        '    pointer: /debug',
        '    allow: false',
      ].join('\n'),
      'rules.yaml',
    );
    expect(rules.map((r) => r.id)).toEqual([
      'price-became-object',
      'items-by-sku',
      'cents',
      'tags',
      'no-debug',
    ]);
    expect(rules[0]?.when).toEqual({ candidate: '>=2.0.0 <3.0.0', live: '<2.0.0' });
  });

  it('names file, line and field of an unknown field', () => {
    const error = errorOf('rules:\n  - id: a\n    pointer: /a\n    ignroe: true\n');
    expect(error.code).toBe('E_RULES');
    expect(error.message).toBe('rules.yaml:4: rules.0: unknown field "ignroe"');
  });

  it('names the line of a bad semver range', () => {
    const error = errorOf('rules:\n  - id: a\n    pointer: /a\n    when:\n      candidate: "two point oh"\n');
    expect(error.message).toMatch(/^rules\.yaml:5: rules\.0\.when\.candidate: must be a semver range/);
  });

  it('names the line of a bad pointer and of a wrong type', () => {
    expect(errorOf('rules:\n  - id: a\n    pointer: price\n').message).toMatch(
      /^rules\.yaml:3: rules\.0\.pointer: must be a JSON Pointer/,
    );
    expect(errorOf('rules:\n  - id: a\n    pointer: /a\n    tolerance: small\n').message).toMatch(
      /^rules\.yaml:4: rules\.0\.tolerance: /,
    );
    expect(errorOf('rules:\n  - id: a\n    pointer: /a\n    kinds: [moved]\n').message).toMatch(
      /^rules\.yaml:4: rules\.0\.kinds\.0: /,
    );
  });

  it('rejects ignore together with allow, and arrayKey together with unordered', () => {
    expect(errorOf('rules:\n  - id: a\n    pointer: /a\n    ignore: true\n    allow: true\n').message).toBe(
      'rules.yaml:5: rules.0.allow: give either ignore or allow, not both',
    );
    expect(
      errorOf('rules:\n  - id: a\n    pointer: /a\n    arrayKey: id\n    unordered: true\n').message,
    ).toMatch(/^rules\.yaml:5: rules\.0\.unordered: give either arrayKey/);
  });

  it('names the line of a duplicate id and of a syntax error', () => {
    expect(errorOf('rules:\n  - id: a\n    pointer: /a\n  - id: a\n    pointer: /b\n').message).toBe(
      'rules.yaml:4: rules.1.id: duplicate rule id "a"',
    );
    expect(errorOf('rules:\n  - id: a\n    pointer: [/a\n').message).toMatch(
      /^rules\.yaml:\d+: invalid YAML\/JSON/,
    );
  });

  it('reads the JSON fixture with its $schema, and reports a missing file by name', async () => {
    const rules = await loadRules(
      new URL('../../../../fixtures/rules/versioned.json', import.meta.url).pathname,
    );
    expect(rules.map((r) => r.id)).toContain('total-became-string-in-2x');
    await expect(loadRules('/nonexistent/rules.yaml')).rejects.toThrow(
      'cannot read rules file /nonexistent/rules.yaml: no such file',
    );
  });
});

describe('rulesJsonSchema', () => {
  it('describes every rule field for editors', () => {
    const schema = rulesJsonSchema() as {
      properties: {
        rules: { items: { properties: Record<string, unknown>; additionalProperties: boolean } };
      };
    };
    const rule = schema.properties.rules.items;
    expect(Object.keys(rule.properties).sort()).toEqual(
      [
        'allow',
        'arrayKey',
        'description',
        'id',
        'ignore',
        'kinds',
        'pointer',
        'redact',
        'route',
        'tolerance',
        'unordered',
        'when',
      ].sort(),
    );
    expect(rule.additionalProperties).toBe(false);
  });
});
