import { sendJson, startServer, type TestServer } from '@bg-replay/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { createComparer } from '../../src/diff/createComparer.js';
import { replayRecords } from '../../src/replay/replayRecords.js';
import { createPrivacy } from '../../src/safety/privacy.js';
import type { RecordOutcome } from '../../src/verdict/aggregate.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A side that answers `{ id }` and counts how many of its requests were open at once. */
async function side(extra: Record<string, unknown> = {}) {
  const load = { open: 0, most: 0 };
  const server = await startServer(async (req, res) => {
    load.open += 1;
    load.most = Math.max(load.most, load.open);
    // Hold each answer for a few turns of the event loop so requests overlap.
    await new Promise((resolve) => setTimeout(resolve, 2));
    load.open -= 1;
    sendJson(res, 200, { id: req.url, ...extra });
  });
  servers.push(server);
  return { server, load };
}

const records = Array.from({ length: 24 }, (_, i) => ({
  record: { method: 'GET', path: `/items/${i}`, headers: { authorization: 'Bearer secret' } },
  route: 'GET /items/:id',
}));

describe('replayRecords', () => {
  it('hands every outcome to onOutcome as it finishes and keeps none itself', async () => {
    const live = await side();
    const candidate = await side({ extra: true });
    const seen: RecordOutcome[] = [];
    const result = await replayRecords(
      records,
      { live: live.server.url, candidate: candidate.server.url, concurrency: 4, rps: 0 },
      await createComparer({}),
      createPrivacy(),
      { onOutcome: (outcome) => seen.push(outcome) },
    );
    expect(result.outcomes).toEqual([]);
    expect(result.replayed).toBe(24);
    expect(seen).toHaveLength(24);
    expect(new Set(seen.map((o) => o.record.path)).size).toBe(24);
    expect(seen[0]?.differences.map((d) => [d.pointer, d.kind])).toEqual([['/extra', 'added']]);
    // Bodies are dropped once compared and the record is redacted.
    expect(seen.every((o) => o.live.ok && o.live.body.length === 0)).toBe(true);
    expect(seen[0]?.record.headers.authorization).not.toBe('Bearer secret');
  });

  it('keeps at most --concurrency records in flight and replays each record once', async () => {
    const live = await side();
    const candidate = await side();
    const result = await replayRecords(
      records,
      { live: live.server.url, candidate: candidate.server.url, concurrency: 3, rps: 0 },
      await createComparer({}),
      createPrivacy(),
    );
    expect(result.replayed).toBe(24);
    expect(result.outcomes).toHaveLength(24);
    expect(live.load.most).toBeLessThanOrEqual(3);
    expect(candidate.load.most).toBeLessThanOrEqual(3);
    expect(live.server.requests.map((r) => r.url).sort()).toEqual(records.map((r) => r.record.path).sort());
  });
});
