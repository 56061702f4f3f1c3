import { describe, expect, it } from 'vitest';
import { SAFE_METHODS } from '../safety/privacy.js';
import { DEFAULT_SAMPLE } from '../sources/collectSample.js';
import { DEFAULT_CONFIDENCE, DEFAULT_MIN_COVERAGE } from '../verdict/computeVerdict.js';
import { checkValidateOptions } from './checkValidateOptions.js';
import { readOptionsFile } from './readOptionsFile.js';
import {
  defaultOptionsLayer,
  OptionsError,
  readOptionsEnv,
  resolveOptionLayers,
} from './resolveOptionLayers.js';
import { envNameOf, OPTION_KEYS, optionDefinitions, runOptionsSchema } from './runOptionsSchema.js';
import { toValidateOptions } from './toValidateOptions.js';

describe('the option schema', () => {
  it('reads the text of a flag or variable and the native values of a file alike', () => {
    const fromText = runOptionsSchema.parse({
      rps: '20',
      dedupe: 'yes',
      allowMethods: 'get,head',
      latencyBudget: 'p95=1.5,p50=1.3',
      retryUntil: '10m',
      shard: '2/4',
      tolerances: ['/**/price=0.005'],
    });
    const fromFile = runOptionsSchema.parse({
      rps: 20,
      dedupe: true,
      allowMethods: ['GET', 'HEAD'],
      latencyBudget: { p95: 1.5, p50: 1.3 },
      retryUntil: 600,
      shard: { index: 2, total: 4 },
      tolerances: { '/**/price': 0.005 },
    });
    expect(fromText).toEqual(fromFile);
    expect(fromFile).toEqual({
      rps: 20,
      dedupe: true,
      allowMethods: ['GET', 'HEAD'],
      latencyBudget: { p95: 1.5, p50: 1.3 },
      retryUntil: 600_000,
      shard: { index: 2, total: 4 },
      tolerances: { '/**/price': 0.005 },
    });
  });

  it('documents the defaults the engine uses', () => {
    const { values } = defaultOptionsLayer();
    expect(values.sample).toBe(DEFAULT_SAMPLE);
    expect(values.confidence).toBe(DEFAULT_CONFIDENCE);
    expect(values.minCoverage).toBe(DEFAULT_MIN_COVERAGE);
    expect(values.allowMethods).toBe(SAFE_METHODS.join(','));
    // Every documented default is a valid value of its own option.
    expect(() => resolveOptionLayers([defaultOptionsLayer()])).not.toThrow();
  });

  it('gives every option a distinct flag and environment variable', () => {
    const flags = OPTION_KEYS.map((key) => optionDefinitions[key].flag);
    expect(new Set(flags).size).toBe(flags.length);
    expect(envNameOf('minSamples')).toBe('BG_REPLAY_MIN_SAMPLES');
    expect(envNameOf('timeoutMs')).toBe('BG_REPLAY_TIMEOUT_MS');
  });
});

describe('layers of options', () => {
  it('are merged key by key with flags > env > file > defaults', () => {
    const file = readOptionsFile('rps: 5\nconcurrency: 3\nthreshold: 0.9\n', '/srv/run.yaml');
    const env = readOptionsEnv({ BG_REPLAY_RPS: '7', BG_REPLAY_CONCURRENCY: '4', HOME: '/root' });
    const flags = { source: 'flags' as const, values: { concurrency: 2 }, locate: () => '--concurrency' };
    const { options, sources } = resolveOptionLayers([defaultOptionsLayer(), file, env, flags]);
    expect(options).toMatchObject({ concurrency: 2, rps: 7, threshold: 0.9, timeoutMs: 5000 });
    expect(sources).toMatchObject({
      concurrency: 'flags',
      rps: 'env',
      threshold: 'file',
      timeoutMs: 'defaults',
    });
  });

  it('a file names the line of each value at fault, nested ones too', () => {
    const file = readOptionsFile(
      'since: 2x\nlatencyBudget:\n  p95: 1.5\n  p90: 2\ntolerances:\n  /price: cheap\n',
      '/srv/run.yaml',
      { name: 'run.yaml' },
    );
    const error = (() => {
      try {
        resolveOptionLayers([file]);
      } catch (e) {
        return e as OptionsError;
      }
    })();
    expect(error).toBeInstanceOf(OptionsError);
    expect(error?.code).toBe('E_CONFIG');
    expect(error?.issues.map((i) => i.message)).toEqual([
      'run.yaml:1: since 2x: expected a duration like 30m, 2h or 1d',
      'run.yaml:6: tolerances./price cheap: the tolerance must be a number >= 0',
      'run.yaml:4: latencyBudget.p90 2: "p90=2" is not <quantile>=<ratio> with quantile p50, p95 or p99 and a ratio > 0 (e.g. p95=1.5,p50=1.3)',
    ]);
  });

  it('a file that is not YAML names its line', () => {
    expect(() => readOptionsFile('rps: 5\nthreshold: 0.9\nrps: 6\n', 'run.yaml')).toThrow(
      /^run\.yaml:3: invalid YAML\/JSON: Map keys must be unique/,
    );
    expect(() => readOptionsFile('- rps\n', 'run.yaml')).toThrow('run.yaml: expected a map of options');
  });
});

describe('the options of validate', () => {
  it('are checked by the schema and named by option path, never by flag', () => {
    expect(() => checkValidateOptions({ live: 'http://a', candidate: 'http://b', timeoutMs: 0 })).toThrow(
      'timeoutMs 0: out of range: expected an integer 1..3600000',
    );
    expect(() => checkValidateOptions({ retryUntilMs: 2 * 86_400_000 })).toThrow(
      /^retryUntil 172800000ms: out of range/,
    );
    expect(() => checkValidateOptions({ live: 'http://a', candidate: 'http://b', rps: 0 })).not.toThrow();
  });

  it('refuse CONNECT among the methods that may be replayed', () => {
    const parsed = runOptionsSchema.safeParse({ allowMethods: 'GET,connect' });
    expect(parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'allowMethods: CONNECT cannot be replayed: it opens a tunnel, not a request with an answer to compare',
    ]);
  });

  it('are mapped from run options: normalizer switches, CloudWatch window, retries', () => {
    const run = runOptionsSchema.parse({
      logs: ['cloudwatch://app', 'a.log'],
      since: '2h',
      normalizeIds: false,
      retryUntil: '5m',
      rules: 'rules.yaml',
    });
    expect(toValidateOptions(run, { cwd: '/work', env: {} })).toEqual({
      logs: [
        { kind: 'cloudwatch', logGroup: 'app' },
        { kind: 'file', path: '/work/a.log' },
      ],
      cloudwatch: {
        since: '2h',
        start: undefined,
        end: undefined,
        filterPattern: undefined,
        streamPrefix: undefined,
        strategy: 'auto',
        region: undefined,
        endpoint: undefined,
      },
      rules: '/work/rules.yaml',
      normalizers: { ids: false, timestamps: true, headers: true, origins: true },
      retryUntilMs: 300_000,
      retryIntervalMs: 30_000,
    });
  });
});
