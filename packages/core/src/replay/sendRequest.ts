import { performance } from 'node:perf_hooks';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import { type Dispatcher, getGlobalDispatcher, errors as undiciErrors, util as undiciUtil } from 'undici';
import type { Exchange, ExchangeError, TransportErrorCode } from '../model.js';
import type { AbortHub } from './createAbortHub.js';

export interface SendOptions {
  method: string;
  /** Where to send it; a `URL` already parsed is used as it is (undici would parse a string again). */
  url: string | URL;
  headers: Record<string, string>;
  body?: Uint8Array | string;
  timeoutMs: number;
  maxBodyBytes: number;
  dispatcher?: Dispatcher;
  /** Aborts the request: an `AbortSignal`, or the lighter run-wide one of `createAbortHub`. */
  signal?: AbortSignal | AbortHub['signal'];
}

const { parseHeaders } = undiciUtil;

function classify(error: unknown): { code: TransportErrorCode; message: string } {
  const err = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = err?.code ?? err?.cause?.code;
  const message = err?.message ?? String(error);
  if (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    err?.name === 'TimeoutError'
  )
    return { code: 'timeout', message };
  if (code === 'ECONNREFUSED') return { code: 'connection-refused', message };
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED')
    return { code: 'connection-reset', message };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { code: 'dns', message };
  return { code: 'other', message };
}

/** The content codings an answer is inflated from; any other is compared as the bytes sent. */
type Coding = 'gzip' | 'deflate' | 'br';

function codingOf(encoding: string | undefined): Coding | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return 'gzip';
    case 'deflate':
      return 'deflate';
    case 'br':
      return 'br';
    default:
      return undefined;
  }
}

/**
 * True when a `deflate` body starts with a zlib header (RFC 1950: compression method 8, a window of at most
 * 32 KiB, and a check that makes the first two bytes a multiple of 31). Some servers send raw deflate
 * (RFC 1951) under that name instead; browsers and curl accept both, and so does the replay.
 */
function hasZlibHeader(first: Buffer): boolean {
  const cmf = first[0] as number;
  if ((cmf & 0x0f) !== 8 || cmf >> 4 > 7) return false;
  return first.length < 2 || ((cmf << 8) | (first[1] as number)) % 31 === 0;
}

/** An inflater for the coding, chosen from the first bytes for `deflate`. */
function decoderFor(coding: Coding, first: Buffer): Transform {
  if (coding === 'gzip') return createGunzip();
  if (coding === 'br') return createBrotliDecompress();
  return hasZlibHeader(first) ? createInflate() : createInflateRaw();
}

/** Stops listening to an abort. */
type Unlisten = () => void;

function listen(signal: NonNullable<SendOptions['signal']>, onAbort: () => void): Unlisten {
  if ('addEventListener' in signal) {
    signal.addEventListener('abort', onAbort, { once: true });
    return () => signal.removeEventListener('abort', onAbort);
  }
  signal.once('abort', onAbort);
  return () => signal.removeListener('abort', onAbort);
}

/** Why an aborted request ended: the signal's reason, as undici's own `request` reports it. */
function abortReason(signal: NonNullable<SendOptions['signal']>): Error {
  const reason = signal.reason;
  return reason instanceof Error ? reason : new undiciErrors.RequestAbortedError();
}

/** What the reader needs of the request in flight, whichever of undici's handler protocols it came through. */
interface InFlight {
  abort(reason: Error): void;
  resume(): void;
}

/**
 * Reads one answer as undici's dispatcher delivers it: status and headers, then each chunk of the body,
 * kept until the cap (a compressed body is inflated as it comes, so a gzip bomb is cut at the cap instead
 * of being inflated whole). It settles once, with the answer or a classified fault, and then releases the
 * connection when it stopped reading early (the cap, the deadline, an abort, a corrupt body).
 *
 * undici's `request` would wrap each body in a `Readable` stream and the call in promises of its own: twice
 * per record, that was a quarter of a replay's CPU (a bare loop with `request` and `body.text()` is itself
 * 1.4× slower than one on the dispatcher).
 *
 * It speaks both of undici's handler protocols: undici 7 calls `onRequestStart`/`onResponse*`; a dispatcher
 * of another undici (Node's own, which takes the global dispatcher when `fetch` runs first, or one a library
 * user passes) calls `onConnect`/`onHeaders`/`onData`/`onComplete`/`onError`.
 */
