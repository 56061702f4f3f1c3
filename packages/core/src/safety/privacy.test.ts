import { describe, expect, it } from 'vitest';
import { createPrivacy, REDACTED, resolveInjectedHeaders } from './privacy.js';

describe('createPrivacy', () => {
  it('strips secret headers and query parameters, and remembers their values for reports', () => {
    const privacy = createPrivacy();
    const stripped = privacy.stripRecord({
      method: 'GET',
      path: '/a?token=abcdef123&b=1&api_key=k%2Fey-456789',
      headers: { authorization: 'Bearer tok-123456', accept: 'json' },
    });
    expect(stripped).toEqual({ method: 'GET', path: '/a?b=1', headers: { accept: 'json' } });
    expect(privacy.redactText('echo tok-123456 and k/ey-456789 and abcdef123')).toBe(
      `echo ${REDACTED} and ${REDACTED} and ${REDACTED}`,
    );
  });

  it('lets an allowed secret through to the replay but still redacts it in reports', () => {
    const privacy = createPrivacy({ allow: ['authorization', 'sig'] });
    const stripped = privacy.stripRecord({
      method: 'GET',
      path: '/a?sig=s1g-value',
      headers: { authorization: 'Bearer tok-123456' },
    });
    expect(stripped.headers.authorization).toBe('Bearer tok-123456');
    expect(stripped.path).toBe('/a?sig=s1g-value');
    expect(privacy.redactHeaders(stripped.headers)).toEqual({ authorization: REDACTED });
    expect(privacy.redactPath(stripped.path)).toBe(`/a?sig=${REDACTED}`);
    expect(privacy.redactRecord(stripped)).toMatchObject({ path: '/a', headers: {} });
  });

  it('resolves injected headers from the environment, naming the flag and variable when it is missing', () => {
    expect(
      resolveInjectedHeaders(['Authorization: env:TOKEN', 'X-Tenant: blue'], { TOKEN: 'Bearer t0k3n' }),
    ).toEqual({
      authorization: 'Bearer t0k3n',
      'x-tenant': 'blue',
    });
    expect(() => resolveInjectedHeaders(['Authorization: env:TOKEN'], {})).toThrow(
      /--header Authorization: environment variable TOKEN is not set/,
    );
    expect(() => resolveInjectedHeaders(['no colon'], {})).toThrow(/expected 'Name: env:VARIABLE'/);
  });
});
