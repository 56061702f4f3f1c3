import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ParseOutcome } from '../model.js';
import { getPath, parseAppJsonEntry, parseFieldMap } from './parseAppJson.js';
import { readRecords } from './readRecords.js';

const fixture = fileURLToPath(new URL('../../../../fixtures/logs/app-pino.log', import.meta.url));

async function all(options: Parameters<typeof readRecords>[1]): Promise<ParseOutcome[]> {
  const out: ParseOutcome[] = [];
  for await (const outcome of readRecords({ kind: 'file', path: fixture }, options)) out.push(outcome);
  return out;
}

describe('application JSON logs', () => {
  it('parses --map into dotted paths and names a bad entry', () => {
    expect(parseFieldMap('method=req.method,path=req.url,headers=req.headers,body=req.body')).toEqual({
      method: 'req.method',
      path: 'req.url',
      headers: 'req.headers',
      body: 'req.body',
    });
    expect(() => parseFieldMap('verb=req.method,path=req.url')).toThrow(
      /--map verb=req.method: expected <field>=<dotted.path>/,
    );
    expect(() => parseFieldMap('path=req.url')).toThrow(/name the method field too/);
  });

  it('follows dotted paths through nested objects and flat dotted keys', () => {
    expect(getPath({ req: { headers: { host: 'a' } } }, 'req.headers.host')).toBe('a');
    expect(getPath({ 'http.request.method': 'GET' }, 'http.request.method')).toBe('GET');
    expect(getPath({ http: { 'request.method': 'PUT' } }, 'http.request.method')).toBe('PUT');
  });

  it('reads pino request logs through a field map, ignores lines that are not requests, and counts broken ones', async () => {
    const outcomes = await all({
      format: 'auto',
      fieldMap: parseFieldMap(
        'method=req.method,path=req.url,headers=req.headers,body=req.body,status=res.statusCode',
      ),
    });
    expect(outcomes.map((o) => o.kind)).toEqual(['record', 'record', 'record', 'malformed', 'malformed']);
    expect(outcomes[0]).toMatchObject({
      record: {
        method: 'GET',
        path: '/orders/1001?include=items',
        status: 200,
        headers: { host: 'orders.internal', authorization: 'Bearer SECRET-APP-BEARER-pqr' },
        position: { line: 2 },
      },
    });
    expect(outcomes[1]).toMatchObject({
      record: { method: 'POST', body: '{"sku":"A-1","quantity":2}', status: 201 },
    });
    expect(outcomes[3]).toMatchObject({ reason: 'no request path at req.url', position: { line: 5 } });
    expect(outcomes[4]).toMatchObject({ reason: 'not valid JSON', position: { line: 6 } });
  });

  it('is detected without a map from the common logger shapes', async () => {
    const outcomes = await all({ format: 'auto' });
    expect(outcomes[0]).toMatchObject({
      record: {
        method: 'GET',
        path: '/orders/1001?include=items',
        status: 200,
        timestamp: '2026-11-26T10:00:00.100Z',
      },
    });
  });

  it('appends a query object to the path', () => {
    expect(parseAppJsonEntry({ method: 'get', path: '/a', query: { b: '1', c: ['2', '3'] } })).toMatchObject({
      method: 'GET',
      path: '/a?b=1&c=2&c=3',
    });
  });
});
