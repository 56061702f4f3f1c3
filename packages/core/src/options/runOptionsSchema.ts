import { z } from 'zod';
import { isLambdaTarget, parseLambdaTarget } from '../replay/lambdaTarget.js';
import { createPrivacy } from '../safety/privacy.js';
import { parseShard } from '../sample/createRecordFilter.js';
import { parseFieldMap } from '../sources/parseAppJson.js';
import {
  booleanOption,
  choiceOption,
  durationOption,
  durationText,
  latencyBudgetOption,
  listOption,
  numberIn,
  parsedBy,
  pointerMapOption,
  stringOption,
  timeOption,
} from './_optionTypes.js';

/**
 * The stages options belong to, in the order `--help` and docs/flags.md list them.
 *
 * @example
 * for (const group of OPTION_GROUPS) console.log(group, OPTION_KEYS.filter((key) => optionDefinitions[key].group === group));
 */
export const OPTION_GROUPS = [
  'Input',
  'CloudWatch',
  'Sampling',
  'Safety',
  'Targets',
  'Replay',
  'Diff',
  'Versions',
  'Noise',
  'Verdict',
  'Reports',
] as const;
/** The stage an option belongs to (`Input`, `Replay`, `Verdict`…): one of {@link OPTION_GROUPS}. */
export type OptionGroup = (typeof OPTION_GROUPS)[number];

/** What an option is besides its zod type: how it is named and explained everywhere. */
export interface OptionMeta {
  /** The CLI flag, without `--`. */
  flag: string;
  group: OptionGroup;
  /** One line of help, shared by `--help` and docs/flags.md. */
  help: string;
  /** How the flag is typed on the command line. */
  flagType: 'string' | 'number' | 'boolean';
  /** The flag may be given more than once (and a config file takes a list). */
  repeatable?: boolean;
  choices?: readonly string[];
  /** The default, written as a flag or config value would be. */
  default?: string | number | boolean;
  /** The default, when it depends on other options (shown, never applied). */
  defaultText?: string;
  /** An example value as given in a flag. */
  example: string;
  /** A file path: relative paths in a config file are relative to the file's folder. */
  isPath?: boolean;
  /** The value may carry credentials (a base URL): messages show it redacted. */
  isUrl?: boolean;
}

/** One option: its zod type and metadata. */
export interface OptionDefinition<T extends z.ZodType = z.ZodType> extends OptionMeta {
  type: T;
}

function option<T extends z.ZodType>(type: T, meta: OptionMeta): OptionDefinition<T> {
  return { type, ...meta };
}

/**
 * The check of a `lambda://` base URL, shared by every schema that takes a target: true when `raw` is one
 * (with an issue added when it is malformed), false when it is some other URL for the caller to check.
 *
 * @example
 * z.string().superRefine((raw, ctx) => {
 *   if (refineLambdaTarget(raw, ctx)) return;
 *   // …check raw as an http(s) URL
 * })
 */
export function refineLambdaTarget(raw: string, ctx: z.RefinementCtx): boolean {
  if (!isLambdaTarget(raw)) return false;
  if (!parseLambdaTarget(raw))
    ctx.addIssue({
      code: 'custom',
      message: 'give lambda://function[:qualifier][?payload=1.0|2.0&stage=name]',
    });
  return true;
}

/** A base URL (http or https), or a Lambda function invoked directly (`lambda://name:qualifier`: library, hooks). */
const httpUrl = z
  .string({ error: 'expected a base URL like http://127.0.0.1:8080' })
  .superRefine((raw, ctx) => {
    if (refineLambdaTarget(raw, ctx)) return;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not a URL; give a base URL like http://127.0.0.1:8080' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      ctx.addIssue({ code: 'custom', message: `must be an http:// or https:// URL, not ${url.protocol}` });
  });

const fieldMap = z
  .union([z.string(), z.record(z.string(), z.string())], {
    error: 'expected <field>=<dotted.path> pairs, e.g. method=req.method,path=req.url',
  })
  .transform((value) =>
    typeof value === 'string'
      ? value
      : Object.entries(value)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
  )
  .transform(parsedBy(parseFieldMap));

const shard = z
  .union([z.string(), z.object({ index: z.number(), total: z.number() })], {
    error: 'expected i/N, e.g. 2/4',
  })
  .transform((value) => (typeof value === 'string' ? value : `${value.index}/${value.total}`))
  .transform(parsedBy(parseShard));

