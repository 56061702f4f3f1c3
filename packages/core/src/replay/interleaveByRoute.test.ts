import { describe, expect, it } from 'vitest';
import { interleaveByRoute } from './interleaveByRoute.js';

describe('interleaveByRoute', () => {
  it('takes one record of each route in turn, keeping each route’s own order', () => {
    const records = ['a1', 'a2', 'a3', 'b1', 'c1', 'c2'].map((id) => ({ route: id[0] as string, id }));
    expect(interleaveByRoute(records).map((r) => r.id)).toEqual(['a1', 'b1', 'c1', 'a2', 'c2', 'a3']);
  });

  it('keeps every record exactly once', () => {
    const records = Array.from({ length: 50 }, (_, i) => ({ route: `r${i % 7}`, id: i }));
    const out = interleaveByRoute(records);
    expect(out.map((r) => r.id).sort((x, y) => x - y)).toEqual(records.map((r) => r.id));
  });
});
