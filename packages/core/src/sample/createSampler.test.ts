import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../model.js';
import { createSampler } from './createSampler.js';

const rec = (path: string): RequestRecord => ({ method: 'GET', path, headers: {} });

function run(seed: number, options: { maxPerRoute?: number; size?: number } = {}) {
  const sampler = createSampler({
    size: options.size ?? 20,
    seed,
    minPerRoute: 3,
    maxPerRoute: options.maxPerRoute,
  });
  for (let i = 0; i < 5000; i += 1) sampler.offer(rec(`/common/${i}`), 'GET /common/:id');
  for (let i = 0; i < 4; i += 1) sampler.offer(rec(`/rare/${i}`), 'GET /rare/:id');
  return sampler.result();
}

describe('createSampler', () => {
  it('gives a rare route its guaranteed minimum and the rest to the common one', () => {
    const { records, seenPerRoute } = run(1);
    expect(records.filter((r) => r.path.startsWith('/rare')).length).toBe(3);
    expect(records.length).toBe(20);
    expect(seenPerRoute.get('GET /common/:id')).toBe(5000);
  });

  it('is reproducible with the same seed and differs with another', () => {
    expect(run(7).records.map((r) => r.path)).toEqual(run(7).records.map((r) => r.path));
    expect(run(7).records.map((r) => r.path)).not.toEqual(run(8).records.map((r) => r.path));
  });

  it('caps a route at maxPerRoute', () => {
    const { records } = run(1, { maxPerRoute: 5 });
    expect(records.filter((r) => r.path.startsWith('/common')).length).toBe(5);
  });

  it('materializes only what the reservoir takes', () => {
    let parsed = 0;
    const sampler = createSampler<string>({
      size: 10,
      seed: 1,
      minPerRoute: 1,
      materialize: (path) => {
        parsed += 1;
        return rec(path);
      },
    });
    for (let i = 0; i < 100_000; i += 1) sampler.offer(`/a/${i}`, 'GET /a/:id');
    expect(sampler.result().records).toHaveLength(10);
    // Algorithm R replaces about k·ln(n/k) times: far fewer parses than lines.
    expect(parsed).toBeLessThan(200);
  });

  it('skips a candidate identical to one the reservoir holds, and one that fails to materialize', () => {
    const sampler = createSampler<string>({
      size: 10,
      seed: 1,
      minPerRoute: 1,
      materialize: (p) => (p === 'bad' ? undefined : rec(p)),
    });
    expect(sampler.offer('/x', 'GET /x', 42)).toBe('kept');
    expect(sampler.offer('/x', 'GET /x', 42)).toBe('duplicate');
    expect(sampler.offer('bad', 'GET /x', 43)).toBe('failed');
    expect(sampler.result().seenPerRoute.get('GET /x')).toBe(1);
  });
});

describe('createSampler memory', () => {
  it('holds at most four times the sample plus each route’s minimum, however long the log', () => {
    const sampler = createSampler({ size: 100, seed: 1, minPerRoute: 2 });
    let peak = 0;
    for (let i = 0; i < 200_000; i += 1) {
      sampler.offer({ method: 'GET', path: `/r${i % 500}/${i}`, headers: {} }, `GET /r${i % 500}/:id`);
      peak = Math.max(peak, sampler.held());
    }
    expect(peak).toBeLessThanOrEqual(4 * 100 + 2 * 500 + 1);
    const { records, seenPerRoute } = sampler.result();
    expect(records).toHaveLength(1000); // every route's minimum of 2 outweighs the size of 100
    expect(new Set(records.map((r) => r.path.split('/')[1])).size).toBe(500);
    expect(seenPerRoute.get('GET /r7/:id')).toBe(400);
  });

  it('shares one stratum among routes past maxRoutes, so routes that never repeat cannot grow memory', () => {
    const sampler = createSampler({ size: 50, seed: 1, minPerRoute: 1, maxRoutes: 100 });
    for (let i = 0; i < 50_000; i += 1)
      sampler.offer({ method: 'GET', path: `/p/${i}`, headers: {} }, `GET /p/${i}`);
    expect(sampler.held()).toBeLessThanOrEqual(4 * 50 + 101);
    const { records, seenPerRoute } = sampler.result();
    expect(seenPerRoute.size).toBe(100);
    expect(records.length).toBeGreaterThanOrEqual(50);
  });
});
