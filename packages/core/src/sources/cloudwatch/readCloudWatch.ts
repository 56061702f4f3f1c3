import type { CloudWatchLogsClient, ResultField } from '@aws-sdk/client-cloudwatch-logs';
import { awsClientConfig } from '../../awsClientPolicy.js';
import { awsErrorCode, awsErrorName, classifyAwsError, describeAwsError } from '../../awsErrors.js';
import { BgReplayError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import { sleep as realSleep } from '../../sleep.js';
import { loadCloudWatchSdk } from './loadCloudWatchSdk.js';

/** The part of `CloudWatchLogsClient` the source uses; tests inject a real client pointed at a stub endpoint. */
export type CloudWatchLogsLike = Pick<CloudWatchLogsClient, 'send'>;

/** How CloudWatch Logs are read: `FilterLogEvents` pages, Logs Insights queries, or `auto` (chosen by the window). */
export type CloudWatchStrategy = 'filter' | 'insights' | 'auto';

/** A resolved CloudWatch read: an absolute window and how to read it. */
export interface CloudWatchOptions {
  /** Window start and end, in milliseconds since the epoch. */
  startTime: number;
  endTime: number;
  /** CloudWatch filter pattern (FilterLogEvents syntax); with Insights it is matched as a literal substring. */
  filterPattern?: string;
  /** Only streams whose name starts with this. */
  streamPrefix?: string;
  /** `filter` (FilterLogEvents), `insights` (Logs Insights), or `auto` (default): Insights for windows over an hour without a filter pattern. */
  strategy?: CloudWatchStrategy;
  /** Injected client; else one is built from the SDK's default chain with `region` and `endpoint`. */
  client?: CloudWatchLogsLike;
  region?: string;
  endpoint?: string;
  /** Requests per second at most (default 5: the FilterLogEvents quota per account and region). */
  maxRequestsPerSecond?: number;
  /** Retries of a throttled request, with exponential back-off (default 8). */
  maxThrottleRetries?: number;
  /** Interval between GetQueryResults polls, ms (default 1000). */
  pollIntervalMs?: number;
  /** How long one Logs Insights query may stay Scheduled/Running before it is stopped (default 15 min). */
  queryTimeoutMs?: number;
  /** Rows Logs Insights returns at most per query (default 10,000); a full window is split in halves. */
  insightsRowLimit?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Aborting stops reading between pages and polls (a running query is stopped); what was read is kept. */
  signal?: AbortSignal;
  /** Clock in ms, for pacing and the budget. */
  now?: () => number;
  logger?: Logger;
  /**
   * Time the read may take in all, ms. When it is spent the read stops between pages or polls (a running
   * query is stopped) and the records read so far are sampled; `onBudgetReached` says so.
   */
  budgetMs?: number;
  /** Called once when the budget stops the read, with what was read. */
  onBudgetReached?: (info: BudgetStop) => void;
}

/** What a read stopped by its time budget had done. */
export interface BudgetStop {
  logGroup: string;
  budgetMs: number;
  /** Pages (FilterLogEvents) or query windows (Insights) read. */
  pages: number;
  messages: number;
  /** The part of the window that was read, epoch ms: `[startTime, readUntil)` (FilterLogEvents reads oldest first). */
  readUntil?: number;
  message: string;
}

const HOUR = 3_600_000;

/** Which strategy `auto` picks for a window: Insights scans long windows fast; FilterLogEvents keeps filter-pattern syntax. */
export function chooseStrategy(
  options: Pick<CloudWatchOptions, 'strategy' | 'filterPattern' | 'startTime' | 'endTime'>,
): 'filter' | 'insights' {
  if (options.strategy === 'filter' || options.strategy === 'insights') return options.strategy;
  return !options.filterPattern && options.endTime - options.startTime > HOUR ? 'insights' : 'filter';
}

type Call = <T>(operation: string, send: () => Promise<T>) => Promise<T>;

/** Retries of a 5xx or network error (throttling has its own, larger budget). */
const TRANSIENT_RETRIES = 3;

/** Paces requests to `rps` and retries throttled (and transient) ones with exponential back-off. */
function createCaller(
  logGroup: string,
  options: CloudWatchOptions,
  sleep: (ms: number) => Promise<void>,
  now: () => number,
): Call {
  const gap = 1000 / Math.max(0.1, options.maxRequestsPerSecond ?? 5);
  const maxRetries = options.maxThrottleRetries ?? 8;
  const logger = options.logger ?? silentLogger;
  let nextAt = Number.NEGATIVE_INFINITY;
  const pace = async () => {
    const wait = nextAt - now();
    if (wait > 0) await sleep(wait);
    nextAt = Math.max(now(), nextAt) + gap;
  };
  return async (operation, send) => {
    for (let attempt = 0; ; attempt += 1) {
      await pace();
      try {
        return await send();
      } catch (error) {
        const kind = classifyAwsError(error);
        const budget =
          kind === 'throttled'
            ? maxRetries
            : kind === 'transient'
              ? Math.min(maxRetries, TRANSIENT_RETRIES)
              : 0;
        if (attempt < budget) {
          const delay = Math.min(500 * 2 ** attempt, 30_000);
          logger.warn(kind === 'throttled' ? 'cloudwatch throttled' : 'cloudwatch call failed; retrying', {
            operation,
            logGroup,
            error: awsErrorName(error),
            retryInMs: delay,
          });
          await sleep(delay);
          continue;
        }
        throw sourceError(operation, logGroup, options, error, attempt);
      }
    }
  };
}

/**
 * One line naming the URL, the operation, the AWS error and what to do, e.g.
 * `cloudwatch://api (eu-west-1): FilterLogEvents failed with AccessDeniedException on logs:FilterLogEvents
 * for log group api: grant the IAM role or user running bg-replay logs:FilterLogEvents on log group api`.
 */
function sourceError(
  operation: string,
  logGroup: string,
  options: CloudWatchOptions,
  error: unknown,
  retries: number,
): BgReplayError {
  const where = `cloudwatch://${logGroup}${options.region ? ` (${options.region})` : ''}`;
  const description = describeAwsError(error, {
    action: `logs:${operation}`,
    resource: `log group ${logGroup}`,
    attempts: retries + 1,
    remedies: {
      'not-found': `the log group does not exist (deleted, or in another account or region): check the log group name and --region`,
      throttled: `still throttled after ${retries} retries; narrow the time window, or try later${operation === 'FilterLogEvents' ? ' (FilterLogEvents allows 5 requests per second per account and region)' : ''}`,
      transient: `still failing after ${retries} retries; try later`,
    },
  });
  const code = awsErrorCode(error);
  return new BgReplayError(
    code === 'E_INPUT' ? 'E_SOURCE' : code,
    `${where}: ${operation} failed with ${description}`,
    {
      cause: error,
    },
  );
}

/**
 * Reads the messages of a log group page by page (FilterLogEvents or Logs Insights); memory holds one page.
 *
 * @example
 * for await (const page of readCloudWatch('/aws/apigateway/orders', { startTime, endTime, strategy: 'filter' })) {
 *   for (const message of page) console.log(message);
 * }
 */
export async function* readCloudWatch(
  logGroup: string,
  options: CloudWatchOptions,
): AsyncGenerator<string[]> {
  if (!(options.endTime > options.startTime)) {
    throw new BgReplayError(
      'E_USAGE',
      `cloudwatch://${logGroup}: the window ends before it starts; check --since or --start/--end`,
    );
  }
  const sdk = await loadCloudWatchSdk();
  if (options.client) {
    yield* readWith(options.client, sdk, logGroup, options);
    return;
  }
  // A client of our own is ours to close: its sockets would otherwise outlive the read.
  // The read paces itself to the 5 requests/s quota and retries throttling with its own, longer budget
  // (see createCaller): the client makes one attempt per call, with the shared timeouts.
  const own = new sdk.CloudWatchLogsClient(
    awsClientConfig({
      ...(options.region ? { region: options.region } : {}),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      maxAttempts: 1,
    }),
  );
  try {
    yield* readWith(own, sdk, logGroup, options);
  } finally {
    own.destroy();
  }
}

async function* readWith(
  client: CloudWatchLogsLike,
  sdk: typeof import('@aws-sdk/client-cloudwatch-logs'),
  logGroup: string,
  options: CloudWatchOptions,
): AsyncGenerator<string[]> {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const call = createCaller(logGroup, options, sleep, now);
  const began = now();
  let pages = 0;
  let read = 0;
  let lastTimestamp: number | undefined;
  let stopped = false;
  /** True once the budget is spent; reports it the first time. */
  const overBudget = (): boolean => {
    if (stopped) return true;
    if (options.budgetMs === undefined || now() - began < options.budgetMs) return false;
    stopped = true;
    const message = `cloudwatch://${logGroup}: the read stopped at its time budget of ${Math.round(options.budgetMs / 1000)} s after ${pages} page(s) and ${read} event(s)${lastTimestamp !== undefined ? `, up to ${new Date(lastTimestamp).toISOString()}` : ''}; the sample is drawn from what was read`;
    (options.logger ?? silentLogger).warn(message, { logGroup, pages, messages: read });
    options.onBudgetReached?.({
      logGroup,
      budgetMs: options.budgetMs,
      pages,
      messages: read,
      ...(lastTimestamp !== undefined ? { readUntil: lastTimestamp } : {}),
      message,
    });
    return true;
  };
  if (chooseStrategy(options) === 'filter') {
    let nextToken: string | undefined;
    do {
      if (overBudget()) return;
      const page = await call('FilterLogEvents', () =>
        client.send(
          new sdk.FilterLogEventsCommand({
            logGroupName: logGroup,
            startTime: options.startTime,
            endTime: options.endTime,
            filterPattern: options.filterPattern,
            logStreamNamePrefix: options.streamPrefix,
            nextToken,
          }),
        ),
      );
      const messages: string[] = [];
      for (const event of page.events ?? []) {
        if (typeof event.message === 'string') messages.push(event.message);
        if (typeof event.timestamp === 'number') lastTimestamp = event.timestamp;
      }
      pages += 1;
      read += messages.length;
      if (messages.length > 0) yield messages;
      // An empty page with a token is not the end: CloudWatch pages by scanned volume, not by matches.
      nextToken = page.nextToken;
    } while (nextToken && !options.signal?.aborted);
    return;
  }
  const limit = options.insightsRowLimit ?? 10_000;
  const pollMs = options.pollIntervalMs ?? 1000;
  const logger = options.logger ?? silentLogger;
  const queryString = insightsQuery(options, limit);

  async function runQuery(start: number, end: number): Promise<{ status: string; rows: ResultField[][] }> {
    const started = await call('StartQuery', () =>
      client.send(
        new sdk.StartQueryCommand({
          logGroupName: logGroup,
          startTime: start,
          endTime: end,
          queryString,
          limit,
        }),
      ),
    );
    const queryId = started.queryId;
    if (!queryId)
      throw new BgReplayError('E_SOURCE', `cloudwatch://${logGroup}: StartQuery returned no queryId`);
    // CloudWatch itself stops a query only after an hour; a hook cannot wait that long for one window.
    const maxPolls = Math.max(1, Math.ceil((options.queryTimeoutMs ?? 15 * 60_000) / pollMs));
    for (let poll = 0; poll < maxPolls; poll += 1) {
      if (options.signal?.aborted || overBudget()) {
        await client.send(new sdk.StopQueryCommand({ queryId })).catch(() => undefined);
        return { status: 'Aborted', rows: [] };
      }
      const result = await call('GetQueryResults', () =>
        client.send(new sdk.GetQueryResultsCommand({ queryId })),
      );
      const status = result.status ?? 'Unknown';
      if (status === 'Complete' || status === 'Failed' || status === 'Cancelled' || status === 'Timeout') {
        return { status, rows: result.results ?? [] };
      }
      await sleep(pollMs);
    }
    await client.send(new sdk.StopQueryCommand({ queryId })).catch(() => undefined);
    throw new BgReplayError(
      'E_SOURCE',
      `cloudwatch://${logGroup}: a Logs Insights query was still running after ${Math.round((maxPolls * pollMs) / 1000)} s and was stopped; narrow the window (--since) or use --cloudwatch-strategy filter`,
    );
  }

  // Insights has no pagination: a window that hits the row cap (or times out) is split in halves, recursively.
  async function* window(start: number, end: number): AsyncGenerator<string[]> {
    if (options.signal?.aborted || overBudget()) return;
    const { status, rows } = await runQuery(start, end);
    if (status === 'Aborted') return;
    const full = rows.length >= limit || status === 'Timeout';
    if (full && end > start) {
      const mid = Math.floor((start + end) / 2);
      yield* window(start, mid);
      yield* window(mid + 1, end);
      return;
    }
    if (status === 'Failed' || status === 'Cancelled' || status === 'Timeout') {
      throw new BgReplayError(
        'E_SOURCE',
        `cloudwatch://${logGroup}: Logs Insights query ended ${status} for ${new Date(start * 1000).toISOString()}..${new Date(end * 1000).toISOString()}`,
      );
    }
    if (rows.length >= limit)
      logger.warn('insights window still full at one second; some events were not read', { logGroup, start });
    const messages: string[] = [];
    for (const row of rows) {
      const message = row.find((f) => f.field === '@message')?.value;
      if (typeof message === 'string') messages.push(message);
    }
    pages += 1;
    read += messages.length;
    lastTimestamp = (end + 1) * 1000;
    if (messages.length > 0) yield messages;
  }

  yield* window(Math.floor(options.startTime / 1000), Math.floor((options.endTime - 1) / 1000));
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The Logs Insights query of a read: messages in time order, optionally narrowed by stream prefix and a literal. */
export function insightsQuery(
  options: Pick<CloudWatchOptions, 'streamPrefix' | 'filterPattern'>,
  limit = 10_000,
): string {
  const parts = ['fields @timestamp, @message, @logStream'];
  if (options.streamPrefix) parts.push(`filter @logStream like /^${escapeRegex(options.streamPrefix)}/`);
  if (options.filterPattern) parts.push(`filter @message like ${JSON.stringify(options.filterPattern)}`);
  parts.push('sort @timestamp asc', `limit ${limit}`);
  return parts.join(' | ');
}
