import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { SSMClient } from '@aws-sdk/client-ssm';
import { awsClientConfig, BgReplayError } from '@bg-replay/core';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { readSsmText } from './readSsmText.js';

const bool = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  const s = v.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(s)) return true;
  if (['false', '0', 'no', 'off', ''].includes(s)) return false;
  return v;
}, z.boolean());

const list = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : v,
  z.array(z.string().min(1)),
);

const httpUrl = z.url({
  protocol: /^https?$/,
  error: (issue) =>
    issue.input === undefined
      ? 'is required: the base URL, such as http://test-listener.internal:8080'
      : 'must be an http(s) URL such as http://test-listener.internal:8080',
});

/** Schema of the validation hook's configuration (also used for env vars and SSM). */
export const validationHookConfigSchema = z
  .object({
    /** CloudWatch log group holding the live service's access logs. */
    logGroup: z.string().min(1).optional(),
    /** A local log file instead of CloudWatch (the local harness, tests). */
    logFile: z.string().min(1).optional(),
    /** How far back to read logs, e.g. `1h`, `30m`. */
    since: z.string().min(1).optional(),
    filterPattern: z.string().optional(),
    streamPrefix: z.string().optional(),
    /** Log format name as core understands it (e.g. `apigw`, `alb`, `jsonl`). */
    format: z.string().min(1).optional(),
    /**
     * Base URL of the live version (production listener or stage). Optional for Lambda deployments: by
     * default the hook invokes the AppSpec's CurrentVersion and TargetVersion directly.
     */
    live: httpUrl.optional(),
    /** Base URL of the candidate (ECS test listener); for Lambda see `live`. */
    candidate: httpUrl.optional(),
    /** API Gateway payload format of the events sent to Lambda versions: `1.0` (REST API, default) or `2.0` (HTTP API). */
    lambdaPayload: z.enum(['1.0', '2.0']).default('1.0'),
    /** REST API stage named in 1.0 events (default `prod`). */
    lambdaStage: z.string().min(1).optional(),
    /** Share of the hook's remaining time the CloudWatch read may take before sampling what it has (default 0.3). */
    readBudgetShare: z.coerce.number().gt(0).max(0.9).default(0.3),
    /**
     * Seconds kept before the hook's deadline: the replay stops then and the verdict is judged on what was
     * compared (default 30).
     */
    reportReserveSeconds: z.coerce.number().min(1).default(30),
    /** Path of a rules file, relative to the function's directory. */
    rules: z.string().min(1).optional(),
    threshold: z.coerce.number().min(0).max(1).optional(),
    minSamples: z.coerce.number().int().positive().optional(),
    sample: z.coerce.number().int().positive().optional(),
    seed: z.coerce.number().int().optional(),
    concurrency: z.coerce.number().int().positive().optional(),
    /** Requests per second cap per side (0: no cap). */
    rps: z.coerce.number().min(0).optional(),
    timeoutMs: z.coerce.number().int().positive().optional(),
    allowMethods: list.optional(),
    /** Confidence of the Wilson bound the match rate is judged on (default 0.95). */
    confidence: z.coerce.number().gt(0).lt(1).optional(),
    /** Response header naming each side's version, for the semver policy (e.g. `x-service-version`). */
    versionHeader: z.string().min(1).optional(),
    /** Share of the sample also replayed against live a second time to learn noise (0..1). */
    noiseProbe: z.coerce.number().min(0).max(1).optional(),
    /** Report `Succeeded` on an inconclusive verdict. Default false: no evidence is not a pass. */
    allowInconclusive: bool.default(false),
    report: z
      .object({
        /** Write a summary of the report to the log. Default true. */
        log: bool.default(true),
        /** Also write the full JSON report to `s3://bucket/prefix<deploymentId>/<event>.json`. */
        s3: z
          .object({ bucket: z.string().min(1), prefix: z.string().default('bg-replay/') })
          .strict()
          .optional(),
      })
      .strict()
      .default({ log: true }),
  })
  .strict()
  .refine((c) => Boolean(c.logGroup) !== Boolean(c.logFile), {
    message: 'give exactly one log source: logGroup (CloudWatch) or logFile',
    path: ['logGroup'],
  })
  .refine((c) => Boolean(c.live) === Boolean(c.candidate), {
    message:
      'is required with live: give both base URLs, or neither (a Lambda deployment then compares its two versions)',
    path: ['candidate'],
  });

