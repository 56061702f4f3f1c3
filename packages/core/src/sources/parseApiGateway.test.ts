import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordHead } from './formatParser.js';
import { apiGatewayParser, createApiGatewayPeek } from './parseApiGateway.js';

/** The head a full parse gives: what the peek must agree with whenever it answers. */
function fullHead(text: string): RecordHead | undefined {
  let head: RecordHead | undefined;
  const parser = apiGatewayParser.open({ source: 't' }, (outcome) => {
    if (outcome.kind === 'record') {
      const { method, path, route, status } = outcome.record;
      head = { method, path, ...(route ? { route } : {}), ...(status ? { status } : {}) };
    } else if (outcome.kind === 'lazy') {
      const loaded = outcome.load();
      if (!('malformed' in loaded)) {
        const { method, path, route, status } = loaded as RecordHead;
        head = { method, path, ...(route ? { route } : {}), ...(status ? { status } : {}) };
      }
    }
  });
  parser.line(text, 1);
  return head;
}

const line = (fields: Record<string, unknown>) => JSON.stringify(fields);
const base = {
  requestId: 'a8de1f33',
  ip: '203.0.113.10',
  requestTimeEpoch: 1795687200587,
  httpMethod: 'GET',
  resourcePath: '/products/{id}',
  path: '/prod/products/40',
  stage: 'prod',
  status: '200',
  userAgent: 'Mozilla/5.0',
};

describe('API Gateway peek', () => {
  it('reads the head of the common REST shape, stage stripped and route from the template', () => {
    const peek = createApiGatewayPeek();
    expect(peek(line(base))).toEqual({
      method: 'GET',
      path: '/products/40',
      route: 'GET /products/:id',
      status: 200,
    });
    expect(peek(line({ ...base, path: '/prod', resourcePath: '/', status: 404 }))).toEqual({
      method: 'GET',
      path: '/',
      route: 'GET /',
      status: 404,
    });
    expect(peek(line({ ...base, path: '/production/x', status: '-' }))).toEqual({
      method: 'GET',
      path: '/production/x',
      route: 'GET /products/:id',
    });
    expect(peek(line({ ...base, httpMethod: 'get', stage: 'beta', path: '/beta/x?y=1' }))).toMatchObject({
      method: 'GET',
      path: '/x?y=1',
    });
  });

  it('leaves escaped values, nested values before the head and other shapes to the full parse', () => {
    const peek = createApiGatewayPeek();
    expect(peek(line(base))).toBeDefined();
    expect(peek(line({ ...base, path: '/prod/caf\u00e9"x' }))).toBeUndefined();
    expect(peek(line({ ...base, httpMethod: 'G"ET' }))).toBeUndefined();
    expect(peek(line({ ...base, path: 'no-slash' }))).toBeUndefined();
    expect(peek(`${line(base)} `)).toBeUndefined();
    // An escaped quote before the head: the one-pass layout fails, the loose one still reads it.
    const { requestId: _, ...rest } = base;
    expect(peek(line({ requestId: 'a"b', ...rest }))).toMatchObject({ path: '/products/40' });
    expect(peek(line({ requestId: { nested: 1 }, ...rest }))).toMatchObject({ path: '/products/40' });
  });

  it('agrees with the full parse on whatever lines it answers (property)', () => {
    const text = fc.oneof(
      fc.constantFrom('', '-', 'prod', '$default', '/prod', 'a"b', 'x\\y', '\u00e9'),
      fc.string({ maxLength: 12 }),
    );
    const path = fc.oneof(
      fc.constantFrom('/prod', '/prod/a', '/prod?x', '/production', '//x', '/a/1', '-', ''),
      text.map((t) => `/prod/${t}`),
      text,
    );
    const value = fc.oneof(text, fc.integer({ min: -1, max: 1000 }), fc.constant(null));
    const fields = {
      requestId: value,
      httpMethod: fc.oneof(fc.constantFrom('GET', 'get', 'POST', 'DELETE', 'BREW', ''), text),
      resourcePath: fc.oneof(fc.constantFrom('/products/{id}', '/', '/{proxy+}', '-'), text),
      path,
      stage: fc.oneof(fc.constantFrom('prod', '$default', ''), text),
      status: fc.oneof(fc.constantFrom('200', 404, '-', '0200', '99', '600', ''), text),
      userAgent: value,
    };
    const agrees = (lines: string[]) => {
      const peek = createApiGatewayPeek();
      for (const t of lines) {
        const head = peek(t);
        if (head !== undefined) expect(head).toEqual(fullHead(t));
      }
    };
    const runs = Number(process.env.FUZZ_RUNS ?? 300);
    // One line, any subset of the fields: the peek learns its layout from that line.
    fc.assert(
      fc.property(fc.record(fields, { requiredKeys: ['httpMethod', 'path'] }), (e) =>
        agrees([JSON.stringify(e)]),
      ),
      { seed: 8, numRuns: runs },
    );
    // A log: every line has the same fields in the same order (a stage's access-log format is fixed).
    fc.assert(
      fc.property(fc.array(fc.record(fields), { minLength: 1, maxLength: 8 }), (entries) =>
        agrees(entries.map((e) => JSON.stringify(e))),
      ),
      { seed: 8, numRuns: runs },
    );
  });
});
