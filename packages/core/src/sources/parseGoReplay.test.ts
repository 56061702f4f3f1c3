import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ParseOutcome } from '../model.js';
import { parseRawHttpRequest } from './parseGoReplay.js';
import { readRecords } from './readRecords.js';

const fixture = fileURLToPath(new URL('../../../../fixtures/logs/capture.gor', import.meta.url));

async function all(): Promise<ParseOutcome[]> {
  const out: ParseOutcome[] = [];
  for await (const outcome of readRecords({ kind: 'file', path: fixture })) out.push(outcome);
  return out;
}

describe('GoReplay .gor', () => {
  it('reads request payloads with headers and body, and takes the status from the recorded response', async () => {
    const outcomes = await all();
    const records = outcomes.flatMap((o) => (o.kind === 'record' ? [o.record] : []));
    expect(records.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /products/40?color=red',
      'POST /orders',
      'GET /health',
    ]);
    expect(records[0]).toMatchObject({
      status: 200,
      timestamp: '2026-11-26T10:00:00.000Z',
      headers: { host: 'shop.example.com', 'user-agent': 'curl/8.5.0', 'x-api-key': 'SECRET-GOR-KEY-jkl' },
      position: { line: 1 },
    });
    expect(records[0]?.body).toBeUndefined();
    expect(records[1]).toMatchObject({
      body: '{"sku":"A-1","quantity":2}',
      headers: { 'content-type': 'application/json' },
    });
    expect(records[1]?.status).toBeUndefined();
  });

  it('counts a payload that is not an HTTP request as malformed', async () => {
    const outcomes = await all();
    expect(outcomes.filter((o) => o.kind === 'malformed')).toMatchObject([
      { reason: 'GoReplay payload does not start with "METHOD PATH HTTP/x"' },
    ]);
  });

  it('decodes a chunked body', () => {
    const record = parseRawHttpRequest([
      'POST /a HTTP/1.1',
      'Transfer-Encoding: chunked',
      '',
      '5',
      'hello',
      '6',
      ' world',
      '0',
      '',
    ]);
    expect(record).toMatchObject({ body: 'hello world', headers: {} });
  });
});