/** `Name: env:VARIABLE` (or `Name: value` for what is not a credential); resolved against the environment later. */
const headerSpecs = listOption(false);

const tolerance = (raw: unknown): number | undefined => {
  const value = typeof raw === 'number' ? raw : String(raw).trim() === '' ? Number.NaN : Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
};

/**
 * Every option a run can be told, keyed by its option path (the key of a `--config` file and of the
 * validation hook's config, and `BG_REPLAY_<KEY>` in snake case as an environment variable). Keys are flat:
 * the stage an option belongs to is its `group`.
 *
 * @example
 * optionDefinitions.format.default // 'auto'
 * optionDefinitions.logs.help // "Log file(s), a quoted glob ('logs/*.log.gz'), - for stdin, or cloudwatch://<log-group>"
 */
export const optionDefinitions = {
  logs: option(listOption(false), {
    flag: 'logs',
    group: 'Input',
    flagType: 'string',
    repeatable: true,
    help: "Log file(s), a quoted glob ('logs/*.log.gz'), - for stdin, or cloudwatch://<log-group>",
    example: 'access.log',
    isPath: true,
  }),
  format: option(stringOption, {
    flag: 'format',
    group: 'Input',
    flagType: 'string',
    default: 'auto',
    help: 'Log format: auto, apigw, alb, clf (common/combined), har, gor (GoReplay), appjson, jsonl',
    example: 'alb',
  }),
  fieldMap: option(fieldMap, {
    flag: 'map',
    group: 'Input',
    flagType: 'string',
    help: 'Field map of application JSON logs: method=req.method,path=req.url,headers=req.headers,body=req.body',
    example: 'method=req.method,path=req.url',
  }),
  harHost: option(stringOption, {
    flag: 'har-host',
    group: 'Input',
    flagType: 'string',
    help: "HAR: the site's own host; entries for other hosts are skipped (default: the first entry's host)",
    example: 'shop.example.com',
  }),
  since: option(durationText, {
    flag: 'since',
    group: 'CloudWatch',
    flagType: 'string',
    help: 'CloudWatch: read the last 30m, 2h, 1d',
    example: '2h',
  }),
  start: option(timeOption, {
    flag: 'start',
    group: 'CloudWatch',
    flagType: 'string',
    help: 'CloudWatch: window start (ISO time, epoch ms, or 2h ago)',
    example: '2026-01-31T10:00:00Z',
  }),
  end: option(timeOption, {
    flag: 'end',
    group: 'CloudWatch',
    flagType: 'string',
    help: 'CloudWatch: window end (default now)',
    example: '2026-01-31T12:00:00Z',
  }),
  filterPattern: option(z.string(), {
    flag: 'filter-pattern',
    group: 'CloudWatch',
    flagType: 'string',
    help: 'CloudWatch: filter pattern of the events',
    example: '"GET"',
  }),
  streamPrefix: option(z.string(), {
    flag: 'stream-prefix',
    group: 'CloudWatch',
    flagType: 'string',
    help: 'CloudWatch: only log streams starting with this',
    example: 'prod/',
  }),
  cloudwatchStrategy: option(choiceOption(['auto', 'filter', 'insights']), {
    flag: 'cloudwatch-strategy',
    group: 'CloudWatch',
    flagType: 'string',
    choices: ['auto', 'filter', 'insights'],
    default: 'auto',
    help: 'CloudWatch: FilterLogEvents (filter), Logs Insights (insights), or auto (Insights for windows over 1h)',
    example: 'filter',
  }),
  region: option(stringOption, {
    flag: 'region',
    group: 'CloudWatch',
    flagType: 'string',
    help: 'CloudWatch: AWS region (default: the SDK chain)',
    example: 'eu-west-1',
  }),
  endpoint: option(stringOption, {
    flag: 'endpoint',
    group: 'CloudWatch',
    flagType: 'string',
    help: 'CloudWatch: endpoint URL (tests, VPC endpoints)',
    example: 'http://127.0.0.1:4566',
  }),
  routesFile: option(stringOption, {
    flag: 'routes',
    group: 'Sampling',
    flagType: 'string',
    help: 'File of route templates, one a line: GET /products/:sku, /orders/{id}/invoice',
    example: 'routes.txt',
    isPath: true,
  }),
  openapiFile: option(stringOption, {
    flag: 'openapi',
    group: 'Sampling',
    flagType: 'string',
    help: "OpenAPI 3.x document (YAML or JSON) whose paths are the service's routes",
    example: 'openapi.yaml',
    isPath: true,
  }),
  sample: option(numberIn(1, 1e9, true), {
    flag: 'sample',
    group: 'Sampling',
    flagType: 'number',
    default: 400,
    help: 'Records to pick',
    example: '500',
  }),
  seed: option(numberIn(-(2 ** 31), 2 ** 32, true), {
    flag: 'seed',
    group: 'Sampling',
    flagType: 'number',
    default: 1,
    help: 'Seed of the reproducible sample',
    example: '7',
  }),
  minPerRoute: option(numberIn(1, 1e9, true), {
    flag: 'min-per-route',
    group: 'Sampling',
    flagType: 'number',
    defaultText: '--min-samples, else 5',
    help: 'Records guaranteed per stratum: a route and its query shape (default: --min-samples, else 5)',
    example: '10',
  }),
  maxPerRoute: option(numberIn(1, 1e9, true), {
    flag: 'max-per-route',
    group: 'Sampling',
    flagType: 'number',
    help: 'Records per route at most',
    example: '50',
  }),
  dedupe: option(booleanOption, {
    flag: 'dedupe',
    group: 'Sampling',
    flagType: 'boolean',
    default: false,
    help: 'Never pick two identical requests (method, path, body)',
    example: 'true',
  }),
  include: option(listOption(false), {
    flag: 'include',
    group: 'Sampling',
    flagType: 'string',
    repeatable: true,
    help: "Keep only these routes or path globs ('GET /orders/:id', '/orders/**')",
    example: "'/orders/**'",
  }),
  exclude: option(listOption(false), {
    flag: 'exclude',
    group: 'Sampling',
    flagType: 'string',
    repeatable: true,
    help: "Drop these routes or path globs ('/health')",
    example: '/health',
  }),
  liveStatus: option(stringOption, {
    flag: 'live-status',
    group: 'Sampling',
    flagType: 'string',
    help: 'Keep only records live answered with this status class (2xx, 2xx,404)',
    example: '2xx',
  }),
  shard: option(shard, {
    flag: 'shard',
    group: 'Sampling',
    flagType: 'string',
    help: 'Keep only shard i of N (1-based, e.g. 2/4), by a stable hash of each request',
    example: '2/4',
  }),
  allowMethods: option(
    listOption(true)
      .transform((methods) => methods.map((m) => m.toUpperCase()))
      .refine(
        (methods) => !methods.includes('CONNECT'),
        'CONNECT cannot be replayed: it opens a tunnel, not a request with an answer to compare',
      ),
    {
      flag: 'allow-methods',
      group: 'Safety',
      flagType: 'string',
      default: 'GET,HEAD,OPTIONS',
      help: 'Methods that may be replayed (writes change live data: opt in with care)',
      example: 'GET,HEAD,OPTIONS,POST',
    },
  ),
  secretHeaders: option(listOption(true), {
    flag: 'secret-header',
    group: 'Safety',
    flagType: 'string',
    repeatable: true,
    help: 'Another header to strip and redact',
    example: 'x-session',
  }),
  secretParams: option(listOption(true), {
    flag: 'secret-param',
    group: 'Safety',
    flagType: 'string',
    repeatable: true,
    help: 'Another query parameter to strip and redact',
    example: 'sig',
  }),
  allowSecrets: option(listOption(true), {
    flag: 'allow-secret',
    group: 'Safety',
    flagType: 'string',
    repeatable: true,
    help: 'Let this secret header or parameter through to the replay (still redacted in reports)',
    example: 'x-api-key',
  }),
  keepHeaders: option(listOption(true), {
    flag: 'keep-header',
    group: 'Safety',
    flagType: 'string',
    repeatable: true,
    help: 'Forward this method-override or routing header as logged (X-Forwarded-*, Forwarded, X-Original-URL… are stripped by default)',
    example: 'x-forwarded-prefix',
  }),
  headers: option(headerSpecs, {
    flag: 'header',
    group: 'Safety',
    flagType: 'string',
    repeatable: true,
    help: "Header to send with every replayed request, value from the environment: 'Authorization: env:TOKEN'",
    example: "'Authorization: env:TOKEN'",
  }),
  live: option(httpUrl, {
    flag: 'live',
    group: 'Targets',
    flagType: 'string',
    help: 'Base URL of live',
    example: 'https://api.example.com',
    isUrl: true,
  }),
  candidate: option(httpUrl, {
    flag: 'candidate',
    group: 'Targets',
    flagType: 'string',
    help: 'Base URL of the candidate (test listener or next stage)',
    example: 'https://api.example.com:8080',
    isUrl: true,
  }),
  concurrency: option(numberIn(1, 10000, true), {
    flag: 'concurrency',
    group: 'Replay',
    flagType: 'number',
    default: 16,
    help: 'Records in flight at once',
    example: '8',
  }),
  rps: option(numberIn(0, 1e9), {
    flag: 'rps',
    group: 'Replay',
    flagType: 'number',
    default: 50,
    help: 'Requests per second live receives at most, probes and retries included (0 = no cap)',
    example: '20',
  }),
  timeoutMs: option(numberIn(1, 3_600_000, true), {
    flag: 'timeout',
    group: 'Replay',
    flagType: 'number',
    default: 5000,
    help: 'Per-request timeout in ms',
    example: '10000',
  }),
  retries: option(numberIn(0, 10, true), {
    flag: 'retries',
    group: 'Replay',
    flagType: 'number',
    default: 1,
    help: 'Retries of a GET/HEAD/OPTIONS whose connection failed before an answer (never timeouts)',
    example: '2',
  }),
  maxBodyBytes: option(numberIn(1, 2 ** 31, true), {
    flag: 'max-body',
    group: 'Replay',
    flagType: 'number',
    default: 5 * 1024 * 1024,
    help: 'Bodies are cut at this many decoded bytes',
    example: '1048576',
  }),
  liveErrorBreaker: option(numberIn(0.01, 1), {
    flag: 'live-error-breaker',
    group: 'Replay',
    flagType: 'number',
    default: 0.5,
    help: "Stop when this share of live's recent answers are 5xx or errors (1 = never)",
    example: '0.3',
  }),
  rules: option(stringOption, {
    flag: 'rules',
    group: 'Diff',
    flagType: 'string',
    help: 'Rules file (YAML or JSON)',
    example: 'rules.yaml',
    isPath: true,
  }),
  compareHeaders: option(
    listOption(true).transform((names) => names.map((name) => name.toLowerCase())),
    {
      flag: 'compare-headers',
      group: 'Diff',
      flagType: 'string',
      help: 'Response headers compared, comma-separated; replaces the default list (content-type, content-encoding, cache-control, vary, location, content-location, link, x-total-count, CORS…)',
      example: 'content-type,etag',
    },
  ),
  arrayKeys: option(
    pointerMapOption(
      '/items=id',
      (raw) => (typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined),
      'the key must be a field name',
    ),
    {
      flag: 'array-key',
      group: 'Diff',
      flagType: 'string',
      repeatable: true,
      help: 'Match array elements by a key field: <pointer>=<field>, e.g. /items=id (repeatable)',
      example: '/items=id',
    },
  ),
  unorderedArrays: option(listOption(false), {
    flag: 'unordered',
    group: 'Diff',
    flagType: 'string',
    repeatable: true,
    help: 'Compare an array of scalars regardless of order, by pointer, e.g. /tags (repeatable)',
    example: '/tags',
  }),
  tolerances: option(pointerMapOption('/**/price=0.005', tolerance, 'the tolerance must be a number >= 0'), {
    flag: 'tolerance',
    group: 'Diff',
    flagType: 'string',
    repeatable: true,
    help: 'Numeric tolerance: <pointer>=<number>, e.g. /**/price=0.005 (repeatable)',
    example: '/**/price=0.005',
  }),
  normalizeIds: option(booleanOption, {
    flag: 'normalize-ids',
    group: 'Diff',
    flagType: 'boolean',
    default: true,
    help: 'Equate request ids and UUIDs in id-like fields',
    example: 'false',
  }),
  normalizeTimestamps: option(booleanOption, {
    flag: 'normalize-timestamps',
    group: 'Diff',
    flagType: 'boolean',
    default: true,
    help: 'Equate ISO-8601/epoch timestamps near the comparison time',
    example: 'false',
  }),
  normalizeHeaders: option(booleanOption, {
    flag: 'normalize-headers',
    group: 'Diff',
    flagType: 'boolean',
    default: true,
    help: 'Equate Date/X-Request-Id/ETag-style headers and equivalent content types',
    example: 'false',
  }),
  normalizeOrigins: option(booleanOption, {
    flag: 'normalize-origins',
    group: 'Diff',
    flagType: 'boolean',
    default: true,
    help: "Replace each side's own origin (scheme, host, port, base path) in bodies and Location/Content-Location/Link",
    example: 'false',
  }),
  timestampWindowMs: option(numberIn(0, 1e12), {
    flag: 'timestamp-window',
    group: 'Diff',
    flagType: 'number',
    default: 300000,
    help: 'Window of the timestamp normalizer, in ms',
    example: '60000',
  }),
  versionHeader: option(stringOption, {
    flag: 'version-header',
    group: 'Versions',
    flagType: 'string',
    help: "Response header carrying each side's version, e.g. x-service-version",
    example: 'x-service-version',
  }),
  versionPointer: option(
    stringOption.regex(/^\/./, { error: 'must be a JSON Pointer such as /meta/version' }),
    {
      flag: 'version-pointer',
      group: 'Versions',
      flagType: 'string',
      help: 'JSON Pointer to the version in response bodies, e.g. /meta/version',
      example: '/meta/version',
    },
  ),
  versionEndpoint: option(stringOption, {
    flag: 'version-endpoint',
    group: 'Versions',
    flagType: 'string',
    help: 'Path asked once per side for its version, e.g. /version',
    example: '/version',
  }),
  liveVersion: option(z.union([z.string(), z.number()]).transform(String), {
    flag: 'live-version',
    group: 'Versions',
    flagType: 'string',
    help: "Live's version (wins over discovery)",
    example: '1.4.2',
  }),
  candidateVersion: option(z.union([z.string(), z.number()]).transform(String), {
    flag: 'candidate-version',
    group: 'Versions',
    flagType: 'string',
    help: "Candidate's version (wins over discovery)",
    example: '1.5.0',
  }),
  noiseProbe: option(numberIn(0, 1), {
    flag: 'noise-probe',
    group: 'Noise',
    flagType: 'number',
    defaultText: '0 (learn-noise: 1)',
    help: 'Share of records also replayed against live a second time to learn noise, 0..1 (1 = every record)',
    example: '0.2',
  }),
  noiseRelative: option(numberIn(0, 1), {
    flag: 'noise-relative',
    group: 'Noise',
    flagType: 'number',
    default: 0.2,
    help: "Diffy's relative threshold",
    example: '0.3',
  }),
  noiseAbsolute: option(numberIn(0, 1), {
    flag: 'noise-absolute',
    group: 'Noise',
    flagType: 'number',
    default: 0.0003,
    help: "Diffy's absolute threshold",
    example: '0.001',
  }),
  noiseMinProbed: option(numberIn(1, 1e9, true), {
    flag: 'noise-min-probed',
    group: 'Noise',
    flagType: 'number',
    default: 5,
    help: 'Probed records a route needs before its differences are judged as noise',
    example: '10',
  }),
  threshold: option(numberIn(0, 1), {
    flag: 'threshold',
    group: 'Verdict',
    flagType: 'number',
    default: 0.99,
    help: 'Required match rate, 0..1, compared with the lower bound of its confidence interval',
    example: '0.95',
  }),
  confidence: option(
    numberIn(0, 1).refine((c) => c === 0 || (c >= 0.5 && c < 1), {
      error: 'out of range: expected 0 (judge the raw rate) or 0.5 <= c < 1',
    }),
    {
      flag: 'confidence',
      group: 'Verdict',
      flagType: 'number',
      default: 0.95,
      help: 'Confidence of the one-sided Wilson lower bound that must reach --threshold, z = Φ⁻¹(c) (0 = judge the raw rate; else 0.5 ≤ c < 1)',
      example: '0.9',
    },
  ),
  minSamples: option(numberIn(0, 1e9, true), {
    flag: 'min-samples',
    group: 'Verdict',
    flagType: 'number',
    default: 5,
    help: 'Compared records a route needs to be judged',
    example: '10',
  }),
  minCoverage: option(numberIn(0, 1), {
    flag: 'min-coverage',
    group: 'Verdict',
    flagType: 'number',
    default: 0.9,
    help: 'Least share of safe log lines that must be replayable, 0..1; below it the run is inconclusive (0 = off)',
    example: '0.8',
  }),
  latencyBudget: option(latencyBudgetOption, {
    flag: 'latency-budget',
    group: 'Verdict',
    flagType: 'string',
    help: 'Largest candidate/live latency ratios, e.g. p95=1.5,p50=1.3 (same run; p50, p95, p99)',
    example: 'p95=1.5,p50=1.3',
  }),
  allowInconclusive: option(booleanOption, {
    flag: 'allow-inconclusive',
    group: 'Verdict',
    flagType: 'boolean',
    default: false,
    help: 'Exit 0 (a hook: report Succeeded) when the verdict is inconclusive',
    example: 'true',
  }),
  retryUntil: option(durationOption(86_400_000), {
    flag: 'retry-until',
    group: 'Verdict',
    flagType: 'string',
    help: 'Re-run the same sample until it passes or this much time has gone, e.g. 10m (the new stack may still be seeding)',
    example: '10m',
  }),
  retryInterval: option(durationOption(86_400_000), {
    flag: 'retry-interval',
    group: 'Verdict',
    flagType: 'string',
    default: '30s',
    help: 'Pause between attempts, e.g. 30s',
    example: '1m',
  }),
  reportJson: option(stringOption, {
    flag: 'report-json',
    group: 'Reports',
    flagType: 'string',
    help: 'Write the JSON report (the public contract, mergeable) here',
    example: 'run.json',
    isPath: true,
  }),
  reportJunit: option(stringOption, {
    flag: 'report-junit',
    group: 'Reports',
    flagType: 'string',
    help: 'Write JUnit XML here: one test case per route',
    example: 'junit.xml',
    isPath: true,
  }),
  reportMd: option(stringOption, {
    flag: 'report-md',
    group: 'Reports',
    flagType: 'string',
    help: 'Write Markdown here (a PR comment; the path in $GITHUB_STEP_SUMMARY is appended to)',
    example: 'summary.md',
    isPath: true,
  }),
  reportHtml: option(stringOption, {
    flag: 'report-html',
    group: 'Reports',
    flagType: 'string',
    help: 'Write one self-contained HTML file here',
    example: 'run.html',
    isPath: true,
  }),
  reportBodies: option(choiceOption(['redacted', 'none', 'full']), {
    flag: 'report-bodies',
    group: 'Reports',
    flagType: 'string',
    choices: ['redacted', 'none', 'full'],
    default: 'redacted',
    help: 'Response values in every report: redacted (credentials, connection strings, e-mails masked), none (pointers and kinds only) or full',
    example: 'none',
  }),
};

