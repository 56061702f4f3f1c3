import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ValidateFn, ValidationRunOptions } from '@bg-replay/codedeploy';
import { silentLogger } from '@bg-replay/core/internal';
import { runLifecycle } from '@bg-replay/simulator';
import { describe, expect, it } from 'vitest';
import { createValidateHandler } from '../src/validate.js';

async function configDir(config: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bgr-hook-'));
  await writeFile(join(dir, 'bg-replay.config.json'), JSON.stringify(config));
  return dir;
}

function simulate(baseDir: string, env: Record<string, string>, validate: ValidateFn) {
  return runLifecycle({
    platform: 'Lambda',
    hooks: {
      BeforeAllowTraffic: {
        functionName: 'CodeDeployHook_validate',
        handler: (clients) =>
          createValidateHandler({
            env,
            baseDir,
            handler: { clients, logger: silentLogger },
            deps: { validate },
          }) as never,
      },
    },
  });
}

describe('CodeDeployHook_validate handler', () => {
  it('reads the bundled config file, lets env override it, and reports the verdict', async () => {
    const dir = await configDir({
      logGroup: '/aws/apigw/shop',
      live: 'https://api.example.com',
      candidate: 'https://api.example.com/next',
    });
    const seen: ValidationRunOptions[] = [];
    const result = await simulate(dir, { BG_REPLAY_SAMPLE: '50' }, async (o) => {
      seen.push(o);
      return { verdict: 'pass', reasons: [], matchRate: 1 };
    });
    expect(result.status).toBe('Succeeded');
    expect(seen[0]).toMatchObject({
      logs: [{ kind: 'cloudwatch', logGroup: '/aws/apigw/shop' }],
      sample: 50,
    });
  });

  it('reports Failed on every invocation when the configuration is invalid', async () => {
    const dir = await configDir({ logGroup: '/x', live: 'not a url', candidate: 'https://b' });
    let called = false;
    const result = await simulate(dir, {}, async () => {
      called = true;
      return { verdict: 'pass', reasons: [], matchRate: 1 };
    });
    expect(result.status).toBe('Failed');
    expect(result.reports.map((r) => r.status)).toEqual(['Failed']);
    expect(called).toBe(false);
  });
});
