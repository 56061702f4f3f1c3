import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the demo's and `simulate`'s files may be, in order: `dist/fixtures/` beside the built CLI (the build
 * copies them there, so an install from the registry has them), then the repository's `fixtures/` (a run
 * from a clone, or from `src/` under vitest).
 */
export function fixturesDirCandidates(moduleUrl: string = import.meta.url): string[] {
  return [
    fileURLToPath(new URL('./fixtures/', moduleUrl)),
    fileURLToPath(new URL('../../../fixtures/', moduleUrl)),
  ];
}

/**
 * The first candidate folder that holds the demo's files; the first candidate when none does, so a
 * broken install fails on a named, missing file rather than a guess.
 *
 * @example
 * findFixturesDir(); // "/…/node_modules/@bg-replay/cli/dist/fixtures/" when installed
 */
export function findFixturesDir(
  candidates: string[] = fixturesDirCandidates(),
  exists: (path: string) => boolean = existsSync,
): string {
  return candidates.find((dir) => exists(join(dir, 'demo'))) ?? (candidates[0] as string);
}
