import { describe, expect, it } from 'vitest';
import { createRecordFilter, createShardCheck, parseShard, parseStatusFilter } from './createRecordFilter.js';

const get = (path: string, status?: number) => ({ method: 'GET', path, status });

describe('createRecordFilter', () => {
  it('returns no filter when nothing is asked', () => {
    expect(createRecordFilter({})).toBeUndefined();
    expect(createRecordFilter({ shard: { index: 1, total: 1 } })).toBeUndefined();
  });

  it('includes and excludes by route or path glob', () => {
    const filter = createRecordFilter({
      include: ['GET /orders/:id', '/products/**'],
      exclude: ['/products/internal/*'],
    });
    expect(filter?.('GET /orders/:id', get('/orders/1'))).toBeUndefined();
    expect(filter?.('GET /products/:id', get('/products/9?x=1'))).toBeUndefined();
    expect(filter?.('GET /products/internal/:id', get('/products/internal/3'))).toBe('exclude');
    expect(filter?.('GET /health', get('/health'))).toBe('include');
    expect(createRecordFilter({ include: ['POST /orders/*'] })?.('GET /orders/:id', get('/orders/1'))).toBe(
      'include',
    );
  });

  it('matches paths and routes without regard to case, as Express and ASP.NET route them', () => {
    const filter = createRecordFilter({ exclude: ['/admin/**', 'delete /orders/*'] });
    expect(filter?.('GET /Admin/purge', get('/Admin/purge'))).toBe('exclude');
    expect(filter?.('GET /ADMIN/:id', get('/ADMIN/1?x=1'))).toBe('exclude');
    expect(filter?.('DELETE /Orders/:id', { method: 'DELETE', path: '/Orders/1' })).toBe('exclude');
    expect(filter?.('GET /administrator', get('/administrator'))).toBeUndefined();
  });

  it('keeps records whose live status is in the class, and those without a status', () => {
    const filter = createRecordFilter({ liveStatus: '2xx' });
    expect(filter?.('GET /a', get('/a', 204))).toBeUndefined();
    expect(filter?.('GET /a', get('/a', 500))).toBe('liveStatus');
    expect(filter?.('GET /a', get('/a'))).toBeUndefined();
    expect(parseStatusFilter('2xx,404')(404)).toBe(true);
    expect(() => parseStatusFilter('ok')).toThrow(/--live-status ok: expected status classes or codes/);
  });

  it('splits records and malformed lines into disjoint shards that cover them all', () => {
    const shards = [1, 2, 3].map((index) => createShardCheck({ index, total: 3 }));
    for (let i = 0; i < 300; i += 1) {
      expect(shards.filter((mine) => mine?.(get(`/a/${i}`))).length).toBe(1);
      expect(shards.filter((mine) => mine?.({ source: 'access.log', line: i })).length).toBe(1);
    }
    expect(createShardCheck({ index: 1, total: 1 })).toBeUndefined();
    expect(parseShard('2/4')).toEqual({ index: 2, total: 4 });
    expect(() => parseShard('0/4')).toThrow(/--shard 0\/4: expected i\/N with 1 <= i <= N/);
    expect(() => parseShard('5/4')).toThrow(/--shard/);
  });

  it('names the flag of a pattern that is neither a route nor a path', () => {
    expect(() => createRecordFilter({ exclude: ['health'] })).toThrow(
      /--exclude health: expected a route or path glob/,
    );
  });
});
