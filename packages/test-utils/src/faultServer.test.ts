import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { createGzipBomb, faults, startFaultServer } from './faultServer.js';

describe('startFaultServer', () => {
  it('builds a gzip bomb by streaming: small on the wire, the full size inflated', async () => {
    const bomb = await createGzipBomb(8 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(gunzipSync(bomb).length).toBe(8 * 1024 * 1024);
  });

  it('resets a connection before answering, and records the request', async () => {
    const server = await startFaultServer(faults.resetBeforeResponse());
    await expect(request(`${server.url}/x?y=1`)).rejects.toThrow();
    expect(server.requests).toEqual([expect.objectContaining({ method: 'GET', url: '/x?y=1' })]);
    await server.close();
  });

  it('closes promptly while a drip is still running', async () => {
    const server = await startFaultServer(faults.drip(5));
    const response = await request(server.url);
    expect(response.statusCode).toBe(200);
    const reading = response.body.text().catch((error: Error) => error);
    await server.close();
    expect(await reading).toBeInstanceOf(Error);
  });
});