/** An option path (a key of the option schema). */
export type OptionKey = keyof typeof optionDefinitions;

type Shape = { [K in OptionKey]: z.ZodOptional<(typeof optionDefinitions)[K]['type']> };

/**
 * The one option schema: every key optional, unknown keys refused. A config file, the `BG_REPLAY_*`
 * environment and the CLI's flags are each parsed with it; the validation hook's config extends it.
 *
 * @example
 * runOptionsSchema.parse({ rps: '20', latencyBudget: 'p95=1.5' }) // { rps: 20, latencyBudget: { p95: 1.5 } }
 */
export const runOptionsSchema = z
  .object(
    Object.fromEntries(
      Object.entries(optionDefinitions).map(([key, definition]) => [key, definition.type.optional()]),
    ) as Shape,
  )
  .strict();

/** Options after parsing: the values the engine takes. */
export type RunOptions = z.output<typeof runOptionsSchema>;
/** Options as written in a config file, a flag or an environment variable. */
export type RunOptionsInput = z.input<typeof runOptionsSchema>;

/**
 * Every option key, in the order of docs/flags.md.
 *
 * @example
 * const env = Object.fromEntries(OPTION_KEYS.map((key) => [envNameOf(key), key])); // { BG_REPLAY_LOGS: 'logs', … }
 */
export const OPTION_KEYS = Object.keys(optionDefinitions) as OptionKey[];

/**
 * The environment variable of an option: `BG_REPLAY_` and the key in snake case.
 *
 * @example
 * envNameOf('minSamples') // 'BG_REPLAY_MIN_SAMPLES'
 */
export function envNameOf(key: string): string {
  return `BG_REPLAY_${key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

/**
 * How a value is shown in an error message: base URLs without user:password nor secret query values.
 *
 * @example
 * showOptionValue('live', 'https://ann:pw@api.example.com/?token=T') // 'https://api.example.com/?token=[redacted]'
 */
export function showOptionValue(key: string, value: unknown): string {
  if (value === undefined || (typeof value === 'number' && Number.isNaN(value))) return '';
  const text =
    typeof value === 'string'
      ? value
      : Array.isArray(value)
        ? value.map(String).join(',')
        : JSON.stringify(value);
  if (!(optionDefinitions as Record<string, OptionMeta>)[key]?.isUrl) return text;
  return createPrivacy().redactPath(text.replace(/^((?:[a-z][a-z0-9+.-]*:)?\/\/)?[^/?#\s]*@/i, '$1'));
}
