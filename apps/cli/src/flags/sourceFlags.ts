import { resolve } from 'node:path';
import {
  BgReplayError,
  type CloudWatchStrategy,
  DEFAULT_SAMPLE,
  logInputOf,
  parseFieldMap,
  parseShard,
  resolveInjectedHeaders,
  SAFE_METHODS,
  type SourceOptions,
} from '@bg-replay/core';
import type { Argv } from 'yargs';
import type { CliIo } from '../io.js';

const STRATEGIES = ['auto', 'filter', 'insights'] as const;

/**
 * Flags that choose and read the logs, keep requests safe and sample them. `inject: false` leaves out
 * `--header` (for commands that send nothing, such as `sample`).
 */
export function withSourceFlags<T>(yargs: Argv<T>, options: { inject?: boolean } = {}) {
  const withInput = yargs
    .option('logs', {
      type: 'string',
      array: true,
      demandOption:
        'name the log to read: --logs access.log (a glob, - for stdin, or cloudwatch://<log-group>)',
      describe: "Log file(s), a quoted glob ('logs/*.log.gz'), - for stdin, or cloudwatch://<log-group>",
      group: 'Input:',
    })
    .option('format', {
      type: 'string',
      default: 'auto',
      describe: 'Log format: auto, apigw, alb, clf (common/combined), har, gor (GoReplay), appjson, jsonl',
      group: 'Input:',
    })
    .option('map', {
      type: 'string',
      describe:
        'Field map of application JSON logs: method=req.method,path=req.url,headers=req.headers,body=req.body',
      group: 'Input:',
    })
    .option('har-host', {
      type: 'string',
      describe:
        "HAR: the site's own host; entries for other hosts are skipped (default: the first entry's host)",
      group: 'Input:',
    })
    .option('since', {
      type: 'string',
      describe: 'CloudWatch: read the last 30m, 2h, 1d',
      group: 'CloudWatch:',
    })
    .option('start', {
      type: 'string',
      describe: 'CloudWatch: window start (ISO time, epoch ms, or 2h ago)',
      group: 'CloudWatch:',
    })
    .option('end', { type: 'string', describe: 'CloudWatch: window end (default now)', group: 'CloudWatch:' })
    .option('filter-pattern', {
      type: 'string',
      describe: 'CloudWatch: filter pattern of the events',
      group: 'CloudWatch:',
    })
    .option('stream-prefix', {
      type: 'string',
      describe: 'CloudWatch: only log streams starting with this',
      group: 'CloudWatch:',
    })
    .option('cloudwatch-strategy', {
      type: 'string',
      choices: STRATEGIES,
      default: 'auto',
      describe:
        'CloudWatch: FilterLogEvents (filter), Logs Insights (insights), or auto (Insights for windows over 1h)',
      group: 'CloudWatch:',
    })
    .option('region', {
      type: 'string',
      describe: 'CloudWatch: AWS region (default: the SDK chain)',
      group: 'CloudWatch:',
    })
    .option('endpoint', {
      type: 'string',
      describe: 'CloudWatch: endpoint URL (tests, VPC endpoints)',
      group: 'CloudWatch:',
    })
    .option('routes', {
      type: 'string',
      describe: 'File of route templates, one a line: GET /products/:sku, /orders/{id}/invoice',
      group: 'Sampling:',
    })
    .option('openapi', {
      type: 'string',
      describe: "OpenAPI 3.x document (YAML or JSON) whose paths are the service's routes",
      group: 'Sampling:',
    })
    .option('sample', {
      type: 'number',
      default: DEFAULT_SAMPLE,
      describe: 'Records to pick',
      group: 'Sampling:',
    })
    .option('seed', {
      type: 'number',
      default: 1,
      describe: 'Seed of the reproducible sample',
      group: 'Sampling:',
    })
    .option('min-per-route', {
      type: 'number',
      describe:
        'Records guaranteed per stratum: a route and its query shape (default: --min-samples, else 5)',
      group: 'Sampling:',
    })
    .option('max-per-route', { type: 'number', describe: 'Records per route at most', group: 'Sampling:' })
    .option('dedupe', {
      type: 'boolean',
      default: false,
      describe: 'Never pick two identical requests (method, path, body)',
      group: 'Sampling:',
    })
    .option('include', {
      type: 'string',
      array: true,
      describe: "Keep only these routes or path globs ('GET /orders/:id', '/orders/**')",
      group: 'Sampling:',
    })
    .option('exclude', {
      type: 'string',
      array: true,
      describe: "Drop these routes or path globs ('/health')",
      group: 'Sampling:',
    })
    .option('live-status', {
      type: 'string',
      describe: 'Keep only records live answered with this status class (2xx, 2xx,404)',
      group: 'Sampling:',
    })
    .option('shard', {
      type: 'string',
      describe: 'Keep only shard i of N (1-based, e.g. 2/4), by a stable hash of each request',
      group: 'Sampling:',
    })
    .option('allow-methods', {
      type: 'string',
      default: SAFE_METHODS.join(','),
      describe: 'Methods that may be replayed (writes change live data: opt in with care)',
      group: 'Safety:',
    })
    .option('secret-header', {
      type: 'string',
      array: true,
      describe: 'Another header to strip and redact',
      group: 'Safety:',
    })
    .option('secret-param', {
      type: 'string',
      array: true,
      describe: 'Another query parameter to strip and redact',
      group: 'Safety:',
    })
    .option('allow-secret', {
      type: 'string',
      array: true,
      describe: 'Let this secret header or parameter through to the replay (still redacted in reports)',
      group: 'Safety:',
    })
    .option('keep-header', {
      type: 'string',
      array: true,
      describe:
        'Forward this method-override or routing header as logged (X-Forwarded-*, Forwarded, X-Original-URL… are stripped by default)',
      group: 'Safety:',
    });
  if (options.inject === false) return withInput;
  return withInput.option('header', {
    type: 'string',
    array: true,
    describe:
      "Header to send with every replayed request, value from the environment: 'Authorization: env:TOKEN'",
    group: 'Safety:',
  });
}

