import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ParseOutcome } from '../model.js';
import { parseClfLine } from './parseClf.js';
import { readRecords } from './readRecords.js';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../../../fixtures/logs/${name}`, import.meta.url));

async function all(name: string): Promise<ParseOutcome[]> {
  const out: ParseOutcome[] = [];
  for await (const outcome of readRecords({ kind: 'file', path: fixture(name) })) out.push(outcome);
  return out;
}

describe('common and combined log format', () => {
  it('reads a combined line: method, path with query, status, referer, user agent with spaces and time', async () => {
    const [first] = await all('nginx-combined.log');
    expect(first).toMatchObject({
      kind: 'record',
      record: {
        method: 'GET',
        path: '/products/40?color=red',
        status: 200,
        timestamp: '2026-11-26T10:00:00.000Z',
        headers: {
          referer: 'https://shop.example.com/',
          'user-agent':
            'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
        },
      },
    });
  });

  it('reads IPv6 clients, "-" sizes and referers, nginx \\x22 escapes; counts TLS garbage and a truncated line', async () => {
    const outcomes = await all('nginx-combined.log');
    expect(outcomes.map((o) => o.kind)).toEqual([
      'record',
      'record',
      'record',
      'malformed',
      'record',
      'record',
      'malformed',
    ]);
    const second = outcomes[1];
    if (second?.kind !== 'record') throw new Error('expected a record');
    expect(second.record.headers.referer).toBeUndefined();
    const fifth = outcomes[4];
    if (fifth?.kind !== 'record') throw new Error('expected a record');
    expect(fifth.record.headers['user-agent']).toBe('Mozilla/5.0 (compatible; "quoted" bot)');
    expect(outcomes[5]).toMatchObject({ record: { path: '/health', status: 503 } });
    expect(outcomes[6]).toMatchObject({ kind: 'malformed', position: { line: 7 } });
  });

  it('reads the common format (no referer or user agent) with an IPv6 loopback client', async () => {
    const outcomes = await all('apache-common.log');
    expect(outcomes).toMatchObject([
      {
        kind: 'record',
        record: {
          method: 'GET',
          path: '/apache_pb.gif',
          status: 200,
          timestamp: '2026-10-10T20:55:36.000Z',
          headers: {},
        },
      },
      { kind: 'record', record: { path: '/index.html?sig=SECRET-SIG-789', status: 304 } },
    ]);
  });

  it('rejects a request field that is not METHOD PATH PROTOCOL', () => {
    expect(parseClfLine('1.2.3.4 - - [26/Nov/2026:10:00:00 +0000] "-" 400 0 "-" "-"')).toEqual({
      malformed: 'request field is not "METHOD PATH PROTOCOL"',
    });
  });
});
