import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FaultServer, faults, startFaultServer } from '@bg-replay/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/logger.js';
import { renderHtml } from '../../src/report/renderHtml.js';
import { renderJunit } from '../../src/report/renderJunit.js';
import { renderMarkdown } from '../../src/report/renderMarkdown.js';
import type { Report } from '../../src/report/reportTypes.js';
import { collectSample } from '../../src/sources/collectSample.js';
import { validate } from '../../src/validate.js';
import { watchRejections } from './harness.js';

// Complements test/sources/secrets.test.ts (fixtures, default lists, JSON report): here every format is
// written with secrets in every place it can carry them, the user lets them through to the replay, the
// services echo them back and add secrets of their own, and every output is scanned.

/** A planted value; all share the prefix the scan looks for. */
const planted = (format: string, where: string) => `PLANTED${format}${where}x7Q`;
const RESPONSE_SECRET = 'PLANTEDresponse';
const INJECTED = 'PLANTEDinjectedCredential';
const SCAN = /PLANTED[A-Za-z]*/;

const ALLOWED = [
  'authorization',
  'cookie',
  'x-api-key',
  'token',
  'access_token',
  'api_key',
  'sig',
  'password',
  'client_secret',
];

/** One log per format, each line carrying secrets in its query and (where the format has them) headers. */
function logs(): Record<string, string> {
  const s = (f: string, w: string) => planted(f, w);
  const CRLF = '\r\n';
  const gorSeparator = '\u{1F435}\u{1F648}\u{1F649}';
  const apigwRest = [1, 2, 3].map((i) =>
    JSON.stringify({
      requestId: `r${i}`,
      httpMethod: 'GET',
      resourcePath: '/orders/{id}',
      path: `/prod/orders/${i}`,
      stage: 'prod',
      queryString: `token=${s('apigwrest', 'token')}&page=${i}`,
      status: '200',
      userAgent: 'curl/8',
    }),
  );
  const apigwHttp = [1, 2, 3].map((i) =>
    JSON.stringify({
      requestId: `h${i}`,
      httpMethod: 'GET',
      routeKey: 'GET /orders/{id}',
      path: `/orders/${i}`,
      rawQueryString: `api_key=${s('apigwhttp', 'apikey')}&sig=${s('apigwhttp', 'sig')}`,
      status: '200',
    }),
  );
  const alb = [1, 2, 3].map(
    (i) =>
      `https 2026-11-26T10:00:0${i}.000000Z app/shop/50dc 203.0.113.${i}:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET https://shop.example.com:443/orders/${i}?access_token=${s('alb', 'access')}&sig=${s('alb', 'sig')} HTTP/1.1" "curl/8.5.0" - - arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-blue/73e2 "Root=1-5833" "-" "-" 0 2026-11-26T10:00:00.184000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1`,
  );
  const clf = [1, 2, 3].map(
    (i) =>
      `203.0.113.${i} - alice [26/Nov/2026:10:00:0${i} +0000] "GET /orders/${i}?access_token=${s('clf', 'access')}&password=${s('clf', 'password')} HTTP/1.1" 200 512 "https://shop.example.com/?token=${s('clf', 'referer')}" "curl/8.5.0"`,
  );
  const headers = (f: string) => ({
    authorization: `Bearer ${s(f, 'bearer')}`,
    cookie: `sid=${s(f, 'cookiesid')}; theme=dark; csrf=${s(f, 'cookiecsrf')}`,
    'x-api-key': s(f, 'apikeyheader'),
    accept: 'application/json',
  });
  const appjson = [
    JSON.stringify({ level: 30, msg: 'server listening' }),
    ...[1, 2, 3].map((i) =>
      JSON.stringify({
        level: 30,
        time: 1795687200000 + i,
        req: { method: 'GET', url: `/orders/${i}?token=${s('app', 'token')}`, headers: headers('app') },
        res: { statusCode: 200 },
      }),
    ),
  ];
  const jsonl = [1, 2, 3].map((i) =>
    JSON.stringify({
      method: 'GET',
      path: `/orders/${i}?client_secret=${s('jsonl', 'client')}`,
      headers: headers('jsonl'),
    }),
  );
  const har = JSON.stringify(
    {
      log: {
        version: '1.2',
        creator: { name: 'test', version: '1' },
        entries: [1, 2, 3].map((i) => ({
          startedDateTime: '2026-11-26T10:00:00.000Z',
          request: {
            method: 'GET',
            url: `https://user:${s('har', 'userinfo')}@shop.example.com/orders/${i}?password=${s('har', 'password')}`,
            httpVersion: 'HTTP/2',
            headers: Object.entries(headers('har')).map(([name, value]) => ({ name, value })),
            cookies: [{ name: 'sid', value: s('har', 'cookiesid') }],
            queryString: [{ name: 'password', value: s('har', 'password') }],
          },
          response: { status: 200, headers: [], content: { size: 0, mimeType: 'application/json' } },
        })),
      },
    },
    null,
    2,
  );
  const gor = [1, 2, 3]
    .map((i) =>
      [
        `1 8a3b2c1d0000000${i}a1b2c3d4 179568720${i}000000000 0`,
        `GET /orders/${i}?token=${s('gor', 'token')} HTTP/1.1`,
        'Host: shop.example.com',
        ...Object.entries(headers('gor')).map(([name, value]) => `${name}: ${value}`),
        '',
        '',
      ].join(CRLF),
    )
    .join(`\n${gorSeparator}\n`);
  return {
    'apigw-rest.log': apigwRest.join('\n'),
    'apigw-http.log': apigwHttp.join('\n'),
    'alb.log': alb.join('\n'),
    'clf.log': clf.join('\n'),
    'app.log': appjson.join('\n'),
    'records.jsonl': jsonl.join('\n'),
    'capture.har': har,
    'capture.gor': gor,
  };
}