class AnswerReader implements Dispatcher.DispatchHandler {
  private request: InFlight | undefined;
  private status = 0;
  private headers: Record<string, string> = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private truncated = false;
  /** How the body is encoded, when it is one the replay inflates. */
  private coding: Coding | undefined;
  private decoder: Transform | undefined;
  /** True while the inflater is full: the socket waits for its drain. */
  private paused = false;
  /** True once the answer (or the fault) is given: nothing after counts. */
  settled = false;
  /** True once undici has delivered the whole answer: there is nothing left to abort. */
  private ended = false;
  private unlisten: Unlisten | undefined;

  constructor(
    private readonly started: number,
    /** undici's bodyTimeout bounds each gap between chunks; this bounds a slow drip as a whole. */
    private readonly deadline: number,
    private readonly max: number,
    signal: SendOptions['signal'],
    private readonly done: (answer: Exchange) => void,
  ) {
    if (!signal) return;
    if (signal.aborted) this.abort(abortReason(signal));
    else this.unlisten = listen(signal, () => this.abort(abortReason(signal)));
  }

  // undici 7's protocol.
  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.start(controller);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.respond(statusCode, headers);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.take(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    this.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.error(error);
  }

  // The protocol of other undici versions.
  onConnect(abort: (reason?: Error) => void): void {
    // The resume function comes with the headers (onHeaders).
    this.start({ abort, resume: () => {} });
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (this.request) this.request.resume = resume;
    this.respond(statusCode, parseHeaders(rawHeaders) as Record<string, string | string[] | undefined>);
    return true;
  }

  onData(chunk: Buffer): boolean {
    return this.take(chunk);
  }

  onComplete(): void {
    this.end();
  }

  onError(error: Error): void {
    this.error(error);
  }

  private start(request: InFlight): void {
    this.request = request;
    // Settled before its turn on a connection (an abort): it is not sent at all.
    if (this.settled) request.abort(new undiciErrors.RequestAbortedError());
  }

  private respond(statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (this.settled) return;
    // An informational answer (1xx) comes before the real one; undici restarts its headers timer on each,
    // so an endless run of them is ended by the deadline of the whole answer.
    if (statusCode < 200) {
      if (performance.now() > this.deadline)
        this.fail('timeout', 'informational answers (1xx) kept coming past the deadline (2 × --timeout)');
      return;
    }
    this.status = statusCode;
    this.headers = flattenHeaders(headers);
    this.coding = codingOf(this.headers['content-encoding']);
  }

  /** The inflater of a compressed body, made when its first bytes come (an answer may have none). */
  private startDecoder(coding: Coding, first: Buffer): Transform {
    const decoder = decoderFor(coding, first);
    this.decoder = decoder;
    decoder.on('data', (chunk: Buffer) => {
      if (!this.keep(chunk)) this.succeed();
    });
    decoder.on('end', () => this.succeed());
    decoder.on('error', (error) => this.fail('decode', error.message));
    decoder.on('drain', () => {
      if (!this.paused) return;
      this.paused = false;
      this.request?.resume();
    });
    return decoder;
  }

  /** Takes a chunk of the body as sent; false asks undici to pause the socket. */
  private take(chunk: Buffer): boolean {
    if (this.settled) return true;
    if (performance.now() > this.deadline) {
      this.fail('timeout', 'the answer kept dripping past the deadline (2 × --timeout)');
      return true;
    }
    if (!this.coding) {
      if (!this.keep(chunk)) this.succeed();
      return true;
    }
    const decoder = this.decoder ?? this.startDecoder(this.coding, chunk);
    if (decoder.write(chunk) || this.settled) return true;
    this.paused = true;
    return false;
  }

  private end(): void {
    this.ended = true;
    // No byte to inflate (a HEAD, a 204 or 304, an empty body) is an empty body, whatever the encoding says.
    if (this.decoder) this.decoder.end();
    else this.succeed();
  }

