import { startServer, type TestServer } from '@bg-replay/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/model.js';
import { validate } from '../../src/validate.js';

type Version = '1.4.2' | '1.5.0';

/** An order service: 1.5.0 adds fields on purpose (a minor release) and also turns `total` into a string. */
function orderService(version: Version) {
  return startServer((req, res) => {
    const id = Number(req.url?.split('/')[2] ?? 0);
    const lines = [
      { sku: `s${id}`, quantity: 1, unitPrice: 9.5 },
      { sku: `t${id}`, quantity: 2, unitPrice: 1.25 },
    ];
    const total = 12;
    const body: Record<string, unknown> = {
      id,
      status: 'shipped',
      requestId: crypto.randomUUID(),
      lines: version === '1.5.0' ? lines.map((l) => ({ ...l, discount: 0 })) : lines,
      total: version === '1.5.0' ? total.toFixed(2) : total,
      updatedAt: new Date().toISOString(),
    };
    if (version === '1.5.0') body.currency = 'EUR';
    res.writeHead(200, {
      'content-type': 'application/json',
      'x-service-version': version,
      date: new Date().toUTCString(),
    });
    res.end(JSON.stringify(body));
  });
}

const records: RequestRecord[] = Array.from({ length: 10 }, (_, i) => ({
  method: 'GET',
  path: `/orders/${i + 1}`,
  headers: {},
  route: 'GET /orders/:id',
}));

describe('a minor release that adds fields and changes one type', () => {
  let live: TestServer;
  let candidate: TestServer;
  beforeAll(async () => {
    [live, candidate] = await Promise.all([orderService('1.4.2'), orderService('1.5.0')]);
  });
  afterAll(async () => {
    await Promise.all([live.close(), candidate.close()]);
  });

  const run = (rules: Parameters<typeof validate>[0]['rules'] = []) =>
    validate({
      logs: [{ kind: 'records', name: 'orders', records }],
      live: live.url,
      candidate: candidate.url,
      rps: 0,
      minSamples: 5,
      // 10 of 10 matching has a Wilson lower bound of 72%: judge against 70% so ten records can pass.
      threshold: 0.7,
      versionHeader: 'x-service-version',
      rules,
    });

  it('fails, naming only the type change; the additions are allowed by the minor-bump policy', async () => {
    const report = await run();
    expect(report.verdict).toBe('fail');
    expect(report.versions).toMatchObject({
      live: { version: '1.4.2', source: 'header', seen: { '1.4.2': 10 } },
      candidate: { version: '1.5.0', source: 'header', seen: { '1.5.0': 10 } },
      relation: 'minor',
    });
    const counted = report.fields.filter((f) => f.count > 0).map((f) => `${f.kind} ${f.pointer} ${f.count}`);
    expect(counted).toEqual(['type /total 10']);
    const hidden = Object.fromEntries(
      report.fields.filter((f) => f.count === 0).map((f) => [`${f.kind} ${f.pointer}`, f.hidden]),
    );
    expect(hidden).toEqual({
      'added /currency': { 'policy:semver-minor-adds': 10 },
      'added /lines/*/discount': { 'policy:semver-minor-adds': 20 },
    });
    expect(report.fields.find((f) => f.pointer === '/total')?.samples[0]).toMatchObject({
      live: 12,
      candidate: '12.00',
    });
    // request ids and timestamps were normalized, not reported
    expect(report.normalized?.ids).toBe(10);
    expect(report.fields.map((f) => f.pointer)).not.toContain('/updatedAt');
  });

  it('passes when a rule scoped to the version range allows the type change, and reports its hits', async () => {
    const report = await run([
      {
        id: 'total-as-decimal-string',
        route: 'GET /orders/:id',
        pointer: '/total',
        kinds: ['type'],
        when: { live: '<1.5.0', candidate: '>=1.5.0 <2.0.0' },
      },
      { id: 'never-matches', pointer: '/nothing', ignore: true },
    ]);
    expect(report.verdict, JSON.stringify(report.reasons)).toBe('pass');
    expect(report.rules.hits).toEqual({ 'total-as-decimal-string': 10, 'never-matches': 0 });
    expect(report.rules.unused).toEqual(['never-matches']);
    expect(report.fields.find((f) => f.pointer === '/total')?.hidden).toEqual({
      'rule:total-as-decimal-string': 10,
    });
  });

  it('still fails when the rule is scoped to another range', async () => {
    const report = await run([
      { id: 'total-in-2x', pointer: '/total', kinds: ['type'], when: { candidate: '>=2.0.0' } },
    ]);
    expect(report.verdict).toBe('fail');
    expect(report.rules.hits).toEqual({ 'total-in-2x': 0 });
  });
});