let dir: string;
let live: FaultServer;
let candidate: FaultServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bg-replay-secrets-'));
  for (const [name, text] of Object.entries(logs())) await writeFile(join(dir, name), `${text}\n`);
  live = await startFaultServer(faults.echo('live', RESPONSE_SECRET));
  candidate = await startFaultServer(faults.echo('candidate', RESPONSE_SECRET));
});
afterAll(async () => {
  await live.close();
  await candidate.close();
  await rm(dir, { recursive: true, force: true });
});

function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string, data?: Record<string, unknown>) =>
    lines.push(`${level} ${message} ${JSON.stringify(data ?? {})}`);
  return {
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    lines,
  };
}

/** Every rendering of a report a user can ask for. */
const renderings = (report: Report): Record<string, string> => ({
  json: JSON.stringify(report),
  junit: renderJunit(report),
  markdown: renderMarkdown(report),
  html: renderHtml(report),
});

const FILES = Object.keys(logs());

describe('secrets let through to the replay and echoed back by both services', () => {
  it.each(FILES)('never appear in any report or log line (%s)', async (name) => {
    const before = { live: live.requests.length, candidate: candidate.requests.length };
    const { logger, lines } = capturingLogger();
    const watch = watchRejections();
    const report = await validate({
      logs: [{ kind: 'file', path: join(dir, name) }],
      live: live.url,
      candidate: candidate.url,
      allowSecrets: ALLOWED,
      headers: { 'x-injected': INJECTED },
      compareHeaders: [
        'content-type',
        'set-cookie',
        'x-echo-url',
        'x-echo-authorization',
        'x-echo-cookie',
        'x-echo-x-api-key',
        'x-echo-x-injected',
      ],
      rps: 0,
      minSamples: 1,
      logger,
    });
    watch.stop();
    expect(watch.rejections).toEqual([]);

    // The scan must be able to fail: the secrets did travel (they were allowed) and came back different per side.
    const sent = [...live.requests.slice(before.live), ...candidate.requests.slice(before.candidate)];
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.some((r) => SCAN.test(JSON.stringify(r)))).toBe(true);
    expect(report.counts.differed).toBeGreaterThan(0);
    expect(report.fields.some((f) => f.pointer === '/session' && f.kind === 'added')).toBe(true);

    for (const [format, text] of Object.entries(renderings(report))) {
      expect(text.match(SCAN)?.[0], `${format} report of ${name}`).toBeUndefined();
    }
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n').match(SCAN)?.[0]).toBeUndefined();
  });
});

describe('secrets in a saved sample', () => {
  it('are absent from every record written out, allowed or not, in every format', async () => {
    const collected = await collectSample({
      logs: FILES.map((name) => ({ kind: 'file' as const, path: join(dir, name) })),
      allowSecrets: ALLOWED,
      minPerRoute: 1,
    });
    expect(collected.counts.skipped.malformed).toBe(0);
    // Each format contributed records, and the ones being replayed do carry the allowed secrets.
    const sources = new Set(collected.records.map(({ record }) => record.position?.source.split('/').at(-1)));
    expect([...sources].sort()).toEqual([...FILES].sort());
    expect(collected.records.some(({ record }) => SCAN.test(JSON.stringify(record)))).toBe(true);
    for (const { record, route } of collected.records) {
      const line = JSON.stringify({ ...collected.privacy.redactRecord(record), route });
      expect(line.match(SCAN)?.[0], line).toBeUndefined();
    }
  });
});