/** Validated configuration of {@link createValidationHook}. */
export type ValidationHookConfig = z.output<typeof validationHookConfigSchema>;
/** Configuration as written by a user (before defaults). */
export type ValidationHookConfigInput = z.input<typeof validationHookConfigSchema>;

/** Environment variable for each top-level field; nested report fields below. */
const ENV_FIELDS: Record<string, string> = {
  logGroup: 'BG_REPLAY_LOG_GROUP',
  logFile: 'BG_REPLAY_LOG_FILE',
  since: 'BG_REPLAY_SINCE',
  filterPattern: 'BG_REPLAY_FILTER_PATTERN',
  streamPrefix: 'BG_REPLAY_STREAM_PREFIX',
  format: 'BG_REPLAY_FORMAT',
  live: 'BG_REPLAY_LIVE',
  candidate: 'BG_REPLAY_CANDIDATE',
  rules: 'BG_REPLAY_RULES',
  threshold: 'BG_REPLAY_THRESHOLD',
  minSamples: 'BG_REPLAY_MIN_SAMPLES',
  sample: 'BG_REPLAY_SAMPLE',
  seed: 'BG_REPLAY_SEED',
  concurrency: 'BG_REPLAY_CONCURRENCY',
  rps: 'BG_REPLAY_RPS',
  timeoutMs: 'BG_REPLAY_TIMEOUT_MS',
  allowMethods: 'BG_REPLAY_ALLOW_METHODS',
  confidence: 'BG_REPLAY_CONFIDENCE',
  versionHeader: 'BG_REPLAY_VERSION_HEADER',
  noiseProbe: 'BG_REPLAY_NOISE_PROBE',
  allowInconclusive: 'BG_REPLAY_ALLOW_INCONCLUSIVE',
  lambdaPayload: 'BG_REPLAY_LAMBDA_PAYLOAD',
  lambdaStage: 'BG_REPLAY_LAMBDA_STAGE',
  readBudgetShare: 'BG_REPLAY_READ_BUDGET_SHARE',
  reportReserveSeconds: 'BG_REPLAY_REPORT_RESERVE_SECONDS',
};
const ENV_REPORT = {
  log: 'BG_REPLAY_REPORT_LOG',
  bucket: 'BG_REPLAY_REPORT_BUCKET',
  prefix: 'BG_REPLAY_REPORT_PREFIX',
};

/** Options of {@link loadValidationHookConfig}. */
export interface LoadValidationHookConfigOptions {
  /** A config file (JSON or YAML) that must exist. Default: `env.BG_REPLAY_CONFIG_FILE`. */
  file?: string;
  /** Config files that are used when present (e.g. `bg-replay.config.json` bundled with the function). */
  optionalFiles?: string[];
  /** Directory relative paths are resolved against (the function's directory). Default: `process.cwd()`. */
  baseDir?: string;
  /** Environment (the handler passes `process.env`); `BG_REPLAY_*` values override file and SSM. */
  env?: Record<string, string | undefined>;
  /** SSM parameter holding JSON or YAML config. Default: `env.BG_REPLAY_CONFIG_SSM_PARAMETER`. */
  ssmParameter?: string;
  ssm?: SSMClient;
}

type Origin = Record<string, string>;

/**
 * Loads the validation hook's configuration from a bundled file, an SSM parameter and `BG_REPLAY_*`
 * environment variables (later ones win), and validates it. Throws `BgReplayError` (`E_CONFIG`) with
 * one message naming each field at fault and where its value came from.
 *
 * @example
 * // at cold start, in the handler module:
 * const config = loadValidationHookConfig({ env: process.env, optionalFiles: ['bg-replay.config.json'], baseDir });
 * config.catch(() => {}); // reported as Failed by the hook, not an unhandled rejection
 */
