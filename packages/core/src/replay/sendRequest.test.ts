import { gzipSync } from 'node:zlib';
import { startServer } from '@bg-replay/test-utils';
import { describe, expect, it } from 'vitest';
import { sendRequest } from './sendRequest.js';

// Generous: only the test of a timeout asks for a short one; the others must not see one on a busy machine.
const opts = { method: 'GET', headers: {}, timeoutMs: 30_000, maxBodyBytes: 1024 };

describe('sendRequest', () => {
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
});
