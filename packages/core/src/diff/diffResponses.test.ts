import { describe, expect, it } from 'vitest';
import type { ExchangeResponse } from '../model.js';
import { DEFAULT_COMPARED_HEADERS, diffResponses, equalHeaderValues, prepareBody } from './diffResponses.js';
import { ExactNumber, parseJsonText } from './parseJsonBody.js';

const json = { 'content-type': 'application/json' };
const answer = (body: string | Uint8Array, headers: Record<string, string> = json, truncated = false) =>
  ({
    ok: true,
    status: 200,
    headers,
    body: typeof body === 'string' ? Buffer.from(body) : body,
    truncated,
    latencyMs: 1,
  }) satisfies ExchangeResponse;

describe('diffResponses: numbers a double cannot hold', () => {
  it('reports integers above 2^53 that differ, with their exact text', () => {
    const differences = diffResponses(
      answer('{"id":12345678901234567891}'),
      answer('{"id":12345678901234567892}'),
      'GET /a',
    );
    expect(differences).toEqual([
      {
        route: 'GET /a',
        pointer: '/id',
        kind: 'changed',
        live: '12345678901234567891',
        candidate: '12345678901234567892',
      },
    ]);
  });

  it('reports 1e400 against 2e400, and 1e400 against a plain number', () => {
    expect(diffResponses(answer('{"x":1e400}'), answer('{"x":2e400}'), 'GET /a')).toEqual([
      { route: 'GET /a', pointer: '/x', kind: 'changed', live: '1e400', candidate: '2e400' },
    ]);
    expect(diffResponses(answer('[1e-400]'), answer('[0]'), 'GET /a')).toHaveLength(1);
    expect(
      diffResponses(answer('{"x":9007199254740993}'), answer('{"x":9007199254740992}'), 'GET /a'),
    ).toHaveLength(1);
  });

  it('reports decimals with more than 15 significant digits on either side of the point', () => {
    expect(
      diffResponses(answer('[12345678.123456789]'), answer('[12345678.123456788]'), 'GET /a'),
    ).toHaveLength(1);
    expect(diffResponses(answer('[0.10000000000000000001]'), answer('[0.1]'), 'GET /a')).toHaveLength(1);
    expect(diffResponses(answer('[0.30000000000000004]'), answer('[0.30000000000000004]'), 'GET /a')).toEqual(
      [],
    );
  });

  it('equates the same decimal value written two ways, and equal plain numbers', () => {
    expect(diffResponses(answer('{"x":1e400,"y":1.5}'), answer('{"x":10E+399,"y":1.50}'), 'GET /a')).toEqual(
      [],
    );
    expect(
      diffResponses(
        answer('{"n":"12345678901234567890","x":1}'),
        answer('{"n":"12345678901234567890","x":1}'),
        'GET /a',
      ),
    ).toEqual([]);
  });

  it('keeps plain numbers as numbers when the text only looks risky (a long digit run in a string)', () => {
    const parsed = parseJsonText('{"card":"4111111111111111","n":2}');
    expect(parsed?.value).toEqual({ card: '4111111111111111', n: 2 });
    const exact = parseJsonText('{"a":123456789012345678901,"a":7}');
    expect(exact?.value).toEqual({ a: 7 });
    expect((parseJsonText('[123456789012345678901]')?.value as unknown[] | undefined)?.[0]).toBeInstanceOf(
      ExactNumber,
    );
  });

  it('compares unordered arrays of big integers by exact value', () => {
    const differences = diffResponses(
      answer('{"ids":[12345678901234567891,12345678901234567892]}'),
      answer('{"ids":[12345678901234567892,12345678901234567893]}'),
      'GET /a',
      { shape: { arrayAt: () => ({ unordered: true }), toleranceAt: () => undefined } },
    );
    expect(differences.map((d) => [d.kind, d.pointer, d.live ?? d.candidate])).toEqual([
      ['added', '/ids/1', '12345678901234567893'],
      ['removed', '/ids/0', '12345678901234567891'],
    ]);
  });
});

