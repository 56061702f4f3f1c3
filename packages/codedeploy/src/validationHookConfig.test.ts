import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SSMClient } from '@aws-sdk/client-ssm';
import { createStandInClient } from '@bg-replay/aws-stand-in';
import { describe, expect, it } from 'vitest';
import { startStandIn } from '../test/_hookWorld.js';
import { loadValidationHookConfig, validateOptionsOfHookConfig } from './validationHookConfig.js';

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
    const standIn = await startStandIn();
    standIn.services.state.parameters.set(
      '/bg-replay/shop',
      JSON.stringify({
        logGroup: '/aws/apigw/shop',
        live: 'https://api.example.com',
        candidate: 'https://api.example.com/next',
      }),
    );
    const config = await loadValidationHookConfig({
      ssm: createStandInClient(SSMClient, standIn.url),
      env: { BG_REPLAY_CONFIG_SSM_PARAMETER: '/bg-replay/shop' },
    });
    expect(config.candidate).toBe('https://api.example.com/next');
    expect(standIn.services.callsOf('GetParameter').map((c) => c.input)).toEqual([
      { Name: '/bg-replay/shop', WithDecryption: true },
    ]);
  });

  it('names each bad field and where its value came from', async () => {
    await expect(
      loadValidationHookConfig({
        env: { BG_REPLAY_LIVE: 'alb.internal', BG_REPLAY_THRESHOLD: '2', BG_REPLAY_LOG_GROUP: '/x' },
      }),
    ).rejects.toMatchObject({
      code: 'E_CONFIG',
      message:
        'bg-replay hook configuration is invalid (read from BG_REPLAY_* environment variables): threshold (from env BG_REPLAY_THRESHOLD): out of range: expected a number 0..1; live (from env BG_REPLAY_LIVE): must be an http(s) URL such as http://test-listener.internal:8080; candidate: is required with live: give both base URLs, or neither (a Lambda deployment then compares its two versions)',
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

describe('the hook config is the option schema plus the hook keys', () => {
  it('takes every run option the CLI takes, by the same keys and BG_REPLAY_* names, and maps them alike', async () => {
    const baseDir = await dir({
      'bg-replay.config.yaml': [
        'logGroup: /ecs/shop',
        'live: http://alb.internal',
        'candidate: http://alb.internal:8080',
        'minCoverage: 0.8',
        'routesFile: routes.txt',
        'openapiFile: openapi.yaml',
        'reportBodies: none',
        'keepHeaders: [x-forwarded-prefix]',
        'secretHeaders: [x-session]',
        'secretParams: sig',
        'allowSecrets: [x-api-key]',
        'compareHeaders: [Content-Type, ETag]',
        'normalizeTimestamps: false',
        'maxBodyBytes: 1048576',
        'latencyBudget: { p95: 1.5 }',
        'retryUntil: 10m',
        'arrayKeys: { /items: id }',
        'rules: rules.yaml',
      ].join('\n'),
    });
    const config = await loadValidationHookConfig({
      baseDir,
      optionalFiles: ['bg-replay.config.yaml'],
      env: {
        BG_REPLAY_LATENCY_BUDGET: 'p95=2,p50=1.3',
        BG_REPLAY_RETRY_INTERVAL: '1m',
        BG_REPLAY_SINCE: '2h',
      },
    });
    expect(config).toMatchObject({ since: '2h', minCoverage: 0.8, latencyBudget: { p95: 2, p50: 1.3 } });
    expect(validateOptionsOfHookConfig(config, '/var/task')).toEqual({
      minCoverage: 0.8,
      routesFile: '/var/task/routes.txt',
      openapiFile: '/var/task/openapi.yaml',
      reportBodies: 'none',
      keepHeaders: ['x-forwarded-prefix'],
      secretHeaders: ['x-session'],
      secretParams: ['sig'],
      allowSecrets: ['x-api-key'],
      compareHeaders: ['content-type', 'etag'],
      normalizers: { ids: true, timestamps: false, headers: true, origins: true },
      maxBodyBytes: 1_048_576,
      latencyBudget: { p95: 2, p50: 1.3 },
      retryUntilMs: 600_000,
      retryIntervalMs: 60_000,
      arrayKeys: { '/items': 'id' },
      rules: '/var/task/rules.yaml',
    });
  });

  it('names the key and the variable of a bad duration, as the CLI does', async () => {
    await expect(
      loadValidationHookConfig({
        env: { BG_REPLAY_LOG_GROUP: '/x', BG_REPLAY_SINCE: '2x', BG_REPLAY_RETRY_UNTIL: 'soon' },
      }),
    ).rejects.toThrow(
      'since (from env BG_REPLAY_SINCE): expected a duration like 30m, 2h or 1d; retryUntil (from env BG_REPLAY_RETRY_UNTIL): expected a duration like 30s, 10m, 1h30m or 250ms',
    );
  });

  it('refuses what only the CLI can do: report files and log specs', async () => {
    const baseDir = await dir({ 'c.yaml': 'logGroup: /x\nreportJson: run.json\n' });
    await expect(loadValidationHookConfig({ baseDir, file: 'c.yaml' })).rejects.toThrow(
      /Unrecognized key: "reportJson"/,
    );
  });
});

describe('a bad value in the hook config file', () => {
  it('is named with the file and line it is on', async () => {
    const baseDir = await dir({ 'c.yaml': 'logGroup: /x\n# the window\nsince: 2x\n' });
    await expect(loadValidationHookConfig({ baseDir, file: 'c.yaml' })).rejects.toThrow(
      `since (from ${join(baseDir, 'c.yaml')}:3): expected a duration like 30m, 2h or 1d`,
    );
  });
});
