import { describe, expect, it } from 'vitest';
import { BgReplayError } from '../errors.js';
import { canonicalizePath } from '../safety/canonicalizePath.js';
import { createTargetUrl, targetUrl } from './targetUrl.js';

/** The URL built as before the base was parsed once: every part set on a fresh parse of the base. */
function targetUrlBySetters(base: string, path: string): string {
  const canonical = canonicalizePath(path.startsWith('/') ? path : `/${path}`);
  if ('refused' in canonical) throw new Error(canonical.refused);
  const url = new URL(base);
  const prefix = url.pathname.replace(/\/+$/, '');
  const q = canonical.path.indexOf('?');
  url.pathname = `${prefix}${q < 0 ? canonical.path : canonical.path.slice(0, q)}`;
  const recordQuery = q < 0 ? '' : canonical.path.slice(q + 1);
  url.search = [url.search.slice(1), recordQuery].filter((part) => part !== '').join('&');
  url.hash = '';
  return url.href;
}

const BASES = [
  'http://127.0.0.1:8080',
  'http://127.0.0.1:8080/',
  'https://user:pa%20ss@api.example.com/prod/?v=2#top',
  'https://api.example.com:443/prod//',
  'http://[::1]:3000/stage/v1?a=1&b=',
  'http://xn--bcher-kva.example/b%C3%BCcher',
];
const PATHS = [
  '/',
  '/orders/1',
  'orders/1?x=1',
  '/a b/ü?q=ä ö&r=%zz',
  '/%61dmin//purge;v=1?x=1',
  '/x?y=1?z=2',
  '/search?q=a+b&q=c%2Fd',
  '/quote\'/"{}|^`?x=<>',
  '/p/%2e%2e%2Fq',
];

describe('createTargetUrl', () => {
  it('builds the same URL as setting each part on a fresh parse of the base, for every base and path', () => {
    for (const base of BASES) {
      const urlOf = createTargetUrl(base);
      for (const path of PATHS) {
        let expected: string;
        try {
          expected = targetUrlBySetters(base, path);
        } catch {
          expect(() => urlOf(path)).toThrow(BgReplayError);
          continue;
        }
        expect(urlOf(path).href, `${base} + ${path}`).toBe(expected);
        expect(targetUrl(base, path)).toBe(expected);
      }
    }
  });

  it('puts the base query before the record query and drops the base fragment', () => {
    expect(createTargetUrl('https://api.example.com/prod?v=2#frag')('/orders/1?x=1').href).toBe(
      'https://api.example.com/prod/orders/1?v=2&x=1',
    );
  });

  it('refuses a path that climbs above the base path', () => {
    expect(() => createTargetUrl('http://h/base')('/a/../../x')).toThrow(/request path refused/);
  });
});
