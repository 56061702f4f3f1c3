import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BgReplayError, OptionsError } from '@bg-replay/core';
import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import type { CliIo } from '../io.js';
import {
  flagOf,
  inFlagTerms,
  keysOf,
  REPLAY_KEYS,
  resolveCommandOptions,
  SOURCE_KEYS,
  withOptionFlags,
} from './optionFlags.js';

function ioAt(cwd: string, env: Record<string, string> = {}): CliIo {
  return { cwd, env, stdout: process.stdout, stderr: process.stderr } as CliIo;
}

/** Parses argv with the flags derived from the schema, as a command's builder does. */
async function argsOf(argv: string[]): Promise<Record<string, unknown>> {
  return withOptionFlags(yargs(argv), REPLAY_KEYS).strict().exitProcess(false).parseAsync();
}

async function resolved(
  argv: string[],
  io = ioAt('/work'),
  required = [] as Parameters<typeof resolveCommandOptions>[3],
) {
  return resolveCommandOptions(await argsOf(argv), io, REPLAY_KEYS, required);
}

function configFile(text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bg-replay-config-'));
  const file = join(dir, 'run.yaml');
  writeFileSync(file, text);
  return { dir, file };
}

describe('flags derived from the option schema', () => {
  it('maps every diff flag to the options of validate', async () => {
    const { validate } = await resolved([
      '--rules',
      'rules.yaml',
      '--compare-headers',
      'Content-Type, ETag',
      '--array-key',
      '/items=id',
      '--array-key',
      '/orders/*/lines=sku',
      '--unordered',
      '/tags',
      '--tolerance',
      '/**/price=0.005',
      '--no-normalize-timestamps',
      '--timestamp-window',
      '60000',
      '--version-header',
      'x-service-version',
      '--version-pointer',
      '/meta/version',
      '--version-endpoint',
      '/version',
      '--live-version',
      '1.4.2',
      '--candidate-version',
      '1.5.0',
      '--noise-probe',
      '0.2',
      '--noise-relative',
      '0.3',
      '--noise-absolute',
      '0.001',
      '--noise-min-probed',
      '10',
    ]);
    expect(validate).toMatchObject({
      rules: '/work/rules.yaml',
      compareHeaders: ['content-type', 'etag'],
      arrayKeys: { '/items': 'id', '/orders/*/lines': 'sku' },
      unorderedArrays: ['/tags'],
      tolerances: { '/**/price': 0.005 },
      normalizers: { ids: true, timestamps: false, headers: true, origins: true },
      timestampWindowMs: 60000,
      versionHeader: 'x-service-version',
      versionPointer: '/meta/version',
      versionEndpoint: '/version',
      liveVersion: '1.4.2',
      candidateVersion: '1.5.0',
      noiseProbe: 0.2,
      noiseRelative: 0.3,
      noiseAbsolute: 0.001,
      noiseMinProbed: 10,
    });
  });

  it('applies the documented defaults and sets nothing optional that was not asked for', async () => {
    const { validate } = await resolved([]);
    expect(validate).toMatchObject({
      rps: 50,
      concurrency: 16,
      timeoutMs: 5000,
      threshold: 0.99,
      sample: 400,
    });
    expect(validate.allowMethods).toEqual(['GET', 'HEAD', 'OPTIONS']);
    for (const key of [
      'arrayKeys',
      'tolerances',
      'normalizers',
      'noiseProbe',
      'retryUntilMs',
      'latencyBudget',
    ])
      expect(validate).not.toHaveProperty(key);
  });

  it('names the flag and the entry of a malformed pair', async () => {
    await expect(resolved(['--array-key', '/a=b', '--array-key', 'items'])).rejects.toThrow(
      '--array-key items: expected <pointer>=<value>, e.g. /items=id',
    );
    await expect(resolved(['--tolerance', '/price=cheap'])).rejects.toThrow(
      '--tolerance /price=cheap: the tolerance must be a number >= 0',
    );
  });

  it('parses a latency budget and names the part at fault', async () => {
    expect((await resolved(['--latency-budget', 'p95=1.5,p50=1.3'])).validate.latencyBudget).toEqual({
      p95: 1.5,
      p50: 1.3,
    });
    await expect(resolved(['--latency-budget', 'p90=1.5'])).rejects.toThrow(
      /^--latency-budget p90=1.5: "p90=1.5" is not <quantile>=<ratio>/,
    );
    await expect(resolved(['--latency-budget', 'p95=0'])).rejects.toThrow(/--latency-budget p95=0/);
  });

  it('sets retries only when --retry-until is given', async () => {
    expect((await resolved(['--retry-interval', '1m'])).validate).not.toHaveProperty('retryUntilMs');
    expect((await resolved(['--retry-until', '10m'])).validate).toMatchObject({
      retryUntilMs: 600_000,
      retryIntervalMs: 30_000,
    });
    await expect(resolved(['--retry-until', 'soon'])).rejects.toThrow(
      /^--retry-until soon: expected a duration/,
    );
  });

  it('reads injected header values from the environment, never printing them', async () => {
    const io = ioAt('/tmp', { TOKEN: 'Bearer t0k3n-value' });
    const { validate } = await resolved(['--header', 'Authorization: env:TOKEN'], io);
    expect(validate.headers).toEqual({ authorization: 'Bearer t0k3n-value' });
    await expect(resolved(['--header', 'Authorization: env:TOKEN'])).rejects.toThrow(
      /^--header Authorization: environment variable TOKEN is not set/,
    );
  });

  it('maps CloudWatch, sampling and privacy flags', async () => {
    const { validate } = await resolved(
      [
        '--logs',
        'cloudwatch://API-Gateway-Execution-Logs_abc/prod',
        '--logs',
        'logs/*.gz',
        '--since',
        '30m',
        '--cloudwatch-strategy',
        'insights',
        '--region',
        'eu-west-1',
        '--shard',
        '2/4',
        '--secret-header',
        'x-session,x-tenant-key',
        '--allow-secret',
        'sig',
        '--map',
        'method=req.method,path=req.url',
        '--dedupe',
      ],
      ioAt('/srv'),
    );
    expect(validate.logs).toEqual([
      { kind: 'cloudwatch', logGroup: 'API-Gateway-Execution-Logs_abc/prod' },
      { kind: 'glob', pattern: 'logs/*.gz', cwd: '/srv' },
    ]);
    expect(validate).toMatchObject({
      cloudwatch: { since: '30m', strategy: 'insights', region: 'eu-west-1' },
      shard: { index: 2, total: 4 },
      secretHeaders: ['x-session', 'x-tenant-key'],
      allowSecrets: ['sig'],
      fieldMap: { method: 'req.method', path: 'req.url' },
      dedupe: true,
    });
  });

  it('refuses CloudWatch window flags without a cloudwatch:// log, naming the flag', async () => {
    await expect(resolved(['--logs', 'a.log', '--since', '30m'])).rejects.toThrow(
      '--since: applies to cloudwatch://<log-group> logs only',
    );
  });

  it('names the flag of a number out of range or not a number', async () => {
    await expect(resolved(['--rps', '-1'])).rejects.toThrow(
      '--rps -1: out of range: expected a number 0..1000000000',
    );
    await expect(resolved(['--concurrency', 'many'])).rejects.toThrow(
      '--concurrency: expected an integer 1..10000',
    );
  });

  it('asks for the required options with every way to give them', async () => {
    await expect(resolved(['--logs', 'a.log'], ioAt('/work'), ['logs', 'live', 'candidate'])).rejects.toThrow(
      'give the live base URL: --live https://api.example.com (or live: in --config, or BG_REPLAY_LIVE); give the candidate base URL',
    );
  });
});

