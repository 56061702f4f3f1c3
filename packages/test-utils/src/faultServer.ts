import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { constants, createGzip } from 'node:zlib';
import { listenOnLoopback } from './startServer.js';

/** What a fault handler may use besides the request: timers that the server clears when it closes. */
export interface FaultContext {
  /** `setTimeout` whose timer is cleared on `close()`. */
  later(ms: number, fn: () => void): void;
  /** `setInterval` whose timer is cleared on `close()`. */
  every(ms: number, fn: () => void): void;
}

/** Answers (or fails to answer) one request. */
export type FaultHandler = (req: IncomingMessage, res: ServerResponse, context: FaultContext) => void;

export interface FaultServer {
  /** Base URL, e.g. `http://127.0.0.1:43117`. */
  url: string;
  /** Requests received so far (method, url, headers); bodies are not read. */
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers'] }>;
  close(): Promise<void>;
}

/**
 * Starts a `node:http` server on 127.0.0.1 and a free port whose handler may misbehave: reset sockets, never
 * answer, drip, stream huge bodies. Socket errors caused by a client hanging up are swallowed, and every
 * timer and connection is cleaned up by `close()`.
 *
 * @example
 * const server = await startFaultServer(faults.resetBeforeResponse());
 * // ... point a client at server.url ...
 * await server.close();
 */
export async function startFaultServer(handler: FaultHandler): Promise<FaultServer> {
  const requests: FaultServer['requests'] = [];
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const context: FaultContext = {
    later(ms, fn) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        fn();
      }, ms);
      timers.add(timer);
    },
    every(ms, fn) {
      timers.add(setInterval(fn, ms));
    },
  };
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    res.on('error', () => {});
    req.resume();
    handler(req, res, context);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  return {
    url: await listenOnLoopback(server),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Writes `total` bytes made of `chunk` repeated, honouring back-pressure; stops when the client goes away. */
function stream(res: ServerResponse, chunk: Buffer, total: number, done?: () => void): void {
  let sent = 0;
  const pump = () => {
    while (sent < total && !res.destroyed) {
      const piece = total - sent >= chunk.length ? chunk : chunk.subarray(0, total - sent);
      sent += piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) {
      if (done) done();
      else res.end();
    }
  };
  res.on('close', () => res.off('drain', pump));
  pump();
}

/**
 * Gzip bytes that inflate to `decodedBytes` zero bytes, built by streaming (never allocating the inflated size).
 *
 * @example
 * const bomb = await createGzipBomb(100 * 1024 * 1024); // ~100 KB on the wire
 */
export async function createGzipBomb(decodedBytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: constants.Z_BEST_COMPRESSION });
  const out: Buffer[] = [];
  gzip.on('data', (c: Buffer) => out.push(c));
  const finished = new Promise<void>((resolve, reject) => {
    gzip.on('end', resolve);
    gzip.on('error', reject);
  });
  const zeros = Buffer.alloc(1024 * 1024);
  for (let left = decodedBytes; left > 0; left -= zeros.length) {
    if (!gzip.write(left >= zeros.length ? zeros : zeros.subarray(0, left))) {
      await new Promise((resolve) => gzip.once('drain', resolve));
    }
  }
  gzip.end();
  await finished;
  return Buffer.concat(out);
}

/** Ready-made fault handlers for {@link startFaultServer}. */
export const faults = {
  /** A well-behaved JSON answer. */
  json(body: unknown, options: { status?: number; headers?: Record<string, string> } = {}): FaultHandler {
    const text = JSON.stringify(body);
    return (_req, res) => {
      res.writeHead(options.status ?? 200, { 'content-type': 'application/json', ...options.headers });
      res.end(text);
    };
  },
  /** The same status and JSON body for every request (a 5xx storm with `status: 503`). */
  status(status: number, body: unknown = { error: 'unavailable' }): FaultHandler {
    return faults.json(body, { status });
  },
  /** The socket is destroyed before any byte of the response. */
  resetBeforeResponse(): FaultHandler {
    return (req) => req.socket.destroy();
  },
  /** Headers and part of a declared-length body are sent, then the socket is destroyed. */
  resetMidBody(): FaultHandler {
    return (req, res, context) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"partial":');
      context.later(10, () => req.socket.destroy());
    };
  },
  /** Accepts the request and never answers. */
  hang(): FaultHandler {
    return () => {};
  },
  /** Sends headers at once, then one byte every `intervalMs`, forever (until the client gives up). */
  drip(intervalMs: number): FaultHandler {
    return (_req, res, context) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      context.every(intervalMs, () => {
        if (!res.destroyed) res.write('0,');
      });
    };
  },
  /** A complete HTTP answer whose JSON body stops in the middle (its content-length matches what is sent). */
  truncatedJson(): FaultHandler {
    return (_req, res) => {
      const text = '{"id":1,"items":[{"sku":"A-1","qty":';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(text.length) });
      res.end(text);
    };
  },
  /** Streams a body of `bytes` bytes (never held in memory whole). */
  largeBody(bytes: number, contentType = 'application/json'): FaultHandler {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    return (_req, res) => {
      res.writeHead(200, { 'content-type': contentType, 'content-length': String(bytes) });
      stream(res, chunk, bytes);
    };
  },
  /** Serves `bomb` (see {@link createGzipBomb}) as a gzip-encoded JSON body. */
  gzipBomb(bomb: Buffer): FaultHandler {
    return (_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': String(bomb.length),
      });
      res.end(bomb);
    };
  },
  /** A body with a content type that lies: JSON labelled `text/html`, or HTML labelled `application/json`. */
  mislabelled(kind: 'json-as-html' | 'html-as-json', json: unknown = { id: 1 }): FaultHandler {
    return (_req, res) => {
      if (kind === 'json-as-html') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(JSON.stringify(json));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>');
      }
    };
  },
  /**
   * Echoes the request's URL, query, headers and parsed cookies into its JSON body and response headers, each
   * prefixed with `side` so live's and candidate's echoes differ and show up in a diff. It also answers with
   * secrets of its own (`secret` and the side): a `set-cookie`, an `authorization` field and, on the candidate
   * only, a new `session` object holding a token. A test can then check that none of it reaches a report.
   */
  echo(side: string, secret: string): FaultHandler {
    return (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const query = Object.fromEntries([...url.searchParams].map(([k, v]) => [k, `${side}:${v}`]));
      const headers: Record<string, string> = {};
      const echoed: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value !== 'string' || name === 'host' || name === 'connection') continue;
        headers[name] = `${side}:${value}`;
        echoed[`x-echo-${name}`] = `${side}:${value}`;
      }
      const cookies = Object.fromEntries(
        (req.headers.cookie ?? '')
          .split(';')
          .map((pair) => pair.trim().split('='))
          .filter((kv) => kv.length === 2)
          .map(([k, v]) => [k, `${side}:${v}`]),
      );
      res.writeHead(200, {
        'content-type': 'application/json',
        'set-cookie': `sid=${secret}-${side}-cookie; HttpOnly`,
        'x-echo-url': `${side}:${req.url ?? ''}`,
        ...echoed,
      });
      res.end(
        JSON.stringify({
          url: `${side}:${req.url}`,
          query,
          headers,
          cookies,
          authorization: `Bearer ${secret}-${side}-bearer`,
          ...(side === 'candidate' ? { session: { id: 7, accessToken: `${secret}-${side}-token` } } : {}),
        }),
      );
    };
  },
};