describe('diffResponses: bytes that are not UTF-8', () => {
  it('compares bodies with invalid UTF-8 byte for byte', () => {
    const a = Uint8Array.of(0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d); // {"a":"\xff"}
    const b = Uint8Array.of(0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xfe, 0x22, 0x7d); // {"a":"\xfe"}
    expect(prepareBody(answer(a)).kind).toBe('bytes');
    const differences = diffResponses(answer(a), answer(b), 'GET /a');
    expect(differences).toHaveLength(1);
    expect(differences[0]).toMatchObject({ pointer: '', kind: 'changed' });
    expect(String(differences[0]?.live)).toMatch(/^sha256:[0-9a-f]{64} \(9 bytes\)$/);
    expect(diffResponses(answer(a), answer(Uint8Array.from(a)), 'GET /a')).toEqual([]);
    const text = { 'content-type': 'text/plain' };
    expect(
      diffResponses(answer(Uint8Array.of(0xc3), text), answer(Uint8Array.of(0xc4), text), 'GET /a'),
    ).toHaveLength(1);
  });
});

describe('diffResponses: truncated bodies', () => {
  it('never matches when a side was cut at the body cap, even with equal first bytes', () => {
    const differences = diffResponses(answer('{"a":1', json, true), answer('{"a":1', json, true), 'GET /a');
    expect(differences).toEqual([
      {
        route: 'GET /a',
        pointer: '',
        kind: 'truncated',
        live: expect.stringMatching(/^truncated after sha256:[0-9a-f]{64} \(6 bytes\)$/),
        candidate: expect.stringMatching(/^truncated after sha256/),
      },
    ]);
    const one = diffResponses(answer('{"a":1}'), answer('{"a":1', json, true), 'GET /a');
    expect(one.map((d) => d.kind)).toEqual(['truncated']);
    expect(one[0]?.live).toMatch(/^complete, sha256/);
  });
});

describe('diffResponses: headers', () => {
  it('compares paging, link, redirect, encoding, Vary and CORS headers by default', () => {
    expect(DEFAULT_COMPARED_HEADERS).toEqual(
      expect.arrayContaining([
        'x-total-count',
        'link',
        'location',
        'content-type',
        'cache-control',
        'content-encoding',
        'vary',
        'access-control-allow-origin',
        'access-control-expose-headers',
      ]),
    );
    const differences = diffResponses(
      answer('{}', { ...json, 'x-total-count': '42', link: '</a?page=2>; rel="next"' }),
      answer('{}', json),
      'GET /a',
    );
    expect(differences).toEqual([
      { route: 'GET /a', pointer: '/headers/link', kind: 'header', live: '</a?page=2>; rel="next"' },
      { route: 'GET /a', pointer: '/headers/x-total-count', kind: 'header', live: '42' },
    ]);
  });

  it('compares list headers as sets and Content-Encoding as the set of codings, identity being none', () => {
    expect(equalHeaderValues('vary', 'Accept-Encoding, Origin', 'origin,accept-encoding')).toBe(true);
    expect(equalHeaderValues('vary', 'Accept-Encoding', 'Accept-Encoding, Origin')).toBe(false);
    expect(equalHeaderValues('access-control-allow-methods', 'GET, POST', 'POST,GET')).toBe(true);
    expect(equalHeaderValues('cache-control', 'public, max-age=60', 'max-age = 60, public')).toBe(true);
    expect(equalHeaderValues('cache-control', 'max-age=60', 'max-age=61')).toBe(false);
    expect(equalHeaderValues('content-encoding', undefined, 'identity')).toBe(true);
    expect(equalHeaderValues('content-encoding', 'gzip', 'x-gzip')).toBe(true);
    expect(equalHeaderValues('content-encoding', 'gzip', undefined)).toBe(false);
    expect(equalHeaderValues('content-encoding', 'gzip', 'br')).toBe(false);
    expect(
      equalHeaderValues('link', '<a>; rel="next", <b>; rel="prev"', '<b>;rel="prev", <a>; rel="next"'),
    ).toBe(true);
    expect(equalHeaderValues('x-total-count', '1', undefined)).toBe(false);
  });
});
