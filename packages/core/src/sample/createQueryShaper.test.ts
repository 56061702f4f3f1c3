import { describe, expect, it } from 'vitest';
import { createQueryShaper, MAX_STRATA_PER_ROUTE } from './createQueryShaper.js';

describe('createQueryShaper', () => {
  const shaper = createQueryShaper({ isSecret: (name) => name === 'token' });
  for (const status of ['pending', 'shipped', 'delivered', 'cancelled'])
    for (let page = 1; page <= 20; page += 1)
      shaper.learn('GET /orders', `/orders?status=${status}&page=${page}&token=t${page % 2}`);
  shaper.finish();

  it('keeps the value of a key with few values and only the name of a key with many or numeric ones', () => {
    expect(shaper.stratum('GET /orders', '/orders?page=3&status=cancelled')).toBe(
      'GET /orders?page&status=cancelled',
    );
    expect(shaper.stratum('GET /orders', '/orders?status=pending&page=9')).toBe(
      'GET /orders?page&status=pending',
    );
  });

  it('keeps keys and values URL-encoded, so no control character reaches a terminal or a report', () => {
    const hostile = createQueryShaper({ isSecret: () => false });
    hostile.learn('GET /a', '/a?mode=%1b%5B31mred');
    hostile.finish();
    expect(hostile.stratum('GET /a', '/a?mode=%1b%5B31mred')).toBe('GET /a?mode=%1B%5B31mred');
  });

  it('never shows the value of a secret key, and leaves a path without a query as its route', () => {
    expect(shaper.stratum('GET /orders', '/orders?token=t1')).toBe('GET /orders?token');
    expect(shaper.stratum('GET /orders', '/orders')).toBe('GET /orders');
  });

  it('bounds the strata of a route; later shapes share one', () => {
    const many = createQueryShaper({ isSecret: () => false });
    many.finish();
    const strata = new Set(
      Array.from({ length: 40 }, (_, i) => many.stratum('GET /search', `/search?k${i}=1`)),
    );
    expect(strata.size).toBe(MAX_STRATA_PER_ROUTE + 1);
    expect(strata.has('GET /search?…')).toBe(true);
  });
});
