import { setMaxListeners } from 'node:events';
import type { Dispatcher } from 'undici';
import type { Comparer } from '../diff/createComparer.js';
import type { Exchange, RequestRecord, TransportErrorCode } from '../model.js';
import type { Privacy } from '../safety/privacy.js';
import { CLIENT_HEADERS } from '../safety/sanitizeRequest.js';
import { sleep as realSleep } from '../sleep.js';
import type { RecordOutcome } from '../verdict/aggregate.js';
import { USER_AGENT } from '../version.js';
import { createAbortHub } from './createAbortHub.js';
import { createCircuitBreaker } from './createCircuitBreaker.js';
import { createRateLimiter, type RateLimiter } from './createRateLimiter.js';
import { interleaveByRoute } from './interleaveByRoute.js';
import { isLambdaTarget, type LambdaInvoker, sendLambdaRequest } from './lambdaTarget.js';
import { sendRequest } from './sendRequest.js';
import { createTargetUrl } from './targetUrl.js';

export { targetUrl } from './targetUrl.js';

/** Options of the replay stage. */
export interface ReplayOptions {
  /** Base URL of the live (production) service. */
  live: string;
  /** Base URL of the candidate (the test listener or next stage). */
  candidate: string;
  /** Records in flight at once (default 16). */
  concurrency?: number;
  /** Requests per second live receives at most, probes and retries included (default 50; 0 = no cap). */
  rps?: number;
  /** Per-request timeout in milliseconds (default 5000). */
  timeoutMs?: number;
  /** Bodies are cut at this many decoded bytes (default 5 MiB). */
  maxBodyBytes?: number;
  /** Share of live 5xx/errors among its recent answers that stops the replay (default 0.5; 1 = never stop). */
  liveErrorBreaker?: number;
  /**
   * Retries of a request that failed in transport (reset, refused, DNS) before it reached the service, for
   * GET, HEAD and OPTIONS only (default 1). Timeouts and answers, 5xx included, are never retried.
   */
  retries?: number;
}

/** What the replay did: the outcomes (none kept when `onOutcome` takes them), how many, and why it stopped early. */
export interface ReplayResult {
  outcomes: RecordOutcome[];
  /** Records replayed and compared (outcomes produced). */
  replayed: number;
  stoppedBecause?: string;
}

/** What the replay stage is given rather than creating: the HTTP dispatcher, a sleep, an abort signal, a progress callback. */
export interface ReplayDeps {
  dispatcher?: Dispatcher;
  /** Invokes `lambda://` targets (see `lambdaTarget.ts`); core has no Lambda SDK of its own. */
  lambdaInvoker?: LambdaInvoker;
  /** Waits between retries (tests inject an instant one). */
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** The run's live rate limiter, shared by every attempt (default: one for this replay, from `rps`). */
  limiter?: RateLimiter;
  /**
   * Takes each outcome as it finishes; the replay then keeps none, so memory does not grow with the run
   * (the caller tallies them as they come).
   */
  onOutcome?: (outcome: RecordOutcome) => void;
}

/** Headers never sent as logged: the client sets them itself or refuses them (see `sanitizeRequest`). */
const HOP_BY_HOP = new Set([...CLIENT_HEADERS, 'user-agent']);

/** Only safe methods are retried: a retried write could apply twice. */
const RETRIABLE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Faults where the request never reached the service; a timeout may have, and would double the wait. */
const RETRIABLE_ERRORS = new Set<TransportErrorCode>(['connection-reset', 'connection-refused', 'dns']);

/** Headers sent for a record: its own (already stripped of secrets) minus hop-by-hop ones, plus our User-Agent. */
export function requestHeaders(record: RequestRecord): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.headers))
    if (!HOP_BY_HOP.has(name)) headers[name] = value;
  headers['user-agent'] = USER_AGENT;
  return headers;
}

