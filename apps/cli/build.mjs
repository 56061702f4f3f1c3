// Builds the published CLI: one ESM bundle (dist/main.js and the chunks of its lazily imported commands),
// the demo's fixture files, and the declarations of `runCli`.
//
// Why a bundle: the CLI runs code of private workspace packages (the demo services, the simulator) that are
// never published. esbuild inlines every private `@bg-replay/*` package and leaves everything else (the public
// `@bg-replay/*` packages and third-party modules) to `dependencies`, which the build checks: an external
// import that `package.json` does not declare would work in the repository and fail once installed.
import { execFileSync } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const dist = join(here, 'dist');

/** Files of the repository's fixtures/ that the demo and `simulate` read at run time (copied, not moved). */
export const SHIPPED_FIXTURES = ['demo', 'stacks/demo-ecs.yaml'];

/** Names of the private packages of the workspace (`"private": true`), which the bundle inlines. */
async function privateWorkspacePackages() {
  const names = new Set();
  for (const group of ['packages', 'apps']) {
    for (const entry of await readdir(join(root, group), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      try {
        const manifest = JSON.parse(await readFile(join(root, group, entry.name, 'package.json'), 'utf8'));
        if (manifest.private === true && manifest.name) names.add(manifest.name);
      } catch {
        // not a package
      }
    }
  }
  return names;
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
export function packageNameOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const manifest = JSON.parse(await readFile(join(here, 'package.json'), 'utf8'));
const inlined = await privateWorkspacePackages();
const builtins = new Set(builtinModules);

await rm(dist, { recursive: true, force: true });
const result = await build({
  entryPoints: { main: join(here, 'src/main.ts') },
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  sourcemap: true,
  sourcesContent: false,
  metafile: true,
  logLevel: 'warning',
  plugins: [
    {
      name: 'inline-private-workspace-packages',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => {
          if (inlined.has(packageNameOf(args.path))) return undefined;
          return { path: args.path, external: true };
        });
      },
    },
  ],
});

// Every external import must be a Node built-in or a declared dependency of the published package.
const declared = new Set([
  ...Object.keys(manifest.dependencies ?? {}),
  ...Object.keys(manifest.peerDependencies ?? {}),
]);
const undeclared = new Set();
for (const output of Object.values(result.metafile.outputs)) {
  for (const imported of output.imports) {
    if (!imported.external) continue;
    const name = packageNameOf(imported.path);
    if (name.startsWith('node:') || builtins.has(name) || declared.has(name)) continue;
    undeclared.add(name);
  }
}
if (undeclared.size > 0) {
  console.error(
    `apps/cli: the bundle imports ${[...undeclared].join(', ')} but apps/cli/package.json does not list ` +
      'them in "dependencies"; add them (they are not inlined: only private @bg-replay/* packages are)',
  );
  process.exit(1);
}

for (const path of SHIPPED_FIXTURES) {
  await mkdir(dirname(join(dist, 'fixtures', path)), { recursive: true });
  await cp(join(root, 'fixtures', path), join(dist, 'fixtures', path), { recursive: true });
}

// Declarations of the programmatic entry (`runCli`), for the package's "types".
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  cwd: here,
  stdio: 'inherit',
});