  /** undici gave up on the request (a fault of the connection, a timeout, its own refusal). */
  private error(error: Error): void {
    this.ended = true;
    this.abort(error);
  }

  /** Keeps a chunk of decoded body; false once the cap is reached. */
  private keep(chunk: Buffer): boolean {
    if (this.size + chunk.length > this.max) {
      this.chunks.push(chunk.subarray(0, this.max - this.size));
      this.size = this.max;
      this.truncated = true;
      return false;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    return true;
  }

  private succeed(): void {
    if (this.settled) return;
    const { chunks, size } = this;
    this.finish({
      ok: true,
      status: this.status,
      headers: this.headers,
      // One chunk (most answers of a few KB) is the body itself: concatenating would copy it for nothing.
      body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size),
      truncated: this.truncated,
      latencyMs: performance.now() - this.started,
    });
  }

  private fail(code: TransportErrorCode, message: string): void {
    if (this.settled) return;
    this.finish(failure(code, message, this.started));
  }

  /** Settles with the fault `reason` stands for (see `classify`). */
  private abort(reason: unknown): void {
    if (!this.settled) this.finish(faultOf(reason, this.started));
  }

  /** Settles once; a read that stopped early releases the connection and the decoder. */
  private finish(answer: Exchange): void {
    this.settled = true;
    this.unlisten?.();
    if (this.decoder && !this.decoder.destroyed) this.decoder.destroy();
    this.done(answer);
    // Read whole: nothing to release (and an error's stack trace costs more than a whole small answer).
    if (!this.ended) this.request?.abort(new undiciErrors.RequestAbortedError());
  }
}

/**
 * Sends one request and returns its answer as data: a response (status, headers, decoded and capped body,
 * latency) or a classified transport error. It never throws for network faults.
 *
 * @example
 * const answer = await sendRequest({ method: 'GET', url: 'http://127.0.0.1:8080/health', headers: {}, timeoutMs: 5000, maxBodyBytes: 1 << 20 });
 * if (answer.ok) console.log(answer.status, answer.latencyMs);
 */
export function sendRequest(options: SendOptions): Promise<Exchange> {
  const started = performance.now();
  return new Promise((resolve) => {
    const refuse = (error: unknown) => resolve(faultOf(error, started));
    // CONNECT opens a tunnel: there is no answer to compare, and the socket would be nobody's.
    if (options.method.toUpperCase() === 'CONNECT') {
      refuse(new Error('CONNECT is not replayed: it opens a tunnel instead of asking for an answer'));
      return;
    }
    let url: URL;
    try {
      url = typeof options.url === 'string' ? new URL(options.url) : options.url;
    } catch (error) {
      refuse(error);
      return;
    }
    const reader = new AnswerReader(
      started,
      started + options.timeoutMs * 2,
      options.maxBodyBytes,
      options.signal,
      resolve,
    );
    // Aborted already: nothing is sent.
    if (reader.settled) return;
    // undici's dispatchers report their own refusals (a bad header, an unknown protocol) to the reader;
    // one of another make may throw them instead.
    try {
      (options.dispatcher ?? getGlobalDispatcher()).dispatch(
        {
          origin: url.origin,
          path: url.search === '' ? url.pathname : `${url.pathname}${url.search}`,
          method: options.method as Dispatcher.HttpMethod,
          headers: options.headers,
          body: options.body,
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
        },
        reader,
      );
    } catch (error) {
      reader.onError(error as Error);
    }
  });
}

/**
 * undici gives lower-case names, with arrays for repeated headers: those are joined with `, `. The common
 * case, no repeated header, keeps undici's object as it is (this runs twice per record).
 */
function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  for (const name in raw) {
    if (typeof raw[name] === 'string') continue;
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(raw)) {
      if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
    }
    return headers;
  }
  return raw as Record<string, string>;
}

function failure(code: TransportErrorCode, message: string, started: number): ExchangeError {
  return { ok: false, code, message, latencyMs: performance.now() - started };
}

/** The fault an error stands for (see `classify`). */
function faultOf(error: unknown, started: number): ExchangeError {
  const classified = classify(error);
  return failure(classified.code, classified.message, started);
}
