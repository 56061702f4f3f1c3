import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { loadValidationHookConfig } from './validationHookConfig.js';

async function dir(files: Record<string, string>): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'bgr-hook-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(d, name), text);
  return d;
}

describe('loadValidationHookConfig', () => {
  it('reads a bundled YAML file and lets BG_REPLAY_* variables override it', async () => {
    const baseDir = await dir({
      'bg-replay.config.yaml':
        'logGroup: /ecs/shop\nlive: http://alb.internal\ncandidate: http://alb.internal:8080\nthreshold: 0.9\n',
    });
    const config = await loadValidationHookConfig({
      baseDir,
      optionalFiles: ['bg-replay.config.json', 'bg-replay.config.yaml'],
      env: {
        BG_REPLAY_THRESHOLD: '0.95',
        BG_REPLAY_ALLOW_METHODS: 'GET, HEAD',
        BG_REPLAY_REPORT_BUCKET: 'reports',
      },
    });
    expect(config).toEqual({
      logGroup: '/ecs/shop',
      live: 'http://alb.internal',
      candidate: 'http://alb.internal:8080',
      threshold: 0.95,
      allowMethods: ['GET', 'HEAD'],
      allowInconclusive: false,
      lambdaPayload: '1.0',
      readBudgetShare: 0.3,
      reportReserveSeconds: 30,
      report: { log: true, s3: { bucket: 'reports', prefix: 'bg-replay/' } },
    });
  });

  it("lets a later source choose another log source: a log file replaces the file's log group", async () => {
    const baseDir = await dir({
      'bg-replay.config.yaml':
        'logGroup: /ecs/shop\nlive: http://alb.internal\ncandidate: http://alb.internal:8080\n',
    });
    const config = await loadValidationHookConfig({
      baseDir,
      optionalFiles: ['bg-replay.config.yaml'],
      env: { BG_REPLAY_LOG_FILE: '/tmp/access.log' },
    });
    expect(config.logFile).toBe('/tmp/access.log');
    expect(config.logGroup).toBeUndefined();
  });

  it('reads an SSM parameter named by BG_REPLAY_CONFIG_SSM_PARAMETER', async () => {
    const ssm = new SSMClient({ region: 'us-east-1' });
    const mock = mockClient(ssm);
    mock.on(GetParameterCommand).resolves({
      Parameter: {
        Value: JSON.stringify({
          logGroup: '/aws/apigw/shop',
          live: 'https://api.example.com',
          candidate: 'https://api.example.com/next',
        }),
      },
    });
    const config = await loadValidationHookConfig({
      ssm,
      env: { BG_REPLAY_CONFIG_SSM_PARAMETER: '/bg-replay/shop' },
    });
    expect(config.candidate).toBe('https://api.example.com/next');
    expect(mock.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
      Name: '/bg-replay/shop',
      WithDecryption: true,
    });
  });

  it('names each bad field and where its value came from', async () => {
    await expect(
      loadValidationHookConfig({
        env: { BG_REPLAY_LIVE: 'alb.internal', BG_REPLAY_THRESHOLD: '2', BG_REPLAY_LOG_GROUP: '/x' },
      }),
    ).rejects.toMatchObject({
      code: 'E_CONFIG',
      message:
        'bg-replay hook configuration is invalid (read from BG_REPLAY_* environment variables): live (from env BG_REPLAY_LIVE): must be an http(s) URL such as http://test-listener.internal:8080; threshold (from env BG_REPLAY_THRESHOLD): Too big: expected number to be <=1; candidate: is required with live: give both base URLs, or neither (a Lambda deployment then compares its two versions)',
    });
  });

  it('asks for the candidate when only live is given', async () => {
    await expect(
      loadValidationHookConfig({ env: { BG_REPLAY_LIVE: 'http://alb.internal', BG_REPLAY_LOG_GROUP: '/x' } }),
    ).rejects.toMatchObject({
      code: 'E_CONFIG',
      message: expect.stringContaining(
        'candidate: is required with live: give both base URLs, or neither (a Lambda deployment then compares its two versions)',
      ),
    });
  });

  it('refuses an unknown key in the file, naming the file', async () => {
    const baseDir = await dir({
      'c.json': JSON.stringify({ logGroup: '/x', live: 'http://a', candidate: 'http://b', treshold: 1 }),
    });
    await expect(loadValidationHookConfig({ baseDir, file: 'c.json' })).rejects.toThrow(
      /read from .*c\.json\): \(root\).*treshold/,
    );
  });

  it('fails clearly when an explicit file is missing', async () => {
    await expect(
      loadValidationHookConfig({ env: { BG_REPLAY_CONFIG_FILE: '/nonexistent/bgr.yaml' } }),
    ).rejects.toThrow(/cannot read the bg-replay hook config file \/nonexistent\/bgr.yaml/);
  });

  it('requires exactly one log source', async () => {
    await expect(
      loadValidationHookConfig({ env: { BG_REPLAY_LIVE: 'http://a', BG_REPLAY_CANDIDATE: 'http://b' } }),
    ).rejects.toThrow(/logGroup: give exactly one log source/);
  });
});
