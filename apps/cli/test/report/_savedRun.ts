import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Report, type RequestRecord, validate } from '@bg-replay/core';
import { sendJson, startServer, type TestServer } from '@bg-replay/test-utils';

/** Orders of a shop; the candidate's bug: totals of every third order became strings, and a note changed. */
export function order(id: number, candidate: boolean) {
  return {
    id,
    total: candidate && id % 3 === 0 ? String(id * 2.5) : id * 2.5,
    note: candidate && id % 4 === 0 ? '<b>rush</b> & "fragile"' : 'standard',
    items: [{ sku: `sku-${id}`, qty: 1 }],
  };
}

export interface Shop {
  live: TestServer;
  candidate: TestServer;
  close(): Promise<void>;
}

export async function startShop(): Promise<Shop> {
  const handler =
    (candidate: boolean) => (req: { url?: string | undefined }, res: Parameters<typeof sendJson>[0]) => {
      const url = req.url ?? '/';
      if (url.startsWith('/orders/')) return sendJson(res, 200, order(Number(url.split('/')[2]), candidate));
      if (url === '/health') return sendJson(res, 200, { ok: true });
      return sendJson(res, 404, { error: 'not found' });
    };
  const live = await startServer(handler(false));
  const candidate = await startServer(handler(true));
  return { live, candidate, close: async () => void (await Promise.all([live.close(), candidate.close()])) };
}

export const shopRecords = (): RequestRecord[] => [
  ...Array.from({ length: 36 }, (_, i) => ({
    method: 'GET',
    path: `/orders/${i + 1}`,
    headers: {},
    route: 'GET /orders/:id',
  })),
  ...Array.from({ length: 12 }, () => ({
    method: 'GET',
    path: '/health',
    headers: {},
    route: 'GET /health',
  })),
];

/** Runs the real pipeline over `records` and saves the JSON report in a fresh folder. */
export async function saveRun(
  shop: Shop,
  records = shopRecords(),
  extra: Partial<Report> = {},
): Promise<{ dir: string; file: string; report: Report }> {
  const dir = await mkdtemp(join(tmpdir(), 'bg-replay-report-'));
  const report = {
    ...(await validate({
      logs: [{ kind: 'records', name: 'mem', records }],
      live: shop.live.url,
      candidate: shop.candidate.url,
      rps: 0,
      sample: 1000,
      threshold: 0.9,
      minSamples: 3,
    })),
    ...extra,
  };
  const file = join(dir, 'run.json');
  await writeFile(file, JSON.stringify(report));
  return { dir, file, report };
}
