import type { ServerResponse } from 'node:http';
import { startServer, type TestServer } from '@bg-replay/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { createComparer } from '../../src/diff/createComparer.js';
import { replayRecords } from '../../src/replay/replayRecords.js';
import { createPrivacy } from '../../src/safety/privacy.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A side that never answers: it holds each request and notes when the client closed it. */
async function holdingSide() {
  const held: ServerResponse[] = [];
  const closed: string[] = [];
  let arrived: () => void = () => {};
  const twoArrived = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const server = await startServer((req, res) => {
    held.push(res);
    res.on('close', () => closed.push(req.url ?? ''));
    if (held.length === 2) arrived();
    return new Promise<void>(() => {});
  });
  servers.push(server);
  return { server, held, closed, twoArrived };
}

const records = Array.from({ length: 6 }, (_, i) => ({
  record: { method: 'GET', path: `/items/${i}`, headers: {} },
  route: 'GET /items/:id',
}));

describe('replayRecords aborted with requests in flight', () => {
  it('closes the requests both sides are still holding, resolves with none replayed and sends no more', async () => {
    const live = await holdingSide();
    const candidate = await holdingSide();
    const controller = new AbortController();
    const options = { live: live.server.url, candidate: candidate.server.url, concurrency: 2, rps: 0 };
    const replay = replayRecords(
      records,
      // Far beyond the test's own timeout: only the abort can end these requests in time.
      { ...options, timeoutMs: 600_000 },
      await createComparer({}),
      createPrivacy(),
      { signal: controller.signal },
    );
    await Promise.all([live.twoArrived, candidate.twoArrived]);
    controller.abort();
    const result = await replay;
    expect(result.replayed).toBe(0);
    expect(result.outcomes).toEqual([]);
    // Each side saw the two records in flight, no other, and both were closed by the client.
    await expect.poll(() => [...live.closed].sort()).toEqual(['/items/0', '/items/1']);
    await expect.poll(() => [...candidate.closed].sort()).toEqual(['/items/0', '/items/1']);
    expect(live.server.requests.map((r) => r.url).sort()).toEqual(['/items/0', '/items/1']);
    expect(candidate.server.requests.map((r) => r.url).sort()).toEqual(['/items/0', '/items/1']);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const live = await holdingSide();
    const candidate = await holdingSide();
    const controller = new AbortController();
    controller.abort();
    const result = await replayRecords(
      records,
      { live: live.server.url, candidate: candidate.server.url, concurrency: 2, rps: 0 },
      await createComparer({}),
      createPrivacy(),
      { signal: controller.signal },
    );
    expect(result.replayed).toBe(0);
    expect(live.server.requests).toEqual([]);
    expect(candidate.server.requests).toEqual([]);
  });
});
