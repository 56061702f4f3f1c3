import { describe, expect, it } from 'vitest';
import { createComparer } from '../../src/diff/createComparer.js';
import type { ExchangeResponse, RequestRecord } from '../../src/model.js';
import { createJudge } from '../../src/rules/createJudge.js';
import { isRedactedPointer } from '../../src/rules/createRedactor.js';
import { parseRules } from '../../src/rules/parseRules.js';
import { addOutcome, createTally } from '../../src/verdict/aggregate.js';

const record: RequestRecord = { method: 'GET', path: '/users/1', headers: {} };
const route = 'GET /users/:id';
const answer = (body: unknown): ExchangeResponse => ({
  ok: true,
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify(body)),
  truncated: false,
  latencyMs: 1,
});

const rules = parseRules(
  [
    'rules:',
    '  - id: mask-ssn',
    '    route: "GET /users/:id"',
    '    pointer: /**/ssn',
    '    redact: true',
    '  - id: mask-card',
    '    pointer: /card',
    '    redact: true',
  ].join('\n'),
  'rules.yaml',
);

describe('redact rules', () => {
  it('mask values at the pointer and inside added or removed subtrees; the differences still count', async () => {
    const comparer = await createComparer({ rules });
    const { differences } = comparer.compare({
      record,
      route,
      live: answer({
        user: { ssn: '123-45-6789', name: 'A' },
        card: '4111',
        old: { ssn: '999-00-1111', x: 1 },
      }),
      candidate: answer({ user: { ssn: '123-45-0000', name: 'A' }, card: '4242', extra: [{ ssn: '555' }] }),
    });
    expect(
      differences.map(({ pointer, kind, live, candidate, disposition }) => ({
        pointer,
        kind,
        live,
        candidate,
        disposition,
      })),
    ).toEqual([
      {
        pointer: '/user/ssn',
        kind: 'changed',
        live: '[redacted]',
        candidate: '[redacted]',
        disposition: { counted: true },
      },
      {
        pointer: '/card',
        kind: 'changed',
        live: '[redacted]',
        candidate: '[redacted]',
        disposition: { counted: true },
      },
      {
        pointer: '/old',
        kind: 'removed',
        live: { ssn: '[redacted]', x: 1 },
        candidate: undefined,
        disposition: { counted: true },
      },
      {
        pointer: '/extra',
        kind: 'added',
        live: undefined,
        candidate: [{ ssn: '[redacted]' }],
        disposition: { counted: true },
      },
    ]);
    const outcome = { route, record, live: answer({}), candidate: answer({}), differences };
    const tally = createTally();
    addOutcome(tally, outcome);
    const text = JSON.stringify(tally, (_key, value) => (value instanceof Map ? [...value] : value));
    expect(text).toMatch(/\/user\/ssn/);
    expect(text).not.toMatch(/123-45|4111|4242|999-00|555/);
  });

  it('keeps exact numbers inside a masked subtree as numbers', async () => {
    const comparer = await createComparer({ rules });
    const live: ExchangeResponse = { ...answer({}), body: Buffer.from('{"a":1}') };
    const candidate: ExchangeResponse = {
      ...answer({}),
      body: Buffer.from('{"a":1,"old":{"ssn":"1","n":12345678901234567891}}'),
    };
    const { differences } = comparer.compare({ record, route, live, candidate });
    expect(JSON.stringify(differences[0]?.candidate)).toBe('{"ssn":"[redacted]","n":"12345678901234567891"}');
  });

  it('answers isRedactedPointer for the report side, scoped by route; redact-only rules judge nothing', () => {
    expect(isRedactedPointer(rules, route, '/a/b/ssn')).toBe(true);
    expect(isRedactedPointer(rules, 'GET /orders/:id', '/a/b/ssn')).toBe(false);
    expect(isRedactedPointer(rules, 'GET /orders/:id', '/card')).toBe(true);
    expect(isRedactedPointer(rules, route, '/name')).toBe(false);
    const judge = createJudge(rules);
    expect(judge.judge({ route, pointer: '/card', kind: 'changed' })).toEqual({ counted: true });
  });
});
