import { describe, expect, it } from 'vitest';
import type { ParseOutcome } from '../model.js';
import { apiGatewayParser } from './parseApiGateway.js';

/** Feeds lines to the API Gateway parser and returns what it emitted. */
function parse(...lines: string[]): ParseOutcome[] {
  const out: ParseOutcome[] = [];
  const parser = apiGatewayParser.open({ source: 't' }, (outcome) => {
    if (outcome.kind === 'lazy') throw new Error('API Gateway lines are parsed in full, never deferred');
    out.push(outcome);
  });
  for (const [i, text] of lines.entries()) parser.line(text, i + 1);
  return out;
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

describe('API Gateway access-log lines', () => {
  it('gives the record of the common REST shape, stage stripped and route from the template', () => {
    expect(parse(line(base))).toMatchObject([
      {
        kind: 'record',
        record: { method: 'GET', path: '/products/40', route: 'GET /products/:id', status: 200 },
      },
    ]);
    expect(parse(line({ ...base, httpMethod: 'get', stage: 'beta', path: '/beta/x?y=1' }))).toMatchObject([
      { kind: 'record', record: { method: 'GET', path: '/x?y=1' } },
    ]);
  });

  it('calls a line with a repeated httpMethod or path malformed, whichever value comes last', () => {
    const repeated = '{"httpMethod":"GET","path":"/prod/a","stage":"prod","httpMethod":"DELETE"}';
    const repeatedPath = '{"httpMethod":"GET","path":"/prod/a","stage":"prod","path":"/prod/admin"}';
    expect(parse(repeated, repeatedPath)).toEqual([
      { kind: 'malformed', position: { source: 't', line: 1 }, reason: 'duplicate key "httpMethod"' },
      { kind: 'malformed', position: { source: 't', line: 2 }, reason: 'duplicate key "path"' },
    ]);
  });

  it('reads the top-level method, never one nested in another field', () => {
    const nested = line({
      requestId: { httpMethod: 'GET', path: '/safe' },
      httpMethod: 'DELETE',
      path: '/x',
    });
    expect(parse(nested)).toMatchObject([{ kind: 'record', record: { method: 'DELETE', path: '/x' } }]);
  });

  it('calls a line whose method or path fields disagree malformed', () => {
    expect(parse(line({ httpMethod: 'GET', method: 'DELETE', path: '/a' }))).toMatchObject([
      { kind: 'malformed', reason: 'conflicting methods GET and DELETE' },
    ]);
    expect(parse(line({ routeKey: 'DELETE /a', httpMethod: 'GET', path: '/a' }))).toMatchObject([
      { kind: 'malformed', reason: 'conflicting methods GET and DELETE' },
    ]);
    expect(parse(line({ httpMethod: 'GET', path: '/a', rawPath: '/admin' }))).toMatchObject([
      { kind: 'malformed', reason: 'conflicting paths /a and /admin' },
    ]);
    // The same request named twice is fine: a route key of ANY, a REST path with its stage and a raw path.
    expect(
      parse(line({ routeKey: 'ANY /a', httpMethod: 'GET', stage: 'prod', path: '/prod/a', rawPath: '/a' })),
    ).toMatchObject([{ kind: 'record', record: { method: 'GET', path: '/a' } }]);
  });
});
