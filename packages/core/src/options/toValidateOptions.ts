import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { DiffStageOptions } from '../diff/createComparer.js';
import { BgReplayError } from '../errors.js';
import type { ReplayOptions } from '../replay/replayRecords.js';
import type { ReportBodies } from '../report/redactValues.js';
import { resolveInjectedHeaders } from '../safety/privacy.js';
import type { SourceOptions } from '../sources/collectSample.js';
import { logInputOf } from '../sources/resolveLogInputs.js';
import type { VerdictOptions } from '../verdict/judgeRun.js';
import { OptionsError } from './resolveOptionLayers.js';
import type { RunOptions } from './runOptionsSchema.js';

/** Where relative paths, `-` and `env:` references of the options are resolved. */
export interface OptionContext {
  /** Folder that relative paths given as flags or variables are relative to. */
  cwd: string;
  /** Environment that `headers` (`Authorization: env:TOKEN`) read values from. */
  env: Readonly<Record<string, string | undefined>>;
  /** Standard input, for `logs: ['-']`. */
  stdin?: Readable | NodeJS.ReadableStream;
}

/** The `validate` options that parsed run options set (targets optional: `sample` has none). */
export type ValidateOptionsFromRun = SourceOptions &
  Partial<ReplayOptions> &
  DiffStageOptions &
  Partial<VerdictOptions> & {
    reportBodies?: ReportBodies;
    retryUntilMs?: number;
    retryIntervalMs?: number;
    minCoverage?: number;
  };

const CLOUDWATCH_ONLY = ['since', 'start', 'end', 'filterPattern', 'streamPrefix'] as const;

/**
 * Maps parsed run options to the options of `validate` (and `collectSample`): log specs to inputs, paths
 * against `cwd`, injected header values from `env`, normalizer switches to one object. Retries are set only
 * when `retryUntil` is. Throws {@link OptionsError} (option paths) for options that do not fit together.
 *
 * @example
 * toValidateOptions(runOptionsSchema.parse({ logs: ['access.log'], live, candidate, rps: '20' }), { cwd, env: {} })
 */
export function toValidateOptions(run: RunOptions, context: OptionContext): ValidateOptionsFromRun {
  const logs = run.logs ?? [];
  const usesCloudWatch = logs.some((spec) => spec.startsWith('cloudwatch://'));
  const misplaced = CLOUDWATCH_ONLY.filter((key) => run[key] !== undefined);
  if (!usesCloudWatch && misplaced.length > 0) {
    throw new OptionsError(
      misplaced.map((key) => ({
        path: key,
        source: 'flags' as const,
        message: `${key}: applies to cloudwatch://<log-group> logs only`,
      })),
    );
  }
  const options: ValidateOptionsFromRun = {
    logs: logs.map((spec) =>
      logInputOf(spec, { cwd: context.cwd, ...(context.stdin ? { stdin: context.stdin } : {}) }),
    ),
  };
  const set = <K extends keyof ValidateOptionsFromRun>(
    key: K,
    value: ValidateOptionsFromRun[K] | undefined,
  ) => {
    if (value !== undefined) options[key] = value;
  };
  const path = (value: string | undefined) => (value === undefined ? undefined : resolve(context.cwd, value));
  set('format', run.format);
  set('fieldMap', run.fieldMap);
  set('harHost', run.harHost);
  set('routesFile', path(run.routesFile));
  set('openapiFile', path(run.openapiFile));
  set('sample', run.sample);
  set('seed', run.seed);
  set('minPerRoute', run.minPerRoute);
  set('maxPerRoute', run.maxPerRoute);
  if (run.dedupe) options.dedupe = true;
  if (run.include?.length) options.include = run.include;
  if (run.exclude?.length) options.exclude = run.exclude;
  set('liveStatus', run.liveStatus);
  set('shard', run.shard);
  set('allowMethods', run.allowMethods);
  if (run.secretHeaders?.length) options.secretHeaders = run.secretHeaders;
  if (run.secretParams?.length) options.secretParams = run.secretParams;
  if (run.allowSecrets?.length) options.allowSecrets = run.allowSecrets;
  if (run.keepHeaders?.length) options.keepHeaders = run.keepHeaders;
  if (run.headers?.length) {
    try {
      options.headers = resolveInjectedHeaders(run.headers, context.env);
    } catch (error) {
      if (!(error instanceof BgReplayError)) throw error;
      const message = error.message.replace(/^--header /, 'headers ');
      throw new OptionsError([{ path: 'headers', source: 'flags', message }]);
    }
  }
  if (usesCloudWatch) {
    options.cloudwatch = {
      since: run.since,
      start: run.start,
      end: run.end,
      filterPattern: run.filterPattern,
      streamPrefix: run.streamPrefix,
      strategy: run.cloudwatchStrategy ?? 'auto',
      region: run.region,
      endpoint: run.endpoint,
    };
  }
  set('live', run.live);
  set('candidate', run.candidate);
  set('concurrency', run.concurrency);
  set('rps', run.rps);
  set('timeoutMs', run.timeoutMs);
  set('retries', run.retries);
  set('maxBodyBytes', run.maxBodyBytes);
  set('liveErrorBreaker', run.liveErrorBreaker);
  set('rules', path(run.rules));
  if (run.compareHeaders?.length) options.compareHeaders = run.compareHeaders;
  if (run.arrayKeys && Object.keys(run.arrayKeys).length > 0) options.arrayKeys = run.arrayKeys;
  if (run.unorderedArrays?.length) options.unorderedArrays = run.unorderedArrays;
  if (run.tolerances && Object.keys(run.tolerances).length > 0) options.tolerances = run.tolerances;
  const normalizers = {
    ids: run.normalizeIds ?? true,
    timestamps: run.normalizeTimestamps ?? true,
    headers: run.normalizeHeaders ?? true,
    origins: run.normalizeOrigins ?? true,
  };
  if (Object.values(normalizers).includes(false)) options.normalizers = normalizers;
  set('timestampWindowMs', run.timestampWindowMs);
  set('versionHeader', run.versionHeader);
  set('versionPointer', run.versionPointer);
  set('versionEndpoint', run.versionEndpoint);
  set('liveVersion', run.liveVersion);
  set('candidateVersion', run.candidateVersion);
  set('noiseProbe', run.noiseProbe);
  set('noiseRelative', run.noiseRelative);
  set('noiseAbsolute', run.noiseAbsolute);
  set('noiseMinProbed', run.noiseMinProbed);
  set('threshold', run.threshold);
  set('minSamples', run.minSamples);
  set('confidence', run.confidence);
  set('minCoverage', run.minCoverage);
  set('latencyBudget', run.latencyBudget);
  if (run.retryUntil !== undefined) {
    options.retryUntilMs = run.retryUntil;
    options.retryIntervalMs = run.retryInterval ?? 30_000;
  }
  set('reportBodies', run.reportBodies);
  return options;
}
