import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ParseOutcome } from '../model.js';
import { readRecords } from './readRecords.js';

const fixture = fileURLToPath(new URL('../../../../fixtures/logs/browser.har', import.meta.url));

async function all(input: Parameters<typeof readRecords>[0], format = 'auto'): Promise<ParseOutcome[]> {
  const out: ParseOutcome[] = [];
  for await (const outcome of readRecords(input, { format })) out.push(outcome);
  return out;
}

describe('HAR 1.2', () => {
  it('reads headers (without HTTP/2 pseudo-headers), query, status and time of each entry', async () => {
    const [first] = await all({ kind: 'file', path: fixture });
    expect(first).toMatchObject({
      kind: 'record',
      record: {
        method: 'GET',
        path: '/products/40?color=red',
        status: 200,
        timestamp: '2026-11-26T10:00:00.000Z',
        headers: { accept: 'application/json', authorization: 'Bearer SECRET-HAR-BEARER-abc' },
        meta: { host: 'shop.example.com' },
      },
    });
    if (first?.kind === 'record') expect(Object.keys(first.record.headers)).not.toContain(':authority');
  });

  it('reads post data with escaped quotes as the body', async () => {
    const second = (await all({ kind: 'file', path: fixture }))[1];
    expect(second).toMatchObject({
      record: {
        method: 'POST',
        body: '{"q":"blue \\"shoes\\""}',
        headers: { 'content-type': 'application/json' },
      },
    });
  });

  it('counts an entry without a method as malformed and reads the entries after it', async () => {
    const outcomes = await all({ kind: 'file', path: fixture });
    expect(outcomes.map((o) => o.kind)).toEqual(['record', 'record', 'malformed', 'record']);
    expect(outcomes[2]).toMatchObject({ reason: 'HAR request has no method' });
    expect(outcomes[3]).toMatchObject({ record: { path: '/health' } });
  });

  it('reads a minified HAR on one line, and counts an entry that is not valid JSON without losing the next one', async () => {
    const text =
      '{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[' +
      '{"request":{"method":"GET","url":"http://h/a"},"response":{"status":200}},' +
      '{"request":{"method":"GET","url":}},' +
      '{"request":{"method":"GET","url":"http://h/b?x={1}"},"response":{"status":304}}]}}';
    const outcomes = await all({ kind: 'stream', name: 'min.har', stream: Readable.from([text]) });
    expect(outcomes).toMatchObject([
      { kind: 'record', record: { path: '/a', status: 200 } },
      { kind: 'malformed', reason: 'HAR entry is not valid JSON' },
      { kind: 'record', record: { path: '/b?x={1}', status: 304 } },
    ]);
  });

  it('reports a HAR cut off inside an entry', async () => {
    const text =
      '{\n  "log": {\n    "version": "1.2",\n    "entries": [\n      {"request": {"method": "GET", "url": "http://h/a"}},\n      {"request": {"method": "GET",';
    const outcomes = await all({ kind: 'stream', name: 'cut.har', stream: Readable.from([text]) }, 'har');
    expect(outcomes).toMatchObject([
      { kind: 'record', record: { path: '/a' } },
      { kind: 'malformed', position: { line: 6 }, reason: 'HAR ends inside an entry (truncated?)' },
    ]);
  });
});