/** What is sent for a record, the same to both sides. */
interface PreparedRequest {
  method: string;
  /** Where each side is asked (a `lambda://` target is its own "URL"). */
  urls: Record<'live' | 'candidate', string | URL>;
  /** The canonical path, for `lambda://` targets (which carry it in the proxy event). */
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

/** Where a record is sent on one side: its URL, or the `lambda://` target itself. */
type TargetOf = (path: string) => string | URL;

function createTargetOf(base: string): TargetOf {
  if (isLambdaTarget(base)) return () => base;
  try {
    return createTargetUrl(base);
  } catch (error) {
    // Not a URL: every record is left unsent, as when each one failed to build its own.
    return () => {
      throw error;
    };
  }
}

function prepareRequest(
  record: RequestRecord,
  targets: Record<'live' | 'candidate', TargetOf>,
): PreparedRequest | undefined {
  let urls: PreparedRequest['urls'];
  try {
    urls = { live: targets.live(record.path), candidate: targets.candidate(record.path) };
  } catch {
    // The sources refuse such paths before sampling; a record given directly is not sent either.
    return undefined;
  }
  const body =
    record.body === undefined
      ? undefined
      : Buffer.from(record.body, record.bodyEncoding === 'base64' ? 'base64' : 'utf8');
  return { method: record.method, urls, path: record.path, headers: requestHeaders(record), body };
}

/** Drops the body of an answer once it has been compared: an outcome may be kept until the run ends. */
const NO_BODY = new Uint8Array(0);

function withoutBody(exchange: Exchange): Exchange {
  // The answer is ours and already compared: dropping its body in place spares a copy per record.
  if (exchange.ok) exchange.body = NO_BODY;
  return exchange;
}

/**
 * Replays every record against live and candidate at nearly the same moment, with bounded concurrency and
 * a rate cap, and compares the answers. Transport faults are outcomes, not exceptions; an abort stops new
 * requests and returns what finished.
 */
export async function replayRecords(
  records: ReadonlyArray<{ record: RequestRecord; route: string }>,
  options: ReplayOptions,
  comparer: Comparer,
  privacy: Privacy,
  deps: ReplayDeps = {},
): Promise<ReplayResult> {
  const breaker = createCircuitBreaker({ maxErrorRate: options.liveErrorBreaker ?? 0.5 });
  const concurrency = options.concurrency ?? 16;
  const limiter = deps.limiter ?? createRateLimiter(options.rps ?? 50);
  const outcomes: RecordOutcome[] = [];
  let done = 0;
  const sleep = deps.sleep ?? realSleep;
  // Every Lambda invoke in flight listens to the abort: one run-wide signal that may carry that many
  // listeners, so the caller's signal keeps a single one (and Node no longer warns of a leak).
  const run = new AbortController();
  setMaxListeners(0, run.signal);
  // HTTP requests listen to a lighter abort of their own (see createAbortHub).
  const hub = deps.signal ? createAbortHub() : undefined;
  const forward = () => {
    run.abort(deps.signal?.reason);
    hub?.abort(deps.signal?.reason);
  };
  if (deps.signal?.aborted) forward();
  else deps.signal?.addEventListener('abort', forward, { once: true });
  const signal = deps.signal ? run.signal : undefined;
  const timeoutMs = options.timeoutMs ?? 5000;
  const targets = { live: createTargetOf(options.live), candidate: createTargetOf(options.candidate) };
  const maxBodyBytes = options.maxBodyBytes ?? 5 * 1024 * 1024;
  // Every answer live gives, retries included, feeds the breaker: it counts what production went through.
  const send = async (side: 'live' | 'candidate', request: PreparedRequest): Promise<Exchange> => {
    const base = side === 'live' ? options.live : options.candidate;
    const url = request.urls[side];
    const attempt = async () => {
      const { method, headers, body } = request;
      const answer = isLambdaTarget(base)
        ? await sendLambdaRequest({
            ...{ method, headers, body, timeoutMs, maxBodyBytes, signal },
            ...{ target: base, path: request.path, invoker: deps.lambdaInvoker },
          })
        : await sendRequest({
            method,
            url,
            headers,
            body,
            timeoutMs,
            maxBodyBytes,
            dispatcher: deps.dispatcher,
            signal: hub?.signal,
          });
      if (side === 'live') breaker.observe(answer.ok && answer.status < 500);
      return answer;
    };
    let answer = await attempt();
    const retries = RETRIABLE_METHODS.has(request.method) ? (options.retries ?? 1) : 0;
    for (let n = 0; n < retries && !answer.ok && RETRIABLE_ERRORS.has(answer.code) && !breaker.open; n += 1) {
      if (deps.signal?.aborted) break;
      await sleep(50 * 2 ** n);
      if (side === 'live' && !limiter.unlimited) await limiter.take();
      answer = await attempt();
    }
    return answer;
  };
  /** The noise probe's second live request, with a grant of its own. */
  const sendAgain = async (request: PreparedRequest): Promise<Exchange | undefined> => {
    if (!limiter.unlimited) await limiter.take();
    if (deps.signal?.aborted || breaker.open) return undefined;
    return send('live', request);
  };
  const replayOne = async ({ record, route }: { record: RequestRecord; route: string }) => {
    if (deps.signal?.aborted || breaker.open) return;
    // --rps caps what live receives: a probed record costs live two requests, a retry one more.
    const request = prepareRequest(record, targets);
    if (!request) return;
    const probe = comparer.wantsProbe(record, route);
    // Every live request is sent the moment its own grant comes: a grant taken early and spent late
    // would let requests bunch up past the cap.
    if (!limiter.unlimited) await limiter.take();
    if (deps.signal?.aborted || breaker.open) return;
    const [[live, candidate], liveAgain] = await Promise.all([
      Promise.all([send('live', request), send('candidate', request)]),
      probe ? sendAgain(request) : undefined,
    ]);
    // An answer cut short by the abort says nothing about either side: the record is left out.
    if (deps.signal?.aborted) return;
    let compared: ReturnType<Comparer['compare']> = { differences: [] };
    if (live.ok && candidate.ok) {
      try {
        compared = comparer.compare({
          record,
          route,
          live,
          candidate,
          liveAgain: liveAgain?.ok ? liveAgain : undefined,
        });
      } catch (error) {
        // A bug in a comparison must not lose the run: the record counts as differing, with the cause.
        const message = `comparison failed: ${(error as Error)?.message ?? String(error)}`;
        compared = {
          differences: [
            { route, pointer: '', kind: 'changed', live: message, disposition: { counted: true } },
          ],
        };
      }
    }
    const outcome: RecordOutcome = {
      route,
      record: {
        ...record,
        path: privacy.redactPath(record.path),
        headers: privacy.redactHeaders(record.headers),
      },
      live: withoutBody(live),
      candidate: withoutBody(candidate),
      differences: compared.differences,
    };
    if (liveAgain) outcome.probe = { live: withoutBody(liveAgain), differences: compared.noise ?? [] };
    if (deps.onOutcome) deps.onOutcome(outcome);
    else outcomes.push(outcome);
    done += 1;
    deps.onProgress?.(done, records.length);
  };
  // A fixed pool of workers, each taking the next record: a task queued per record up front (p-limit) cost
  // three promises and a closure per record for the whole run, in a heap that grows with the log.
  const queue = interleaveByRoute(records);
  let next = 0;
  const work = async () => {
    while (next < queue.length) {
      const item = queue[next] as (typeof queue)[number];
      next += 1;
      await replayOne(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, work));
  deps.signal?.removeEventListener('abort', forward);
  const result: ReplayResult = { outcomes, replayed: done };
  if (breaker.reason) result.stoppedBecause = breaker.reason;
  return result;
}
