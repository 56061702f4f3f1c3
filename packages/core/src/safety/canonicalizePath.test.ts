import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { targetUrl } from '../replay/replayRecords.js';
import { canonicalizePath } from './canonicalizePath.js';

const path = (target: string) => {
  const result = canonicalizePath(target);
  return 'path' in result ? result.path : `refused: ${result.refused}`;
};

describe('canonicalizePath', () => {
  it('resolves dot segments, plain and percent-encoded, before anything reads the path', () => {
    expect(path('/public/../admin/purge')).toBe('/admin/purge');
    expect(path('/public/%2e%2e/admin/purge')).toBe('/admin/purge');
    expect(path('/public/.%2E/admin')).toBe('/admin');
    expect(path('/a/./b/.')).toBe('/a/b/');
    expect(path('/a/b/..')).toBe('/a/');
  });

  it('refuses a path that climbs above the base path, however it is spelled', () => {
    expect(path('/a/../../x')).toBe('refused: the path climbs above the base path (..)');
    expect(path('/%2e%2e/x')).toBe('refused: the path climbs above the base path (..)');
    expect(path('/..;/x')).toBe('refused: the path climbs above the base path (..)');
    expect(path('/a/..%2F..%2Fx')).toBe('refused: a dot segment behind an encoded slash (%2F or %5C)');
    expect(path('/a\\..\\..\\x')).toBe('refused: a dot segment behind an encoded slash (%2F or %5C)');
    expect(path('/a\u0000b')).toBe('refused: a control character in the request target');
  });

  it('decodes unreserved characters, upper-cases other escapes and keeps the query as logged', () => {
    expect(path('/%61dmin/%7euser/a%2fb/%e2%82%ac?q=%2e%2e&x=/../')).toBe(
      '/admin/~user/a%2Fb/%E2%82%AC?q=%2e%2e&x=/../',
    );
  });

  it('merges duplicate slashes, cuts ;parameters and drops the fragment', () => {
    expect(path('//admin///purge/')).toBe('/admin/purge/');
    expect(path('/admin;jsessionid=abc/purge;v=2?x=1#top')).toBe('/admin/purge?x=1');
    expect(path('/')).toBe('/');
    expect(path('/?a=1')).toBe('/?a=1');
  });

  it('is idempotent', () => {
    for (const target of ['/a/%2e/b//c;d', '/x/%7E/%41?y', '/a/b/../c/']) {
      const once = path(target);
      expect(path(once)).toBe(once);
    }
  });

  it('never leaves a dot segment, and never lets a URL leave the base path (property)', () => {
    const piece = fc.constantFrom(
      'a',
      '.',
      '..',
      '%2e',
      '%2E%2e',
      '.%2e',
      '',
      ';x',
      '%2f',
      '\\',
      '%61',
      'B',
      '?q=..',
      '#f',
    );
    const target = fc.array(piece, { maxLength: 10 }).map((parts) => `/${parts.join('/')}`);
    fc.assert(
      fc.property(target, (raw) => {
        const result = canonicalizePath(raw);
        if ('refused' in result) return;
        const pathOnly = result.path.split('?')[0] as string;
        expect(pathOnly.split('/').filter((s) => s === '.' || s === '..')).toEqual([]);
        expect(canonicalizePath(result.path)).toEqual(result);
        expect(new URL(targetUrl('http://h/base', raw)).pathname.startsWith('/base/')).toBe(true);
      }),
      { seed: 11, numRuns: Number(process.env.FUZZ_RUNS ?? 500) },
    );
  });
});
