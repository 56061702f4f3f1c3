import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createJudge } from '../../src/rules/createJudge.js';
import { isRedactedPointer } from '../../src/rules/createRedactor.js';
import { loadRules } from '../../src/rules/parseRules.js';

const file = fileURLToPath(new URL('../../../../fixtures/comparison/rules.yaml', import.meta.url));

describe('fixtures/comparison/rules.yaml', () => {
  it('judges prereleases, escaped star keys and truncation as the docs say', async () => {
    const rules = await loadRules(file);
    const judge = createJudge(rules);
    const beta = { versions: { live: '0.9.0', candidate: '1.0.0-beta.15' } };
    const route = 'GET /products/:id';
    expect(judge.judge({ route, pointer: '/price', kind: 'type' }, beta)).toMatchObject({
      ruleId: 'price-became-object',
    });
    expect(judge.judge({ route, pointer: '/debug', kind: 'added' }, beta)).toMatchObject({
      ruleId: 'beta-debug-field',
    });
    expect(
      judge.judge(
        { route, pointer: '/debug', kind: 'added' },
        { versions: { live: '0.9.0', candidate: '1.0.0' } },
      ),
    ).toEqual({ counted: true });
    expect(judge.judge({ route, pointer: '/meta/**', kind: 'changed' })).toMatchObject({
      ruleId: 'volatile-star-key',
    });
    expect(judge.judge({ route, pointer: '/meta/price', kind: 'changed' })).toEqual({ counted: true });
    expect(judge.judge({ route: 'GET /exports/:id', pointer: '', kind: 'truncated' })).toMatchObject({
      ruleId: 'oversized-exports',
    });
    expect(judge.judge({ route, pointer: '', kind: 'truncated' })).toEqual({ counted: true });
    expect(isRedactedPointer(rules, route, '/customer/ssn')).toBe(true);
  });
});
