import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFixturesDir, fixturesDirCandidates } from './findFixturesDir.js';

describe('findFixturesDir', () => {
  it('looks beside the built CLI first, then in the repository', () => {
    expect(fixturesDirCandidates('file:///r/node_modules/@bg-replay/cli/dist/chunk-X.js')).toEqual([
      '/r/node_modules/@bg-replay/cli/dist/fixtures/',
      '/r/node_modules/fixtures/',
    ]);
    expect(fixturesDirCandidates('file:///repo/apps/cli/src/findFixturesDir.ts')[1]).toBe('/repo/fixtures/');
  });

  it('picks the first folder that holds demo/', () => {
    const seen: string[] = [];
    const exists = (path: string) => {
      seen.push(path);
      return path === join('/b', 'demo');
    };
    expect(findFixturesDir(['/a', '/b', '/c'], exists)).toBe('/b');
    expect(seen).toEqual([join('/a', 'demo'), join('/b', 'demo')]);
  });

  it('falls back to the first candidate when none holds the files, so the error names that path', () => {
    expect(findFixturesDir(['/a', '/b'], () => false)).toBe('/a');
  });

  it("finds the repository's fixtures when run from src", () => {
    expect(findFixturesDir()).toBe(fixturesDirCandidates()[1]);
  });
});
