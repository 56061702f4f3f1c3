import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import type { SSMClient } from '@aws-sdk/client-ssm';
import {
  BgReplayError,
  envNameOf,
  type OptionKey,
  type RunOptions,
  runOptionsSchema,
  toValidateOptions,
  type ValidateOptionsFromRun,
} from '@bg-replay/core';
import { awsClientConfig, refineLambdaTarget } from '@bg-replay/core/internal';
import { LineCounter, parse as parseYaml, parseDocument as parseYamlDocument } from 'yaml';
import { z } from 'zod';
import { type AwsSdkImporters, loadAwsSdk } from './_loadAwsSdk.js';
import { readSsmText } from './readSsmText.js';

const bool = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  const s = v.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(s)) return true;
  if (['false', '0', 'no', 'off', ''].includes(s)) return false;
  return v;
}, z.boolean());

const HTTP_URL_MESSAGE = 'must be an http(s) URL such as http://test-listener.internal:8080';

/** A base URL, or (as for the CLI) a Lambda function invoked directly: `lambda://name:qualifier`. */
const target = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? 'is required: the base URL, such as http://test-listener.internal:8080'
        : HTTP_URL_MESSAGE,
  })
  .superRefine((raw, ctx) => {
    if (refineLambdaTarget(raw, ctx)) return;
    if (!/^https?:$/.test(URL.canParse(raw) ? new URL(raw).protocol : ''))
      ctx.addIssue({ code: 'custom', message: HTTP_URL_MESSAGE });
  });

const SHARDS_MESSAGE =
  'expected a whole number of shards, 1..10000 (at most the --max-shards of the machine)';

/** Step Functions state machine ARN (`arn:<partition>:states:<region>:<account>:stateMachine:<name>`). */
const stateMachineArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/, {
    message:
      'must be a state machine ARN such as arn:aws:states:eu-west-1:123456789012:stateMachine:bg-replay-validation',
  });

/**
 * Run options a hook does not take from its config: it has its own log source (`logGroup`/`logFile`) and
 * targets (which may come from the AppSpec), it reads a recent window (`since`), and its report goes to the
 * log and S3 (`report`).
 */
const NOT_IN_HOOK = [
  'logs',
  'live',
  'candidate',
  'start',
  'end',
  'reportJson',
  'reportJunit',
  'reportMd',
  'reportHtml',
] as const satisfies readonly OptionKey[];

/** The run options of the hook config: every option of the CLI but {@link NOT_IN_HOOK}. */
const hookRunOptions = runOptionsSchema.omit(
  Object.fromEntries(NOT_IN_HOOK.map((key) => [key, true])) as { [K in (typeof NOT_IN_HOOK)[number]]: true },
);

/** The CloudWatch read the hook sets up itself (with a default `since` and a read budget). */
const HOOK_WINDOW = [
  'since',
  'filterPattern',
  'streamPrefix',
  'cloudwatchStrategy',
  'region',
  'endpoint',
] as const;

/**
 * Schema of the validation hook's configuration (a file, SSM, env vars): the option schema of core (the
 * keys of `bg-replay replay --config`, docs/flags.md) plus the hook's own keys.
 *
 * @example
 * const config = validationHookConfigSchema.parse({
 *   logGroup: '/aws/apigateway/orders',
 *   live: 'https://api.example.com',
 *   candidate: 'https://api.example.com:8080',
 *   rps: 20,
 * });
 */
export const validationHookConfigSchema = hookRunOptions
  .extend({
    /** CloudWatch log group holding the live service's access logs. */
    logGroup: z.string().min(1).optional(),
    /** A local log file instead of CloudWatch (the local harness, tests). */
    logFile: z.string().min(1).optional(),
    /**
     * Base URL of the live version (production listener or stage). Optional for Lambda deployments: by
     * default the hook invokes the AppSpec's CurrentVersion and TargetVersion directly.
     */
    live: target.optional(),
    /** Base URL of the candidate (ECS test listener); for Lambda see `live`. */
    candidate: target.optional(),
    /** API Gateway payload format of the events sent to Lambda versions: `1.0` (REST API, default) or `2.0` (HTTP API). */
    lambdaPayload: z.enum(['1.0', '2.0']).default('1.0'),
    /** REST API stage named in 1.0 events (default `prod`). */
    lambdaStage: z.string().min(1).optional(),
    /**
     * Endpoint of the Lambda client that invokes Lambda versions (`lambda://` targets, the AppSpec's two
     * versions): a VPC endpoint or a local stand-in, as the CLI's `--lambda-endpoint`.
     */
    lambdaEndpoint: z
      .url({
        protocol: /^https?$/,
        error: 'must be an http(s) URL such as https://lambda.eu-west-1.amazonaws.com (a VPC endpoint)',
      })
      .optional(),
    /**
     * The validation state machine (`bg-replay state-machine`). With it the hook hands a run that cannot
     * finish in this invocation off to `shards` Lambda shards and reports nothing itself.
     */
    stateMachineArn: stateMachineArn.optional(),
    /** Shards an execution of the state machine runs (default 4), at most its `--max-shards`. */
    shards: z.coerce
      .number({ error: SHARDS_MESSAGE })
      .int({ error: SHARDS_MESSAGE })
      .min(1, { error: SHARDS_MESSAGE })
      .max(10_000, { error: SHARDS_MESSAGE })
      .optional(),
    /** Share of the hook's remaining time the CloudWatch read may take before sampling what it has (default 0.3). */
    readBudgetShare: z.coerce.number().gt(0).max(0.9).default(0.3),
    /**
     * Seconds kept before the hook's deadline: the replay stops then and the verdict is judged on what was
     * compared (default 30).
     */
    reportReserveSeconds: z.coerce.number().min(1).default(30),
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
  })
  .refine((c) => !c.stateMachineArn || c.report.s3, {
    message:
      'hands off to shards that write their reports to S3: set report.s3.bucket (BG_REPLAY_REPORT_BUCKET) too',
    path: ['stateMachineArn'],
  });