describe('--config and BG_REPLAY_* variables', () => {
  it('take the same keys, with flags > env > file > defaults', async () => {
    const { dir } = configFile(
      'logs: [access.log]\nlive: http://127.0.0.1:8080\ncandidate: http://127.0.0.1:8081\nrps: 10\nconcurrency: 4\nthreshold: 0.9\nrules: rules/run.yaml\n',
    );
    const io = ioAt('/elsewhere', { BG_REPLAY_RPS: '20', BG_REPLAY_CONCURRENCY: '8' });
    const { validate, run } = await resolved(['--config', join(dir, 'run.yaml'), '--concurrency', '2'], io, [
      'logs',
      'live',
      'candidate',
    ]);
    expect(validate).toMatchObject({ concurrency: 2, rps: 20, threshold: 0.9, timeoutMs: 5000 });
    // Paths in the file are relative to the file's folder.
    expect(run.rules).toBe(join(dir, 'rules/run.yaml'));
    expect(validate.logs).toEqual([{ kind: 'file', path: join(dir, 'access.log') }]);
  });

  it('a bad value in the file names file:line and the option path', async () => {
    const { file } = configFile('live: http://127.0.0.1:8080\n# window\nsince: 2x\nrps: fast\n');
    const error = await resolved(['--config', file], ioAt('/')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BgReplayError);
    expect((error as BgReplayError).code).toBe('E_CONFIG');
    expect((error as Error).message).toBe(
      `${file}:3: since 2x: expected a duration like 30m, 2h or 1d; ${file}:4: rps fast: expected a number 0..1000000000`,
    );
  });

  it('an unknown key in the file is named on its line, with the key it likely means', async () => {
    const { dir } = configFile('live: http://127.0.0.1:8080\nmin-samples: 3\n');
    await expect(resolved(['--config', 'run.yaml'], ioAt(dir))).rejects.toThrow(
      'run.yaml:2: min-samples: not an option of bg-replay (docs/flags.md lists them); did you mean minSamples?',
    );
  });

  it('a bad variable is named with its value, and a base URL never shows its credentials', async () => {
    await expect(
      resolved(
        [],
        ioAt('/', { BG_REPLAY_LIVE: 'ftp://ann:hunter2@host/?token=SECRET', BG_REPLAY_MIN_SAMPLES: '-1' }),
      ),
    ).rejects.toThrow(
      'BG_REPLAY_LIVE=ftp://host/?token=[redacted]: must be an http:// or https:// URL, not ftp:; BG_REPLAY_MIN_SAMPLES=-1: out of range: expected an integer 0..1000000000',
    );
  });

  it('a missing config file is a usage error naming --config', async () => {
    await expect(resolved(['--config', 'nope.yaml'], ioAt('/nowhere'))).rejects.toThrow(
      '--config nope.yaml: cannot read: ENOENT',
    );
  });
});

describe('flag names in messages', () => {
  it('turns option paths of an OptionsError into flags', () => {
    const error = inFlagTerms(
      new OptionsError([{ path: 'timeoutMs', source: 'options', message: 'timeoutMs 0: out of range' }]),
    );
    expect((error as Error).message).toBe('--timeout 0: out of range');
    expect(flagOf('maxBodyBytes')).toBe('--max-body');
  });

  it('groups the flags by stage, sources first', () => {
    expect(SOURCE_KEYS.at(0)).toBe('logs');
    expect(keysOf('Reports')).toEqual([
      'reportJson',
      'reportJunit',
      'reportMd',
      'reportHtml',
      'reportBodies',
    ]);
  });
});
