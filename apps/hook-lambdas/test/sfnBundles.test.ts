import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error build.mjs is plain JavaScript without types
import { buildHooks } from '../build.mjs';

/** Imports a bundle in a fresh plain `node` (no vitest interop), calls its handler once, prints the result. */
function invoke(file: string, event: unknown): Promise<string> {
  const script = `
    const { handler } = await import(${JSON.stringify(pathToFileURL(file).href)});
    try { process.stdout.write(JSON.stringify(await handler(${JSON.stringify(event)}))); }
    catch (error) { process.stdout.write(JSON.stringify({ thrown: error.name, message: error.message })); }`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1' } },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
  });
}

describe('the Step Functions bundles (plain node)', { timeout: 120_000 }, () => {
  it('builds CodeDeployHook_sfn_merge and CodeDeployHook_sfn_shard; the merge bundle plans shards and the shard bundle refuses a bad input', async () => {
    const outdir = await mkdtemp(join(tmpdir(), 'bgr-sfn-bundle-'));
    const built = (await buildHooks({
      outdir,
      measure: false,
      only: ['sfn_shard', 'sfn_merge'],
      log: () => {},
    })) as Array<{
      name: string;
      file: string;
    }>;
    expect(built.map((b) => b.name)).toEqual(['CodeDeployHook_sfn_shard', 'CodeDeployHook_sfn_merge']);
    const merge = built[1]?.file as string;
    const plan = JSON.parse(
      await invoke(merge, {
        task: 'plan',
        input: {
          deploymentId: 'd-B',
          lifecycleEventHookExecutionId: 'h',
          shards: 2,
          requestedAt: '2026-11-30T12:00:00.000Z',
          config: {
            logGroup: '/aws/apigateway/shop',
            live: 'https://api.example.com',
            candidate: 'https://api.example.com:8080',
            rps: 10,
            report: { s3: { bucket: 'reports' } },
          },
        },
      }),
    );
    expect(plan.items).toEqual([
      { index: 1, key: 'bg-replay/d-B/validation/shard-1-of-2.json' },
      { index: 2, key: 'bg-replay/d-B/validation/shard-2-of-2.json' },
    ]);
    expect(plan.shard.config.rps).toBe(5);
    expect(JSON.parse(await invoke(built[0]?.file as string, { item: {} }))).toEqual({
      thrown: 'BgReplayError',
      message: 'shard input needs item.index (1..shard.total), item.key and shard',
    });
  });
});
