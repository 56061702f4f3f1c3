// Bundles the action into dist/index.js (committed: a JavaScript action runs from the repository as is,
// without an install step). The bundle is ESM, as the package is; dist/package.json says so for Node.
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

export async function buildAction(outdir = join(here, 'dist')) {
  await build({
    entryPoints: [join(here, 'src/index.ts')],
    outfile: join(outdir, 'index.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'warning',
  });
  await writeFile(join(outdir, 'package.json'), '{ "type": "module" }\n');
  return join(outdir, 'index.js');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const file = await buildAction();
  process.stdout.write(`${file}\n`);
}
