// Bundles each ready-made hook for the Node.js 22 Lambda runtime as dist/CodeDeployHook_<name>/index.mjs,
// then prints its size and the time a fresh `node` takes to import it (the code part of a cold start).
//
// The AWS SDK v3 is bundled, not left to the runtime's copy: the bundle then runs with exactly the client
// versions the tests ran, is immune to runtime SDK updates, and esbuild keeps only the commands used.
// Pass --external-sdk to leave @aws-sdk/* to the runtime (smaller zip, runtime-managed versions).
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Ready-made hooks: Lambda name suffix → entry file. The presets are one function per lifecycle event; each
 * serves ECS and Lambda deployments alike (the platform comes from the stacks file), so a function can never
 * run a teardown in the wrong event: it checks the AppSpec names it under its own event before acting.
 */
export const HOOKS = {
  validate: 'src/validate.ts',
  before_install: 'src/beforeInstall.ts', // ECS
  after_install: 'src/afterInstall.ts', // ECS
  before_allow_traffic: 'src/beforeAllowTraffic.ts', // Lambda
  after_allow_traffic: 'src/afterAllowTraffic.ts', // ECS and Lambda
  sfn_shard: 'src/sfnShard.ts', // Step Functions: one shard of a long validation (docs/scaling-out.md)
  sfn_merge: 'src/sfnMerge.ts', // Step Functions: resolve the window, merge the shards
};

/**
 * zod's classic API re-exports every locale (`z.locales.*`, ~260 KiB of a ~450 KiB zod); the hooks only ever
 * use the default English messages. The locale index is replaced by one that keeps `en` and makes every other
 * locale a function that says it is not bundled, so a cold start does not parse 60 unused translations.
 */
export const onlyEnglishZodLocales = {
  name: 'zod-english-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const names = [...source.matchAll(/export \{ default as (\w+) \} from/g)].map((m) => m[1]);
      const lines = names.map((name) =>
        name === 'en'
          ? 'export { default as en } from "./en.js";'
          : `export const ${name} = () => { throw new Error("zod locale ${name} is not bundled in this hook"); };`,
      );
      return { contents: lines.join('\n'), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

/** Target for the import time a bundle adds to a cold start, over a bare `node -e 0`. */
export const IMPORT_BUDGET_MS = 150;

/**
 * @param {{ outdir?: string, externalSdk?: boolean, measure?: boolean, only?: string[], log?: (line: string) => void }} [options]
 * @returns {Promise<Array<{ name: string, file: string, bytes: number, startupBytes: number, importMs?: number, addedMs?: number }>>}
 *   `bytes` is index.mjs alone; `startupBytes` adds the chunks it imports statically (what a cold start parses).
 */
export async function buildHooks(options = {}) {
  const outdir = options.outdir ?? join(here, 'dist');
  const log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const results = [];
  const only = options.only ? new Set(options.only) : undefined;
  const baselineMs = options.measure !== false && !options.externalSdk ? measureBaseline() : undefined;
  if (baselineMs !== undefined) log(`node -e 0: ${baselineMs.toFixed(0)} ms (baseline)`);
  for (const [name, entry] of Object.entries(HOOKS)) {
    if (only && !only.has(name)) continue;
    const functionName = `CodeDeployHook_${name}`;
    const file = join(outdir, functionName, 'index.mjs');
    const built = await build({
      entryPoints: { index: join(here, entry) },
      outdir: join(outdir, functionName),
      outExtension: { '.js': '.mjs' },
      // Modules only reached through `import()` (credential providers other than the environment's, STS/SSO
      // clients, CloudWatch Logs, ...) go to chunks next to index.mjs: a cold start does not parse them.
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      mainFields: ['module', 'main'], // ESM builds of the SDK tree-shake better
      minify: true,
      sourcemap: 'linked',
      legalComments: 'none',
      external: options.externalSdk ? ['@aws-sdk/*', '@smithy/*'] : [],
      // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
      plugins: [onlyEnglishZodLocales],
      metafile: true,
      logLevel: 'warning',
    });
    const { size } = await stat(file);
    const result = { name: functionName, file, bytes: size, startupBytes: startupBytes(built.metafile) };
    // With an external SDK the bundle only imports inside the Lambda runtime, which provides @aws-sdk/*.
    if (baselineMs !== undefined) {
      result.importMs = measureImport(file);
      result.addedMs = Math.max(0, measureProcess(file) - baselineMs);
    }
    results.push(result);
    const timing =
      result.importMs === undefined
        ? '  (import not timed: SDK external)'
        : `  cold import ${result.importMs.toFixed(0)} ms, +${result.addedMs.toFixed(0)} ms over node -e 0${result.addedMs > IMPORT_BUDGET_MS ? ` (over the ${IMPORT_BUDGET_MS} ms target)` : ''}`;
    log(
      `${functionName.padEnd(36)} ${(result.startupBytes / 1024).toFixed(0).padStart(5)} KiB loaded at import${timing}`,
    );
  }
  return results;
}

/** Bytes of index.mjs and of the chunks it imports statically, transitively (chunks behind `import()` excluded). */
function startupBytes(metafile) {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((path) => path.endsWith('/index.mjs'));
  const seen = new Set();
  const visit = (path) => {
    if (seen.has(path) || !outputs[path]) return;
    seen.add(path);
    for (const i of outputs[path].imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entry);
  return [...seen].reduce((sum, path) => sum + outputs[path].bytes, 0);
}

const RUNS = 3;
const quietEnv = () => ({ PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1' });

/** Median wall time of `node -e 0` (best of a few runs, the machine may be busy). */
function measureBaseline() {
  return median(Array.from({ length: RUNS }, () => wall(['-e', '0'])));
}

/** Median wall time of a fresh node that imports the bundle and exits. */
function measureProcess(file) {
  const script = `await import(${JSON.stringify(pathToFileURL(file).href)});`;
  return median(Array.from({ length: RUNS }, () => wall(['--input-type=module', '-e', script])));
}

function wall(args) {
  const t = performance.now();
  execFileSync(process.execPath, args, { env: quietEnv(), stdio: 'ignore' });
  return performance.now() - t;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Imports the bundle in a fresh node process and returns the milliseconds the import took. */
function measureImport(file) {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'], // the SDK warns about Node 20 here; Lambda runs Node 22
  });
  return Number(out);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildHooks({ externalSdk: process.argv.includes('--external-sdk') });
}
