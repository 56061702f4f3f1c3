import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { type Dispatcher, request, errors as undiciErrors } from 'undici';
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

function decoderFor(encoding: string | undefined) {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return undefined;
  }
}

/** A body as undici gives it: a Node `Readable` (events), which `for await` would also accept. */
type BodyStream = AsyncIterable<Uint8Array> & { destroy?: (e?: Error) => void };

/**
 * Feeds each chunk of a body to `take` until the body ends or `take` returns false; rejects with the
 * body's error, or what `take` throws. A stream's events cost less than `for await` (a promise and an
 * iterator step per chunk, twice per record), which stays the way for a body that is not a stream.
 */
async function readChunks(body: BodyStream, take: (chunk: Uint8Array) => boolean): Promise<void> {
  if (!(body instanceof Readable)) {
    for await (const chunk of body) if (!take(chunk)) break;
    return;
  }
  const stream: Readable = body;
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onClose);
      // The error listener stays: a body destroyed once read enough (the cap, the deadline) still emits
      // its error, and an error event nobody listens to would crash the process.
      if (error === undefined) resolve();
      else reject(error);
    };
    const onData = (chunk: Uint8Array) => {
      if (settled) return;
      try {
        if (!take(chunk)) settle();
      } catch (error) {
        settle(error);
      }
    };
    const onEnd = () => settle();
    const onError = (error: Error) => settle(error);
    // Closed before its end without an error (undici reports an abort as one, but a stream may not).
    const onClose = () => {
      const error = new Error('premature close') as NodeJS.ErrnoException;
      error.code = 'ERR_STREAM_PREMATURE_CLOSE';
      settle(error);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/**
 * Reads at most `max` bytes of decoded body. Compressed bodies are inflated as a stream, so a gzip bomb is
 * cut at `max` instead of being inflated whole.
 */
async function readCapped(
  body: BodyStream,
  encoding: string | undefined,
  max: number,
  deadline: number,
): Promise<{ body: Uint8Array; truncated: boolean }> {
  // undici's bodyTimeout bounds each gap between chunks; this bounds a slow drip as a whole, without a
  // timer per request (an AbortSignal.timeout per request cost a third of the replay's CPU).
  const checkDeadline = () => {
    if (performance.now() > deadline) {
      const error = new Error('the answer kept dripping past the deadline (2 × --timeout)');
      error.name = 'TimeoutError';
      body.destroy?.(error);
      throw error;
    }
  };
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  const decoder = decoderFor(encoding);
  const push = (chunk: Buffer): boolean => {
    if (size + chunk.length > max) {
      chunks.push(chunk.subarray(0, max - size));
      size = max;
      truncated = true;
      return false;
    }
    chunks.push(chunk);
    size += chunk.length;
    return true;
  };
  if (!decoder) {
    await readChunks(body, (chunk) => {
      // Undici yields Buffers already: wrap without copying (a copy would double the garbage per body).
      const buffer = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (!push(buffer)) return false;
      checkDeadline();
      return true;
    });
  } else {
    let consumed = false;
    const feed = (async () => {
      try {
        for await (const chunk of body) {
          if (truncated || decoder.destroyed) break;
          checkDeadline();
          if (!decoder.write(chunk) && !decoder.destroyed) {
            // Resume on drain, or stop when the reader has destroyed the decoder (cap reached, bad data).
            await new Promise<void>((resolve) => {
              const done = () => {
                decoder.off('drain', done);
                decoder.off('close', done);
                resolve();
              };
              decoder.once('drain', done);
              decoder.once('close', done);
            });
          }
        }
        consumed = !truncated && !decoder.destroyed;
        if (!decoder.destroyed) decoder.end();
      } catch (error) {
        decoder.destroy(error as Error);
      }
    })();
    try {
      for await (const chunk of decoder) {
        if (!push(chunk as Buffer)) break;
      }
    } finally {
      // Whatever ended the read (the cap, a corrupt stream, the deadline), the socket is released.
      decoder.destroy();
      if (!consumed) body.destroy?.();
      await feed;
    }
  }
  if (truncated) body.destroy?.();
  // One chunk (most answers of a few KB) is the body itself: concatenating would copy it for nothing.
  return { body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size), truncated };
}

/**
 * Sends one request and returns its answer as data: a response (status, headers, decoded and capped body,
 * latency) or a classified transport error. It never throws for network faults.
 *
 * @example
 * const answer = await sendRequest({ method: 'GET', url: 'http://127.0.0.1:8080/health', headers: {}, timeoutMs: 5000, maxBodyBytes: 1 << 20 });
 * if (answer.ok) console.log(answer.status, answer.latencyMs);
 */
export async function sendRequest(options: SendOptions): Promise<Exchange> {
  const started = performance.now();
  try {
    const response = await request(options.url, {
      method: options.method as Dispatcher.HttpMethod,
      headers: options.headers,
      body: options.body,
      dispatcher: options.dispatcher,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const headers = flattenHeaders(response.headers);
    const encoding = headers['content-encoding'];
    let decoded: { body: Uint8Array; truncated: boolean };
    try {
      decoded = await readCapped(
        response.body,
        encoding,
        options.maxBodyBytes,
        started + options.timeoutMs * 2,
      );
    } catch (error) {
      const classified = classify(error);
      const decodeFault =
        /incorrect header|invalid|unexpected end|Z_/i.test(classified.message) && classified.code === 'other';
      return fail(decodeFault ? 'decode' : classified.code, classified.message, started);
    }
    return {
      ok: true,
      status: response.statusCode,
      headers,
      body: decoded.body,
      truncated: decoded.truncated,
      latencyMs: performance.now() - started,
    };
  } catch (error) {
    const classified = classify(error);
    return fail(classified.code, classified.message, started);
  }
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

function fail(code: TransportErrorCode, message: string, started: number): ExchangeError {
  return { ok: false, code, message, latencyMs: performance.now() - started };
}
