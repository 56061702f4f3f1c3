import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
// @ts-expect-error build.mjs is plain JavaScript without types
import { buildHooks } from '../build.mjs';

/**
 * Generous, and under the timeout of the tests that run bundles (120 s): a plain node that starts the SDK on
 * a busy machine may take a while; one that hangs is killed and its stderr shown.
 */
export const CHILD_TIMEOUT_MS = 90_000;

/** Builds one hook bundle (`validate`, `after_allow_traffic`…) into a fresh folder; resolves to it and its file. */
export async function buildBundle(hook: string): Promise<{ outdir: string; name: string; file: string }> {
  const outdir = await mkdtemp(join(tmpdir(), `bgr-bundle-${hook}-`));
  const [built] = (await buildHooks({ outdir, measure: false, only: [hook], log: () => {} })) as Array<{
    name: string;
    file: string;
  }>;
  if (!built) throw new Error(`build.mjs built no bundle for ${hook}`);
  return { outdir, ...built };
}

/** The environment of a bundled hook whose AWS SDK clients talk to the stand-in at `url`. */
export function standInAwsEnv(url: string): Record<string, string> {
  return {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL: url,
  };
}

/**
 * Runs a bundled handler once in a fresh plain `node` (no vitest interop), with 60 s left in its invocation,
 * and resolves to its stdout lines: the JSON log lines, then the handler's result.
 */
export function runBundle(
  file: string,
  functionName: string,
  event: Record<string, string>,
  env: Record<string, string>,
  cwd?: string,
): Promise<string[]> {
  const script = `
    const { handler } = await import(${JSON.stringify(pathToFileURL(file).href)});
    const context = { functionName: ${JSON.stringify(functionName)}, getRemainingTimeInMillis: () => 60000 };
    const outcome = await handler(${JSON.stringify(event)}, context);
    process.stdout.write(JSON.stringify(outcome) + String.fromCharCode(10));
    process.exit(0); // the SDK's keep-alive socket to the stand-in would hold the process open`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { ...(cwd ? { cwd } : {}), timeout: CHILD_TIMEOUT_MS, env: { PATH: process.env.PATH ?? '', ...env } },
      (error, out, err) =>
        error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out.trim().split('\n')),
    );
  });
}