/** Validated configuration of {@link createValidationHook}. */
export type ValidationHookConfig = z.output<typeof validationHookConfigSchema>;
/** Configuration as written by a user (before defaults). */
export type ValidationHookConfigInput = z.input<typeof validationHookConfigSchema>;

/** Environment variable of each top-level field, `BG_REPLAY_<KEY>` as for the CLI; nested report fields below. */
const ENV_FIELDS: Record<string, string> = Object.fromEntries(
  Object.keys(validationHookConfigSchema.shape)
    .filter((key) => key !== 'report')
    .map((key) => [key, envNameOf(key)]),
);
const ENV_REPORT = {
  log: 'BG_REPLAY_REPORT_LOG',
  bucket: 'BG_REPLAY_REPORT_BUCKET',
  prefix: 'BG_REPLAY_REPORT_PREFIX',
};

/** The options of `validate` a hook config sets; the hook adds its log source, window, targets and clients. */
export type HookRunValidateOptions = Omit<
  ValidateOptionsFromRun,
  'logs' | 'cloudwatch' | 'live' | 'candidate' | 'clients' | 'logger' | 'signal'
>;

/**
 * The options of `validate` that a hook config sets through the option schema (everything but the log
 * source, the CloudWatch read and the targets, which the hook resolves itself). Relative paths (rules,
 * routes, OpenAPI document) are resolved against `baseDir`, the function's folder; `env:NAME` header values
 * are read from `env`.
 *
 * @example
 * validateOptionsOfHookConfig(config, '/var/task') // { rules: '/var/task/rules.yaml', rps: 20, latencyBudget: { p95: 1.5 }, … }
 */
export function validateOptionsOfHookConfig(
  config: ValidationHookConfig,
  baseDir: string = process.cwd(),
  env: Record<string, string | undefined> = {},
): HookRunValidateOptions {
  const run: Record<string, unknown> = {};
  for (const key of Object.keys(hookRunOptions.shape)) {
    const value = (config as Record<string, unknown>)[key];
    if (value !== undefined && !(HOOK_WINDOW as readonly string[]).includes(key)) run[key] = value;
  }
  const {
    logs: _logs,
    live: _live,
    candidate: _candidate,
    ...options
  } = toValidateOptions(run as RunOptions, {
    cwd: baseDir,
    // `headers: ['Authorization: env:TOKEN']` reads the function's environment.
    env,
  });
  return options;
}

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
  /** Default: a client with the AWS client policy, from the optional `@aws-sdk/client-ssm`. */
  ssm?: Pick<SSMClient, 'send'>;
  /** How optional AWS SDK clients are imported (tests inject a missing one). */
  importSdk?: AwsSdkImporters;
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
    // A value at fault in the file is named with its line.
    for (const [key, line] of Object.entries(linesOfKeys(text)))
      if (origin[key] === path) origin[key] = `${path}:${line}`;
    sources.push(path);
    break;
  }

  const parameter = options.ssmParameter ?? env.BG_REPLAY_CONFIG_SSM_PARAMETER;
  if (parameter) {
    const namedBy = options.ssmParameter ? 'ssmParameter' : 'BG_REPLAY_CONFIG_SSM_PARAMETER';
    const ssm =
      options.ssm ??
      new (
        await loadAwsSdk('ssm', `the SSM parameter ${parameter} (${namedBy})`, options.importSdk)
      ).SSMClient(awsClientConfig());
    const value = await readSsmText(ssm, parameter, namedBy, options.importSdk);
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

/** The line of each top-level key of a YAML/JSON document (1-based). */
function linesOfKeys(text: string): Record<string, number> {
  const counter = new LineCounter();
  const document = parseYamlDocument(text, { lineCounter: counter });
  const lines: Record<string, number> = {};
  const items = (
    document.contents as { items?: Array<{ key?: { value?: unknown; range?: number[] } }> } | null
  )?.items;
  for (const item of items ?? []) {
    const start = item.key?.range?.[0];
    if (typeof item.key?.value === 'string' && start !== undefined)
      lines[item.key.value] = counter.linePos(start).line;
  }
  return lines;
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
