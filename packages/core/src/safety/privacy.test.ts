import { describe, expect, it } from 'vitest';
import { createPrivacy, REDACTED, redactBodyFields, resolveInjectedHeaders } from './privacy.js';

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

describe('redactBodyFields', () => {
  it('redacts secret-looking fields of JSON bodies at any depth, and of form bodies', () => {
    expect(
      redactBodyFields(
        '{"user":"ann","password":"hunter2","nested":{"list":[{"apiKey":"k1"}]}}',
        () => false,
      ),
    ).toBe('{"user":"ann","password":"[redacted]","nested":{"list":[{"apiKey":"[redacted]"}]}}');
    expect(redactBodyFields('user=ann&passwd=hunter2&sig=abc', (n) => n === 'sig')).toBe(
      'user=ann&passwd=[redacted]&sig=[redacted]',
    );
  });

  it('leaves other bodies as they are', () => {
    expect(redactBodyFields('hello password world', () => false)).toBe('hello password world');
    expect(redactBodyFields('{"broken": ', () => false)).toBe('{"broken": ');
  });

  it('keeps a secret POST body field out of a saved sample record', () => {
    const privacy = createPrivacy();
    const saved = privacy.redactRecord({
      method: 'POST',
      path: '/login',
      headers: { 'content-type': 'application/json' },
      body: '{"user":"ann","password":"hunter2secret"}',
    });
    expect(saved.body).toBe('{"user":"ann","password":"[redacted]"}');
  });
});

describe('remembering an injected header', () => {
  it('scrubs the bare token too, since a service may echo it without its scheme', () => {
    const privacy = createPrivacy();
    privacy.remember('Bearer supersecrettoken123', 'header');
    expect(privacy.redactText('echo: supersecrettoken123!')).toBe(`echo: ${REDACTED}!`);
  });
});

describe('resolveInjectedHeaders', () => {
  it('refuses a credential typed on the command line, and takes other literal headers', () => {
    expect(() => resolveInjectedHeaders(['Authorization: Bearer abc123'], {})).toThrow(
      /^--header Authorization: a credential is read from the environment/,
    );
    expect(
      resolveInjectedHeaders(['X-Tenant: acme', 'Authorization: env:T'], { T: 'Bearer t0k3n-value' }),
    ).toEqual({
      'x-tenant': 'acme',
      authorization: 'Bearer t0k3n-value',
    });
  });
});

describe('secret names by pattern', () => {
  it('strips headers and parameters whose names look like credentials, beyond the exact lists', () => {
    const privacy = createPrivacy();
    const out = privacy.stripRecord({
      method: 'GET',
      path: '/a?accessToken=1&auth_token=2&jwt=3&key=4&sessionid=5&page=2',
      headers: {
        'x-access-token': 'a',
        'x-goog-api-key': 'b',
        'api-key': 'c',
        'private-token': 'd',
        'x-session-token': 'e',
        accept: 'text/html',
      },
    });
    expect(out).toEqual({ method: 'GET', path: '/a?page=2', headers: { accept: 'text/html' } });
    expect(privacy.redactPath('/a?monkey=1&sort_key=2')).toBe('/a?monkey=1&sort_key=[redacted]');
  });
});
