import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecords } from '../../src/sources/readRecords.js';

/** A minified HAR (one line, as browsers' "save all as HAR" and many proxies write it) of `count` entries. */
function oneLineHar(count: number): string {
  const entries = Array.from({ length: count }, (_, i) => ({
    startedDateTime: '2026-11-26T10:00:00.000Z',
    time: 12,
    request: {
      method: 'GET',
      url: `https://shop.example.com/products/${i}?q=${'x'.repeat(700)}`,
      httpVersion: 'HTTP/2',
      headers: [{ name: 'Accept', value: 'application/json' }],
      queryString: [],
      cookies: [],
      headersSize: -1,
      bodySize: -1,
    },
    response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/2', headers: [], cookies: [], content: {} },
    cache: {},
    timings: { send: 0, wait: 10, receive: 2 },
  }));
  return JSON.stringify({ log: { version: '1.2', creator: { name: 'Firefox', version: '133.0' }, entries } });
}

describe('a one-line HAR', () => {
  it('keeps every entry of a 19 MB minified HAR, read in pieces', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bg-replay-har-'));
    const file = join(dir, 'big.har');
    const text = oneLineHar(19_000);
    expect(text.length).toBeGreaterThan(19 * 1024 * 1024);
    await writeFile(file, text);
    let records = 0;
    let malformed = 0;
    let last = '';
    for await (const outcome of readRecords({ kind: 'file', path: file })) {
      if (outcome.kind === 'record') {
        records += 1;
        last = outcome.record.path.slice(0, 20);
      } else malformed += 1;
    }
    expect({ records, malformed, last }).toEqual({
      records: 19_000,
      malformed: 0,
      last: '/products/18999?q=xx',
    });
  }, 60_000);
});