export async function loadValidationHookConfig(
  options: LoadValidationHookConfigOptions = {},
): Promise<ValidationHookConfig> {
  const env = options.env ?? {};
  const baseDir = options.baseDir ?? process.cwd();
  const merged: Record<string, unknown> = {};
  const origin: Origin = {};
  const sources: string[] = [];
  const take = (values: Record<string, unknown>, where: string): void => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) continue;
      if (key === 'report' && value && typeof value === 'object') {
        const prev = (merged.report as Record<string, unknown> | undefined) ?? {};
        merged.report = { ...prev, ...(value as Record<string, unknown>) };
        for (const sub of Object.keys(value)) origin[`report.${sub}`] = where;
      } else {
        merged[key] = value;
        // The log source is one choice: a later source naming a file replaces an earlier log group, and back.
        if (key === 'logFile' && !('logGroup' in values)) delete merged.logGroup;
        if (key === 'logGroup' && !('logFile' in values)) delete merged.logFile;
      }
      origin[key] = where;
    }
  };

  const explicitFile = options.file ?? env.BG_REPLAY_CONFIG_FILE;
  const candidates = explicitFile ? [explicitFile] : (options.optionalFiles ?? []);
  for (const name of candidates) {
    const path = isAbsolute(name) ? name : resolvePath(baseDir, name);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (!explicitFile && (error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new BgReplayError(
        'E_CONFIG',
        `cannot read the bg-replay hook config file ${path}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    take(parseDocument(text, path), path);
    sources.push(path);
    break;
  }

  const parameter = options.ssmParameter ?? env.BG_REPLAY_CONFIG_SSM_PARAMETER;
  if (parameter) {
    const value = await readSsmText(
      options.ssm ?? new SSMClient(awsClientConfig()),
      parameter,
      'BG_REPLAY_CONFIG_SSM_PARAMETER',
    );
    take(parseDocument(value, `SSM parameter ${parameter}`), `SSM parameter ${parameter}`);
    sources.push(`SSM parameter ${parameter}`);
  }

  const fromEnv: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(ENV_FIELDS)) {
    if (env[name] !== undefined) fromEnv[key] = env[name];
  }
  const report: Record<string, unknown> = {};
  if (env[ENV_REPORT.log] !== undefined) report.log = env[ENV_REPORT.log];
  if (env[ENV_REPORT.bucket] !== undefined) {
    report.s3 = {
      bucket: env[ENV_REPORT.bucket],
      ...(env[ENV_REPORT.prefix] !== undefined ? { prefix: env[ENV_REPORT.prefix] } : {}),
    };
  }
  if (Object.keys(report).length) fromEnv.report = report;
  if (Object.keys(fromEnv).length) {
    take(fromEnv, 'env');
    sources.push('BG_REPLAY_* environment variables');
  }
  // Name the variable itself in messages.
  for (const key of Object.keys(fromEnv)) {
    if (key !== 'report') origin[key] = `env ${ENV_FIELDS[key]}`;
  }
  if (report.log !== undefined) origin['report.log'] = `env ${ENV_REPORT.log}`;
  if (report.s3 !== undefined) origin['report.s3'] = `env ${ENV_REPORT.bucket}`;

  const parsed = validationHookConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = issue.path.map(String);
      const field = path.join('.') || '(root)';
      const from = origin[path.slice(0, 2).join('.')] ?? origin[path[0] ?? ''];
      return `${field}${from ? ` (from ${from})` : ''}: ${issue.message}`;
    });
    const where = sources.length
      ? sources.join(', ')
      : 'no config file, SSM parameter or BG_REPLAY_* variable';
    throw new BgReplayError(
      'E_CONFIG',
      `bg-replay hook configuration is invalid (read from ${where}): ${problems.join('; ')}`,
    );
  }
  return parsed.data;
}

function parseDocument(text: string, where: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new BgReplayError('E_CONFIG', `${where} is not valid JSON or YAML: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new BgReplayError(
      'E_CONFIG',
      `${where} must hold an object of settings (live, candidate, logGroup, ...)`,
    );
  }
  return doc as Record<string, unknown>;
}