type SourceArgs = {
  logs: string[];
  format: string;
  map?: string | undefined;
  'har-host'?: string | undefined;
  routes?: string | undefined;
  openapi?: string | undefined;
  since?: string | undefined;
  start?: string | undefined;
  end?: string | undefined;
  'filter-pattern'?: string | undefined;
  'stream-prefix'?: string | undefined;
  'cloudwatch-strategy'?: string | undefined;
  region?: string | undefined;
  endpoint?: string | undefined;
  sample: number;
  seed: number;
  'min-per-route'?: number | undefined;
  'max-per-route'?: number | undefined;
  dedupe?: boolean | undefined;
  include?: string[] | undefined;
  exclude?: string[] | undefined;
  'live-status'?: string | undefined;
  shard?: string | undefined;
  'allow-methods': string;
  'secret-header'?: string[] | undefined;
  'secret-param'?: string[] | undefined;
  'allow-secret'?: string[] | undefined;
  'keep-header'?: string[] | undefined;
  header?: string[] | undefined;
};

function parseList(value: string): string[] {
  return value
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
}

/** Repeated flags and comma lists both work: `--exclude /a --exclude /b` or `--secret-header x-a,x-b`. */
function flatList(values: readonly string[] | undefined, split = true): string[] | undefined {
  if (!values || values.length === 0) return undefined;
  return split ? values.flatMap(parseList) : [...values];
}

function positiveInteger(value: number | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1)
    throw new BgReplayError('E_USAGE', `--${flag} ${value}: expected a whole number of at least 1`);
  return value;
}

/** Maps the source flags to `SourceOptions`. Injected header values are read from `io.env` and never printed. */
export function sourceOptionsFrom(args: SourceArgs, io: CliIo): SourceOptions {
  const usesCloudWatch = args.logs.some((spec) => spec.startsWith('cloudwatch://'));
  if (
    !usesCloudWatch &&
    (args.since || args.start || args.end || args['filter-pattern'] || args['stream-prefix'])
  ) {
    throw new BgReplayError(
      'E_USAGE',
      '--since, --start, --end, --filter-pattern and --stream-prefix apply to --logs cloudwatch://<log-group> only',
    );
  }
  const options: SourceOptions = {
    logs: args.logs.map((spec) => logInputOf(spec, { cwd: io.cwd, stdin: io.stdin ?? process.stdin })),
    format: args.format,
    sample: args.sample,
    seed: args.seed,
    allowMethods: parseList(args['allow-methods']).map((m) => m.toUpperCase()),
  };
  if (args.map) options.fieldMap = parseFieldMap(args.map);
  if (args['har-host']) options.harHost = args['har-host'];
  if (args.routes) options.routesFile = resolve(io.cwd, args.routes);
  if (args.openapi) options.openapiFile = resolve(io.cwd, args.openapi);
  const minPerRoute = positiveInteger(args['min-per-route'], 'min-per-route');
  if (minPerRoute !== undefined) options.minPerRoute = minPerRoute;
  const maxPerRoute = positiveInteger(args['max-per-route'], 'max-per-route');
  if (maxPerRoute !== undefined) options.maxPerRoute = maxPerRoute;
  if (args.dedupe) options.dedupe = true;
  const include = flatList(args.include, false);
  if (include) options.include = include;
  const exclude = flatList(args.exclude, false);
  if (exclude) options.exclude = exclude;
  if (args['live-status']) options.liveStatus = args['live-status'];
  if (args.shard) options.shard = parseShard(args.shard);
  const secretHeaders = flatList(args['secret-header']);
  if (secretHeaders) options.secretHeaders = secretHeaders;
  const secretParams = flatList(args['secret-param']);
  if (secretParams) options.secretParams = secretParams;
  const allowSecrets = flatList(args['allow-secret']);
  if (allowSecrets) options.allowSecrets = allowSecrets;
  const keepHeaders = flatList(args['keep-header']);
  if (keepHeaders) options.keepHeaders = keepHeaders;
  if (args.header && args.header.length > 0) options.headers = resolveInjectedHeaders(args.header, io.env);
  if (usesCloudWatch) {
    options.cloudwatch = {
      since: args.since,
      start: args.start,
      end: args.end,
      filterPattern: args['filter-pattern'],
      streamPrefix: args['stream-prefix'],
      strategy: (args['cloudwatch-strategy'] ?? 'auto') as CloudWatchStrategy,
      region: args.region,
      endpoint: args.endpoint,
    };
  }
  return options;
}
