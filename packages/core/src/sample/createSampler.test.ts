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
