import { describe, expect, it } from 'vitest';
import { createNormalizers, isIdField, isIdLike, timestampOf } from './normalizers.js';

const now = Date.parse('2026-03-01T12:00:00Z');

describe('ids normalizer', () => {
  const n = createNormalizers();

  it('equates two UUIDs or request ids in an id-like field', () => {
    expect(
      n.equalValues(
        'requestId',
        '3f2c8a2e-5d7b-4e2a-9a51-0c1c3a1f9b77',
        '9b1d0c4e-2f7a-4c1b-8e3d-5a6b7c8d9e0f',
        now,
      ),
    ).toBe('ids');
    expect(
      n.equalValues(
        'trace_id',
        '1-67a2b3c4-5d6e7f8091a2b3c4d5e6f708',
        '1-67a2b3c5-0d6e7f8091a2b3c4d5e6f709',
        now,
      ),
    ).toBe('ids');
    expect(
      n.equalValues('x-correlation-id', '01HZX3V7Q8T9W0Y1Z2A3B4C5D6', '01HZX3V7Q8T9W0Y1Z2A3B4C5D7', now),
    ).toBe('ids');
  });

  it('leaves entity ids and readable values alone', () => {
    expect(
      n.equalValues(
        'id',
        '3f2c8a2e-5d7b-4e2a-9a51-0c1c3a1f9b77',
        '9b1d0c4e-2f7a-4c1b-8e3d-5a6b7c8d9e0f',
        now,
      ),
    ).toBeUndefined();
    expect(n.equalValues('requestId', 'pending', 'done', now)).toBeUndefined();
    expect(isIdField('orderId')).toBe(false);
    expect(isIdLike('hello-world-here')).toBe(false);
  });

  it('can be switched off', () => {
    expect(
      createNormalizers({ ids: false }).equalValues('requestId', 'a1b2c3d4e5f60718', '0f1e2d3c4b5a6978', now),
    ).toBeUndefined();
  });
});

describe('timestamps normalizer', () => {
  const n = createNormalizers({}, 60_000);

  it('equates two ISO-8601 timestamps within the window of the comparison time', () => {
    expect(n.equalValues('at', '2026-03-01T12:00:10Z', '2026-03-01T12:00:20.123+00:00', now)).toBe(
      'timestamps',
    );
    expect(n.equalValues('at', '2026-03-01T12:00:10Z', '2026-03-01T12:05:00Z', now)).toBeUndefined();
    expect(n.equalValues('at', '2025-01-01T00:00:00Z', '2025-01-01T00:00:01Z', now)).toBeUndefined();
  });

  it('equates epoch seconds and epoch milliseconds near now, but not across units or far values', () => {
    expect(n.equalValues('ts', now / 1000 + 1, now / 1000 + 2, now)).toBe('timestamps');
    expect(n.equalValues('ts', now + 5, now + 900, now)).toBe('timestamps');
    expect(n.equalValues('ts', now / 1000, now, now)).toBeUndefined();
    expect(n.equalValues('count', 3, 4, now)).toBeUndefined();
    expect(timestampOf('not a date')).toBeUndefined();
  });

  it('can be switched off', () => {
    expect(
      createNormalizers({ timestamps: false }).equalValues(
        'at',
        '2026-03-01T12:00:10Z',
        '2026-03-01T12:00:11Z',
        now,
      ),
    ).toBeUndefined();
  });
});

describe('headers normalizer', () => {
  const n = createNormalizers();

  it('equates volatile headers (Date, X-Request-Id, ETag) and equivalent content types', () => {
    expect(n.equalHeaders('date', 'Sun, 01 Mar 2026 12:00:00 GMT', 'Sun, 01 Mar 2026 12:00:01 GMT')).toBe(
      true,
    );
    expect(n.equalHeaders('x-request-id', 'a', 'b')).toBe(true);
    expect(n.equalHeaders('etag', 'W/"1"', 'W/"2"')).toBe(true);
    expect(
      n.equalHeaders('content-type', 'application/json; charset=UTF-8', 'application/json;charset=utf-8'),
    ).toBe(true);
    expect(n.equalHeaders('content-type', 'application/json', 'text/html')).toBe(false);
    expect(n.equalHeaders('cache-control', 'max-age=30', 'no-store')).toBe(false);
  });

  it('can be switched off', () => {
    expect(createNormalizers({ headers: false }).equalHeaders('date', 'a', 'b')).toBe(false);
  });
});
