import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The published package is dist/ and bin/ only: these checks read what `pnpm pack` would ship.
const cli = fileURLToPath(new URL('..', import.meta.url));
const repo = join(cli, '../..');
const dist = join(cli, 'dist');
const bundle = readdirSync(dist)
  .filter((name) => name.endsWith('.js'))
  .map((name) => readFileSync(join(dist, name), 'utf8'))
  .join('\n');
const manifest = JSON.parse(readFileSync(join(cli, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

describe('the built CLI', () => {
  it('inlines the private demo package instead of importing it', () => {
    expect(bundle).not.toMatch(/from\s*["']@bg-replay\/demo["']/);
    expect(bundle).not.toMatch(/import\(["']@bg-replay\/demo["']\)/);
    expect(bundle).toContain('x-service-version');
    expect(manifest.dependencies['@bg-replay/demo']).toBeUndefined();
  });

  it('imports the public packages, which are declared dependencies', () => {
    expect(bundle).toMatch(/from\s*["']@bg-replay\/core["']/);
    expect(Object.keys(manifest.dependencies)).toEqual(
      expect.arrayContaining(['@bg-replay/core', '@bg-replay/codedeploy', '@bg-replay/hooks', 'yargs']),
    );
  });

  it("ships byte-identical copies of the demo's log and rules and the demo stacks file", () => {
    for (const file of ['demo/apigw-access.log', 'demo/rules.yaml', 'stacks/demo-ecs.yaml']) {
      expect(
        readFileSync(join(dist, 'fixtures', file)).equals(readFileSync(join(repo, 'fixtures', file))),
      ).toBe(true);
    }
  });

  it('declares runCli for programmatic use', () => {
    expect(readFileSync(join(dist, 'types', 'main.d.ts'), 'utf8')).toContain(
      'export declare function runCli(',
    );
  });
});
