import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { sendJson, startServer } from './startServer.js';

describe('startServer', () => {
  it('serves on a free loopback port and records each request with its body', async () => {
    const server = await startServer((_req, res, body) => sendJson(res, 201, { echo: body }));
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await request(`${server.url}/a?b=1`, { method: 'POST', body: 'hello' });
    expect(response.statusCode).toBe(201);
    expect(await response.body.json()).toEqual({ echo: 'hello' });
    expect(server.requests).toEqual([
      expect.objectContaining({ method: 'POST', url: '/a?b=1', body: 'hello' }),
    ]);
    await server.close();
  });
});
