import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { BgReplayError } from '../../src/errors.js';
import type { ParseOutcome } from '../../src/model.js';
import type { FormatParser, SourceOutcome } from '../../src/sources/formatParser.js';
import { FORMAT_PARSERS, materialize, readRecords } from '../../src/sources/readRecords.js';
import { FUZZ, FUZZ_TIMEOUT } from './harness.js';

vi.setConfig({ testTimeout: FUZZ_TIMEOUT });

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../../../fixtures/logs/${name}`, import.meta.url));
const linesOf = (name: string) => readFileSync(fixture(name), 'utf8').split('\n');

/** Real lines of each format, to mutate. */
const REAL: Record<string, string[]> = {
  apigw: [...linesOf('apigw-rest.log'), ...linesOf('apigw-http.log')],
  alb: linesOf('alb-access.log'),
  gor: linesOf('capture.gor'),
  clf: [...linesOf('nginx-combined.log'), ...linesOf('apache-common.log')],
  jsonl: [
    '{"method":"GET","path":"/orders/1?token=abc","headers":{"Authorization":"Bearer x"},"status":200}',
    '{"method":"post","path":"/orders","body":"{\\"a\\":1}","bodyEncoding":"utf8","timestamp":"2026-01-01T00:00:00Z"}',
  ],
  har: linesOf('browser.har'),
  appjson: linesOf('app-pino.log'),
};

const parserNamed = (name: string) => FORMAT_PARSERS.find((p) => p.name === name) as FormatParser;

/** Feeds lines to a parser and returns every outcome, with lazy ones loaded. */
function parseAll(parser: FormatParser, lines: readonly string[]): ParseOutcome[] {
  const out: SourceOutcome[] = [];
  const stream = parser.open({ source: 'fuzz.log' }, (o) => out.push(o));
  for (const [i, line] of lines.entries()) stream.line(line, i + 1);
  stream.end();
  return out.map(materialize);
}

/** What every record handed to the sampler must look like, whatever the input. */
function expectWellFormed(outcome: ParseOutcome, format?: string): void {
  if (outcome.kind === 'malformed') {
    expect(typeof outcome.reason).toBe('string');
    expect(outcome.position.line).toBeGreaterThanOrEqual(1);
    return;
  }
  const { record } = outcome;
  expect(record.method).toMatch(/^[A-Z]{3,10}$/);
  expect(record.path.startsWith('/')).toBe(true);
  for (const [name, value] of Object.entries(record.headers)) {
    expect(name).toBe(name.toLowerCase());
    expect(typeof value).toBe('string');
  }
  if (record.body !== undefined) expect(typeof record.body).toBe('string');
  if (record.status !== undefined) expect(Number.isInteger(record.status)).toBe(true);
  if (record.timestamp !== undefined) {
    expect(typeof record.timestamp).toBe('string');
    // Parsers that read a time convert it to ISO-8601; the tool's own JSONL passes its field through as given.
    if (format !== 'jsonl') expect(Number.isNaN(Date.parse(record.timestamp))).toBe(false);
  }
  if (record.meta) for (const value of Object.values(record.meta)) expect(typeof value).toBe('string');
}

/** A line: printable text, JSON-ish fragments, or characters that parsers treat specially. */
const line = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.json({ maxDepth: 3 }),
  fc
    .array(
      fc.constantFrom(
        '"',
        '\\',
        '{',
        '}',
        '[',
        ']',
        ':',
        ',',
        ' ',
        '-',
        'GET',
        '/',
        '?',
        '=',
        '\t',
        '\r',
        'HTTP/1.1',
        '\u{1F435}\u{1F648}\u{1F649}',
      ),
      { maxLength: 40 },
    )
    .map((parts) => parts.join('')),
);

/** A real line with a random cut, insertion, deletion or duplication. */
function mutated(lines: readonly string[]) {
  const real = fc.constantFrom(...lines.filter((l) => l.trim() !== ''));
  return fc.oneof(
    real,
    fc.tuple(real, fc.nat()).map(([l, at]) => l.slice(0, at % (l.length + 1))),
    fc.tuple(real, fc.nat(), fc.string({ unit: 'binary', maxLength: 8 })).map(([l, at, s]) => {
      const i = at % (l.length + 1);
      return l.slice(0, i) + s + l.slice(i);
    }),
    fc.tuple(real, fc.nat(), fc.nat({ max: 20 })).map(([l, at, n]) => {
      const i = at % (l.length + 1);
      return l.slice(0, i) + l.slice(i + n);
    }),
    fc.tuple(real, fc.nat()).map(([l, at]) => {
      const i = at % (l.length + 1);
      return l.slice(0, i) + l.slice(0, i) + l.slice(i);
    }),
  );
}

describe('every log parser on arbitrary input', () => {
  it.each(FORMAT_PARSERS.map((p) => p.name))(
    '%s never throws and yields only well-formed outcomes',
    (name) => {
      const parser = parserNamed(name);
      fc.assert(
        fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
          for (const outcome of parseAll(parser, lines)) expectWellFormed(outcome, name);
          // Detection is a guess on the head; it may say no, never throw.
          if (lines[0] !== undefined)
            expect(typeof parser.detect(lines[0], lines, { source: 'x' })).toBe('boolean');
        }),
        FUZZ,
      );
    },
  );

  it.each(Object.keys(REAL))('%s survives mutated real lines', (name) => {
    const parser = parserNamed(name);
    const lines = REAL[name] as string[];
    fc.assert(
      fc.property(fc.array(mutated(lines), { minLength: 1, maxLength: 40 }), (input) => {
        for (const outcome of parseAll(parser, input)) expectWellFormed(outcome, name);
      }),
      FUZZ,
    );
  });

  it('still reads unmutated real lines as records (the mutations above start from valid input)', () => {
    for (const name of ['apigw', 'alb', 'clf', 'appjson', 'jsonl']) {
      const records = parseAll(parserNamed(name), REAL[name] as string[]).filter((o) => o.kind === 'record');
      expect(records.length, name).toBeGreaterThan(0);
    }
  });
});

describe('readRecords on arbitrary streams', () => {
  const formats = ['auto', ...FORMAT_PARSERS.map((p) => p.name)];
  it('only ever fails with a BgReplayError, and every outcome is well-formed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(line, mutated(Object.values(REAL).flat())), { maxLength: 25 }),
        fc.constantFrom(...formats),
        fc.constantFrom('\n', '\r\n'),
        async (lines, format, eol) => {
          const stream = Readable.from([Buffer.from(lines.join(eol))]);
          try {
            for await (const outcome of readRecords({ kind: 'stream', name: 'fuzz', stream }, { format }))
              expectWellFormed(outcome, 'jsonl');
          } catch (error) {
            expect(error).toBeInstanceOf(BgReplayError);
          }
        },
      ),
      { ...FUZZ, numRuns: Math.max(20, Math.round(FUZZ.numRuns / 4)) },
    );
  });
});

describe('API Gateway entries built from their fields', () => {
  const piece = fc.constantFrom(
    '',
    'prod',
    'v1',
    'orders',
    '42',
    '$default',
    '?',
    '?x=1',
    '/',
    '//',
    '%2F',
    ' ',
  );
  const path = fc.array(piece, { maxLength: 4 }).map((p) => `/${p.join('/')}`);
  const entry = fc.record(
    {
      httpMethod: fc.constantFrom('GET', 'get', 'POST', 'X', ''),
      path: fc.oneof(path, fc.constantFrom('/prod', '/prod/?x=1', 'prod', '')),
      stage: fc.constantFrom('prod', '$default', '', 'v1'),
      resourcePath: fc.oneof(path, fc.constantFrom('/orders/{id}', '/{proxy+}', '$default')),
      routeKey: fc.constantFrom('GET /orders/{id}', '$default', 'ANY /{proxy+}', 'GET'),
      rawQueryString: fc.constantFrom('', 'a=1', '?b=2', 'token=SECRET'),
      status: fc.oneof(fc.constantFrom('200', '-', 200, 999), fc.string({ maxLength: 3 })),
      requestTimeEpoch: fc.oneof(fc.integer(), fc.constantFrom(1795687200587, 1795687200)),
    },
    { requiredKeys: ['httpMethod'] },
  );
  it('every record has a path starting with "/", in the lazy and the full parse alike', () => {
    const parser = parserNamed('apigw');
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 10 }), (entries) => {
        const lines = entries.map((e) => JSON.stringify(e));
        for (const outcome of parseAll(parser, lines)) expectWellFormed(outcome, 'apigw');
      }),
      FUZZ,
    );
  });
});

describe('the API Gateway stage prefix', () => {
  // Found by this suite: `/prod?x=1` with stage `prod` once became `?x=1`, a path without its leading "/".
  it('strips the stage of a path whose query follows it directly', () => {
    const [outcome] = parseAll(parserNamed('apigw'), [
      '{"httpMethod":"GET","path":"/prod?x=1","stage":"prod"}',
    ]);
    expect(outcome).toMatchObject({ kind: 'record', record: { path: '/?x=1' } });
  });
});
