import { describe, expect, it } from 'vitest';
import { createSafetyCounts, sanitizeRequest } from './sanitizeRequest.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk';

describe('sanitizeRequest', () => {
  it('strips method-override and routing headers and counts them by name', () => {
    const counts = createSafetyCounts();
    const out = sanitizeRequest(
      {
        method: 'GET',
        path: '/a?_method=DELETE&b=1',
        headers: {
          'x-http-method-override': 'DELETE',
          'x-forwarded-host': 'admin.internal',
          'x-original-url': '/admin/purge',
          forwarded: 'host=evil',
          accept: 'application/json',
        },
      },
      counts,
    );
    expect(out).toEqual({ method: 'GET', path: '/a?b=1', headers: { accept: 'application/json' } });
    expect(counts.stripped).toEqual({
      'x-http-method-override': 1,
      'x-forwarded-host': 1,
      'x-original-url': 1,
      forwarded: 1,
      _method: 1,
    });
  });

  it('drops the headers the HTTP client refuses instead of letting live look broken', () => {
    const counts = createSafetyCounts();
    const out = sanitizeRequest(
      { method: 'GET', path: '/a', headers: { expect: '100-continue', connection: 'close', 'x-ok': '1' } },
      counts,
    );
    expect(out.headers).toEqual({ 'x-ok': '1' });
    expect(counts.dropped).toEqual({ expect: 1, connection: 1 });
  });

  it('keeps a routing header the user names, and masks credentials by value wherever they are', () => {
    const counts = createSafetyCounts();
    const remembered: string[] = [];
    const out = sanitizeRequest(
      {
        method: 'POST',
        path: `/reset/${JWT}`,
        headers: {
          'x-forwarded-proto': 'https',
          'x-note': `t ${JWT}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: `a=AKIAIOSFODNN7EXAMPLE&_method=DELETE`,
      },
      counts,
      { keepHeaders: ['X-Forwarded-Proto'], remember: (v) => remembered.push(v) },
    );
    expect(out.path).toBe('/reset/[redacted]');
    expect(out.headers).toEqual({
      'x-forwarded-proto': 'https',
      'x-note': 't [redacted]',
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(out.body).toBe('a=[redacted]');
    expect(counts.masked).toBe(3);
    expect(remembered).toEqual([JWT, JWT, 'AKIAIOSFODNN7EXAMPLE']);
  });
});
