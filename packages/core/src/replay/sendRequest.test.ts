import { randomBytes } from 'node:crypto';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { brotliCompressSync, constants, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { startServer } from '@bg-replay/test-utils';
import { Agent, type Dispatcher } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { createAbortHub } from './createAbortHub.js';
import { sendRequest } from './sendRequest.js';

const agent = new Agent();
afterAll(() => agent.close());

/**
 * A dispatcher that calls handlers the way undici before 7 does (`onConnect`, `onHeaders`, `onData`,
 * `onComplete`, `onError`), as Node's own undici does when it holds the global dispatcher: undici 7 takes a
 * handler without `onRequestStart` as one of that protocol.
 */
const olderProtocol = {
  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
    const older: Dispatcher.DispatchHandler = {};
    for (const hook of ['onConnect', 'onHeaders', 'onData', 'onComplete', 'onError'] as const) {
      if (typeof handler[hook] !== 'function') throw new Error(`the handler has no ${hook}`);
      // biome-ignore lint/suspicious/noExplicitAny: the hooks' signatures differ; each is passed on as it is.
      older[hook] = (handler[hook] as (...args: any[]) => any).bind(handler);
    }
    return agent.dispatch(options, older);
  },
} as unknown as Dispatcher;

describe.each([
  ['undici 7', undefined],
  ['the older handler protocol', olderProtocol],
])('sendRequest on a dispatcher of %s', (_name, dispatcher) => {
  // Generous: only the test of a timeout asks for a short one; the others must not see one on a busy machine.
  const opts = { method: 'GET', headers: {}, timeoutMs: 30_000, maxBodyBytes: 1024, dispatcher };

  it('decodes a gzip body and measures latency', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify({ ok: true })));
    });
    const answer = await sendRequest({ ...opts, url: `${server.url}/x` });
    await server.close();
    expect(answer.ok).toBe(true);
    if (!answer.ok) return;
    expect(Buffer.from(answer.body).toString()).toBe('{"ok":true}');
    expect(answer.truncated).toBe(false);
    expect(answer.latencyMs).toBeGreaterThan(0);
  });

  it('cuts a gzip bomb at the cap instead of inflating it whole', async () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x61));
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      res.end(bomb);
    });
    const answer = await sendRequest({ ...opts, url: server.url });
    await server.close();
    expect(answer.ok && answer.truncated).toBe(true);
    expect(answer.ok && answer.body.length).toBe(1024);
  });

  it('classifies a corrupt gzip body as a decode fault and releases the connection at once', async () => {
    let socketClosed: Promise<void> = Promise.resolve();
    const server = await startServer((req, res) => {
      socketClosed = new Promise((resolve) => req.socket.once('close', () => resolve()));
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.write(Buffer.alloc(64 * 1024, 0x42)); // not gzip, and the response never ends
    });
    // The request's own timeout is longer than the test's: only an early release closes the socket in time.
    const answer = await sendRequest({ ...opts, url: server.url, timeoutMs: 600_000 });
    expect(answer).toMatchObject({ ok: false, code: 'decode' });
    await socketClosed;
    await server.close();
  });

  it('reports a refused connection and a timeout as data', async () => {
    const server = await startServer(() => {
      /* never answers */
    });
    const timeout = await sendRequest({ ...opts, url: server.url, timeoutMs: 200 });
    await server.close();
    expect(timeout).toMatchObject({ ok: false, code: 'timeout' });
    // A privileged port: no test server is given one (the closed server's port could be reused meanwhile).
    const refused = await sendRequest({ ...opts, url: 'http://127.0.0.1:1' });
    expect(refused).toMatchObject({ ok: false, code: 'connection-refused' });
  });

  it('reports a connection reset mid-body', async () => {
    const server = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"partial":', () => req.socket.destroy());
    });
    const answer = await sendRequest({ ...opts, url: server.url });
    await server.close();
    expect(answer).toMatchObject({ ok: false, code: 'connection-reset' });
  });

  it('inflates a large compressed body whole, below the cap, however its chunks arrive', async () => {
    // Random bytes hardly compress: megabytes of input, so the inflater pushes back on the socket.
    const plain = randomBytes(1024 * 1024).toString('base64');
    const server = await startServer((req, res) => {
      const br = req.url === '/br';
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': br ? 'br' : 'gzip' });
      const fast = { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } };
      res.end(br ? brotliCompressSync(plain, fast) : gzipSync(plain, { level: 1 }));
    });
    for (const path of ['/gzip', '/br']) {
      const answer = await sendRequest({
        ...opts,
        url: `${server.url}${path}`,
        maxBodyBytes: 2 * 1024 * 1024,
      });
      expect(answer.ok && answer.truncated).toBe(false);
      expect(answer.ok && Buffer.from(answer.body).toString()).toBe(plain);
    }
    await server.close();
  });

  it('answers a HEAD with its status and headers and an empty body', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(204, { 'x-version': '2.1.0' });
      res.end();
    });
    const answer = await sendRequest({ ...opts, method: 'HEAD', url: server.url });
    await server.close();
    expect(answer).toMatchObject({
      ok: true,
      status: 204,
      headers: { 'x-version': '2.1.0' },
      truncated: false,
    });
    expect(answer.ok && answer.body.length).toBe(0);
  });

  it('sends nothing once aborted, and ends a request in flight when the abort comes', async () => {
    let arrived: () => void = () => {};
    const inFlight = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const server = await startServer(() => {
      arrived();
      return new Promise<void>(() => {});
    });
    const hub = createAbortHub();
    const pending = sendRequest({
      ...opts,
      url: `${server.url}/held`,
      timeoutMs: 600_000,
      signal: hub.signal,
    });
    await inFlight;
    hub.abort(new Error('the run was stopped'));
    expect(await pending).toMatchObject({ ok: false, message: 'the run was stopped' });
    const aborted = new AbortController();
    aborted.abort();
    const never = await sendRequest({ ...opts, url: `${server.url}/late`, signal: aborted.signal });
    expect(never.ok).toBe(false);
    expect(server.requests.map((r) => r.url)).toEqual(['/held']);
    await server.close();
  });

  it('inflates deflate bodies with the zlib header and without it (raw deflate, as some servers send)', async () => {
    const text = JSON.stringify({ items: Array.from({ length: 50 }, (_, i) => ({ id: i })) });
    const server = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'deflate' });
      res.end(req.url === '/raw' ? deflateRawSync(text) : deflateSync(text));
    });
    for (const path of ['/zlib', '/raw']) {
      const answer = await sendRequest({ ...opts, url: `${server.url}${path}`, maxBodyBytes: 1 << 20 });
      expect(answer.ok && Buffer.from(answer.body).toString(), path).toBe(text);
    }
    await server.close();
  });

  it('answers without a body (HEAD, 204, 304, empty) are empty bodies, whatever content-encoding says', async () => {
    const server = await startServer((req, res) => {
      const status = req.url === '/204' ? 204 : req.url === '/304' ? 304 : 200;
      res.writeHead(status, { 'content-encoding': 'gzip', 'content-length': '0' });
      res.end();
    });
    for (const [method, path] of [
      ['HEAD', '/'],
      ['GET', '/204'],
      ['GET', '/304'],
      ['GET', '/empty'],
    ]) {
      const answer = await sendRequest({ ...opts, method: method as string, url: `${server.url}${path}` });
      expect(answer, `${method} ${path}`).toMatchObject({ ok: true, truncated: false });
      expect(answer.ok && answer.body.length).toBe(0);
    }
    await server.close();
  });

  it('ends an endless run of informational answers (103 Early Hints) at the deadline', async () => {
    const sockets: Socket[] = [];
    const server = createTcpServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => {});
      // Hints, never the answer: each one restarts undici's headers timer.
      const timer = setInterval(
        () => socket.write('HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n'),
        20,
      );
      socket.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const answer = await sendRequest({ ...opts, url: `http://127.0.0.1:${port}/`, timeoutMs: 100 });
    expect(answer).toMatchObject({ ok: false, code: 'timeout' });
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a server that switches protocols unasked (101) gives a transport error and loses its socket', async () => {
    let closed = 0;
    const server = createTcpServer((socket) => {
      socket.on('error', () => {});
      socket.on('close', () => {
        closed += 1;
      });
      socket.once('data', () =>
        socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n'),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const answer = await sendRequest({ ...opts, url: `http://127.0.0.1:${port}/` });
    expect(answer).toMatchObject({ ok: false, code: 'connection-reset' });
    await expect.poll(() => closed).toBe(1);
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses CONNECT without sending it: it opens a tunnel, not a request with an answer', async () => {
    const server = await startServer((_req, res) => {
      res.end('{}');
    });
    const answer = await sendRequest({ ...opts, method: 'CONNECT', url: server.url });
    expect(answer).toMatchObject({
      ok: false,
      code: 'other',
      message: expect.stringMatching(/^CONNECT is not replayed/),
    });
    expect(server.requests).toHaveLength(0);
    await server.close();
  });

  it('reports a dispatcher that throws as a fault of the request, not an exception', async () => {
    const broken = {
      dispatch() {
        throw new Error('no route to that origin');
      },
    } as unknown as Dispatcher;
    const answer = await sendRequest({ ...opts, url: 'http://127.0.0.1:1/', dispatcher: broken });
    expect(answer).toMatchObject({ ok: false, code: 'other', message: 'no route to that origin' });
  });
});
