import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chooseParser, readRecords } from './readRecords.js';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../../../fixtures/logs/${name}`, import.meta.url));

describe('format detection', () => {
  it.each([
    ['apigw-rest.log', 'apigw'],
    ['apigw-http.log', 'apigw'],
    ['alb-access.log', 'alb'],
    ['nginx-combined.log', 'clf'],
    ['apache-common.log', 'clf'],
    ['browser.har', 'har'],
    ['capture.gor', 'gor'],
    ['app-pino.log', 'appjson'],
  ])('recognises %s as %s', async (name, format) => {
    const { readFile } = await import('node:fs/promises');
    const lines = (await readFile(fixture(name), 'utf8'))
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(0, 20);
    expect(chooseParser('auto', lines[0], lines, { source: name }).name).toBe(format);
  });

  it('recognises its own JSONL, and accepts aliases of --format', () => {
    const line = '{"method":"GET","path":"/a","headers":{}}';
    expect(chooseParser('auto', line, [line], { source: 's' }).name).toBe('jsonl');
    expect(chooseParser('combined', undefined, [], { source: 's' }).name).toBe('clf');
    expect(chooseParser('goreplay', undefined, [], { source: 's' }).name).toBe('gor');
  });

  it('names the input and the --format choices when nothing matches', () => {
    expect(() => chooseParser('auto', 'hello world', ['hello world'], { source: 'notes.txt' })).toThrow(
      /notes.txt: cannot tell the log format from its first lines; pass --format \(auto, apigw, alb, gor, clf, jsonl, har, appjson\)/,
    );
    expect(() => chooseParser('csv', undefined, [], { source: 's' })).toThrow(/unknown --format csv/);
  });

  it('with a field map, takes application JSON before the other JSON formats', () => {
    const line = '{"method":"GET","path":"/a","headers":{}}';
    expect(
      chooseParser('auto', line, [line], { source: 's', fieldMap: { method: 'method', path: 'path' } }).name,
    ).toBe('appjson');
  });

  it('reads gzip input recognised by its magic bytes, and CRLF line ends', async () => {
    const text =
      '203.0.113.1 - - [26/Nov/2026:10:00:00 +0000] "GET /a HTTP/1.1" 200 1\r\n203.0.113.1 - - [26/Nov/2026:10:00:00 +0000] "GET /b HTTP/1.1" 200 1\r\n';
    const paths: string[] = [];
    for await (const o of readRecords({
      kind: 'stream',
      name: 'x.gz',
      stream: Readable.from([gzipSync(text)]),
    })) {
      if (o.kind === 'record') paths.push(o.record.path);
    }
    expect(paths).toEqual(['/a', '/b']);
  });

  it('reads REST API Gateway lines, a line that is not JSON malformed', async () => {
    const out: unknown[] = [];
    for await (const o of readRecords({ kind: 'file', path: fixture('apigw-rest.log') })) out.push(o);
    expect(out).toMatchObject([
      {
        kind: 'record',
        record: { method: 'GET', path: '/products/40', route: 'GET /products/:id', status: 200 },
      },
      {
        kind: 'record',
        record: { path: '/orders/1001', status: 500, timestamp: '2026-11-26T10:00:01.981Z' },
      },
      {
        kind: 'record',
        record: { path: '/search', headers: { 'user-agent': 'Mozilla/5.0 "quoted" agent' } },
      },
      { kind: 'malformed', position: { line: 4 }, reason: 'not valid JSON' },
    ]);
  });

  it('reads HTTP API lines with a route key and raw query string', async () => {
    const out: unknown[] = [];
    for await (const o of readRecords({ kind: 'file', path: fixture('apigw-http.log') })) out.push(o);
    expect(out).toMatchObject([
      {
        record: { path: '/products/40?color=red&api_key=SECRET-HTTPAPI-KEY-vwx', route: 'GET /products/:id' },
      },
      { record: { path: '/health', route: 'GET /health' } },
    ]);
  });
});
