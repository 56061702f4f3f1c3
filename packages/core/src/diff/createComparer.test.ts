import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { BgReplayError } from '../errors.js';
import type { ExchangeResponse, RequestRecord } from '../model.js';
import type { RecordOutcome } from '../verdict/aggregate.js';
import { createComparer } from './createComparer.js';

const record: RequestRecord = { method: 'GET', path: '/p/1', headers: {} };
const route = 'GET /p/:id';

function answer(body: unknown, headers: Record<string, string> = {}, status = 200): ExchangeResponse {
  return {
    ok: true,
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: Buffer.from(JSON.stringify(body)),
    truncated: false,
    latencyMs: 1,
  };
}

describe('createComparer', () => {
  it('asks each side its version endpoint once, through the injected dispatcher', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent.get('http://live.test').intercept({ path: '/version' }).reply(200, { version: '1.4.2' });
    agent.get('http://next.test').intercept({ path: '/version' }).reply(200, '1.5.0\n');
    const comparer = await createComparer({
      live: 'http://live.test',
      candidate: 'http://next.test',
      versionEndpoint: '/version',
      dispatcher: agent,
    });
    const { differences } = comparer.compare({
      record,
      route,
      live: answer({ a: 1 }),
      candidate: answer({ a: 1, b: 2 }),
    });
    expect(differences).toEqual([
      {
        route,
        pointer: '/b',
        kind: 'added',
        candidate: 2,
        disposition: { counted: false, by: 'policy', policy: 'semver-minor-adds' },
      },
    ]);
    expect(comparer.summary().versions).toEqual({
      live: { version: '1.4.2', source: 'endpoint', seen: {} },
      candidate: { version: '1.5.0', source: 'endpoint', seen: {} },
      relation: 'minor',
      policy:
        'minor bump: added fields are allowed (policy:semver-minor-adds); removed fields and type changes still count',
    });
    await agent.close();
  });

  it('reports an unreachable version endpoint and applies no policy', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent.get('http://live.test').intercept({ path: '/version' }).reply(500, 'boom');
    const comparer = await createComparer({
      live: 'http://live.test',
      candidate: 'http://next.test',
      versionEndpoint: '/version',
      candidateVersion: '1.5.0',
      dispatcher: agent,
    });
    const { differences } = comparer.compare({
      record,
      route,
      live: answer({}),
      candidate: answer({ b: 2 }),
    });
    expect(differences[0]?.disposition).toEqual({ counted: true });
    expect(comparer.summary().versions).toMatchObject({
      live: { version: null, error: 'http://live.test/version answered 500' },
      candidate: { version: '1.5.0', source: 'flag' },
      relation: 'unknown',
    });
    await agent.close();
  });

  it('reads versions from a body pointer and hides the version field itself', async () => {
    const comparer = await createComparer({ versionPointer: '/meta/version' });
    const { differences } = comparer.compare({
      record,
      route,
      live: answer({ meta: { version: '2.3.0' }, x: 1 }),
      candidate: answer({ meta: { version: '2.3.1' }, x: 1, y: 1 }),
    });
    expect(differences.map((d) => [d.pointer, d.disposition])).toEqual([
      ['/meta/version', { counted: false, by: 'policy', policy: 'version-field' }],
      ['/y', { counted: true }],
    ]);
    expect(comparer.summary().versions?.relation).toBe('patch');
  });

  it('compares the header allowlist with normalizers, and reports secret headers redacted', async () => {
    const comparer = await createComparer({
      compareHeaders: ['content-type', 'etag', 'set-cookie', 'cache-control'],
    });
    const { differences } = comparer.compare({
      record,
      route,
      live: answer({}, { etag: '"1"', 'set-cookie': 'sid=abc', 'cache-control': 'max-age=30' }),
      candidate: answer(
        {},
        { 'content-type': 'application/json; charset=utf-8', etag: '"2"', 'set-cookie': 'sid=def' },
      ),
    });
    expect(differences.map(({ disposition: _, ...d }) => d)).toEqual([
      { route, pointer: '/headers/set-cookie', kind: 'header', live: '[redacted]', candidate: '[redacted]' },
      { route, pointer: '/headers/cache-control', kind: 'header', live: 'max-age=30' },
    ]);
  });

  it('compares text as text and other bodies by hash, with status', async () => {
    const comparer = await createComparer({});
    const text = (t: string, type: string, status = 200): ExchangeResponse => ({
      ok: true,
      status,
      headers: { 'content-type': type },
      body: Buffer.from(t),
      truncated: false,
      latencyMs: 1,
    });
    expect(
      comparer.compare({
        record,
        route,
        live: text('hello', 'text/plain'),
        candidate: text('hullo', 'text/plain', 201),
      }).differences,
    ).toEqual([
      {
        route,
        pointer: '/status',
        kind: 'status',
        live: 200,
        candidate: 201,
        disposition: { counted: true },
      },
      {
        route,
        pointer: '',
        kind: 'changed',
        live: 'hello',
        candidate: 'hullo',
        disposition: { counted: true },
      },
    ]);
    const [binary] = comparer.compare({
      record,
      route,
      live: text('ab', 'image/png'),
      candidate: text('ac', 'image/png'),
    }).differences;
    expect(binary?.live).toMatch(/^sha256:[0-9a-f]{64} \(2 bytes\)$/);
  });

  it('applies array keys and tolerances from options and rules, crediting the rules', async () => {
    const comparer = await createComparer({
      arrayKeys: { '/items': 'id' },
      rules: [
        { id: 'tags-any-order', pointer: '/tags', unordered: true },
        { id: 'cents', route: 'GET /p/:id', pointer: '/**/price', tolerance: 0.01 },
      ],
    });
    const { differences } = comparer.compare({
      record,
      route,
      live: answer({
        items: [
          { id: 1, price: 1 },
          { id: 2, price: 2 },
        ],
        tags: ['a', 'b'],
      }),
      candidate: answer({
        items: [
          { id: 2, price: 2.001 },
          { id: 1, price: 1 },
        ],
        tags: ['b', 'a'],
      }),
    });
    expect(differences).toEqual([]);
    expect(comparer.ruleHits()).toEqual({ 'tags-any-order': 1, cents: 1 });
  });

  it('probes a stable share of records and diffs live against itself', async () => {
    const comparer = await createComparer({ noiseProbe: 0.5 });
    const records = Array.from(
      { length: 200 },
      (_, i): RequestRecord => ({ method: 'GET', path: `/p/${i}`, headers: {} }),
    );
    const picked = records.filter((r) => comparer.wantsProbe(r, route)).length;
    expect(picked).toBeGreaterThan(70);
    expect(picked).toBeLessThan(130);
    expect(records.filter((r) => comparer.wantsProbe(r, route)).length).toBe(picked);
    const { noise } = comparer.compare({
      record,
      route,
      live: answer({ a: 1 }),
      candidate: answer({ a: 1 }),
      liveAgain: answer({ a: 2 }),
    });
    expect(noise).toEqual([{ route, pointer: '/a', kind: 'changed', live: 1, candidate: 2 }]);
  });

  it('keeps back only outcomes the noise probe may re-judge, and decides on the rates of all it observed', async () => {
    const run = async (streamed: boolean) => {
      const comparer = await createComparer({ noiseProbe: 1, noiseMinProbed: 3 });
      const outcomes: RecordOutcome[] = [];
      // Six records, each probed: /at differs live vs live every time; the candidate changes /at on the first
      // four and drops /gone (never noise) on the last two.
      for (let i = 0; i < 6; i += 1) {
        const live = answer({ at: i, gone: 1 });
        const candidate = answer(i < 4 ? { at: i + 100, gone: 1 } : { at: i });
        const liveAgain = answer({ at: i + 50, gone: 1 });
        const { differences, noise } = comparer.compare({ record, route, live, candidate, liveAgain });
        outcomes.push({
          route,
          record,
          live,
          candidate,
          differences,
          probe: { live: liveAgain, differences: noise ?? [] },
        });
      }
      const kept = streamed ? outcomes.filter((outcome) => comparer.observe(outcome)) : outcomes;
      comparer.finish(kept);
      return { kept: kept.length, outcomes, summary: comparer.summary() };
    };
    const whole = await run(false);
    const streamed = await run(true);
    expect(streamed.kept).toBe(4);
    expect(streamed.summary).toEqual(whole.summary);
    expect(streamed.summary.noise?.pointers).toEqual([
      expect.objectContaining({ pointer: '/at', raw: 4, compared: 6, noise: 6, verdict: 'noise', hidden: 4 }),
      expect.objectContaining({
        pointer: '/gone',
        raw: 2,
        compared: 6,
        noise: 0,
        verdict: 'real',
        hidden: 0,
      }),
    ]);
    const counted = (outcomes: RecordOutcome[]) =>
      outcomes.map((o) => o.differences.filter((d) => d.disposition.counted).map((d) => d.pointer));
    expect(counted(streamed.outcomes)).toEqual([[], [], [], [], ['/gone'], ['/gone']]);
    expect(counted(streamed.outcomes)).toEqual(counted(whole.outcomes));
  });

  it('lets a matched or only-removed outcome be tallied at once when the noise probe is on', async () => {
    const comparer = await createComparer({ noiseProbe: 1 });
    const compareTo = (candidate: unknown): RecordOutcome => {
      const live = answer({ a: 1, b: 2 });
      const other = answer(candidate);
      return {
        route,
        record,
        live,
        candidate: other,
        differences: comparer.compare({ record, route, live, candidate: other }).differences,
      };
    };
    expect(comparer.observe(compareTo({ a: 1, b: 2 }))).toBe(false);
    expect(comparer.observe(compareTo({ a: 1 }))).toBe(false);
    expect(comparer.observe(compareTo({ a: 3, b: 2 }))).toBe(true);
    const off = await createComparer({});
    const live = answer({ a: 1 });
    const changed = answer({ a: 2 });
    const differences = off.compare({ record, route, live, candidate: changed }).differences;
    expect(off.observe({ route, record, live, candidate: changed, differences })).toBe(false);
  });

  it('rejects bad options with the flag named', async () => {
    await expect(createComparer({ noiseProbe: 2 })).rejects.toThrow(
      new BgReplayError('E_USAGE', '--noise-probe 2 is out of range: give a share 0..1 (1 = every record)'),
    );
    await expect(createComparer({ liveVersion: 'latest' })).rejects.toThrow(
      '--live-version latest is not a semver version',
    );
    await expect(createComparer({ arrayKeys: { items: 'id' } })).rejects.toThrow(
      'pointer pattern "items" must start with "/"',
    );
  });
});
