/**
 * The AWS SDK clients only some features need are optional peer dependencies: no source file of the package
 * imports one as a value at the top (a type import is erased; the clients are loaded by `loadAwsSdk` when a
 * setting needs them), and the manifest declares them as optional peers, not dependencies.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OPTIONAL_SDK_PACKAGES } from '../src/_loadAwsSdk.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const OPTIONAL = Object.values(OPTIONAL_SDK_PACKAGES);

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = await Promise.all(
    entries.map((e) =>
      e.isDirectory()
        ? sourceFiles(join(dir, e.name))
        : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
          ? [join(dir, e.name)]
          : [],
    ),
  );
  return files.flat();
}

describe('the optional AWS SDK clients of @bg-replay/codedeploy', () => {
  it('are never imported as values at the top of a module', async () => {
    const files = await sourceFiles(here('../src'));
    expect(files.length).toBeGreaterThan(20);
    const offenders: string[] = [];
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      for (const m of text.matchAll(/^import\s+(?!type\b)([^;]*?)\s+from\s+'(@aws-sdk\/[^']+)'/gms)) {
        const [, names = '', from = ''] = m;
        // `import { type A, type B } from` is erased as a whole.
        const valueNames = names
          .replace(/[{}]/g, '')
          .split(',')
          .map((n) => n.trim())
          .filter((n) => n && !n.startsWith('type '));
        if (OPTIONAL.includes(from as (typeof OPTIONAL)[number]) && valueNames.length > 0)
          offenders.push(`${file.slice(file.indexOf('src/'))}: ${valueNames.join(', ')} from ${from}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('are optional peer dependencies (and dev dependencies for the tests), CodeDeploy a dependency', async () => {
    const manifest = JSON.parse(await readFile(here('../package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
    };
    expect(Object.keys(manifest.dependencies).filter((d) => d.startsWith('@aws-sdk/'))).toEqual([
      '@aws-sdk/client-codedeploy',
    ]);
    for (const name of OPTIONAL) {
      expect(manifest.peerDependencies[name]).toMatch(/^\^3\./);
      expect(manifest.peerDependenciesMeta[name]).toEqual({ optional: true });
      expect(manifest.devDependencies[name]).toBe(manifest.peerDependencies[name]);
    }
  });
});
