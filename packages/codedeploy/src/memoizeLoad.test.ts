import { describe, expect, it } from 'vitest';
import { memoizeLoad } from './memoizeLoad.js';

describe('memoizeLoad', () => {
  it('loads at once, keeps a success, and tries again after a failure', async () => {
    let calls = 0;
    const load = memoizeLoad(async () => {
      calls += 1;
      if (calls === 1) throw new Error('ThrottlingException');
      return { ok: calls };
    });
    expect(calls).toBe(1); // started at cold start
    await expect(load()).rejects.toThrow('ThrottlingException');
    await expect(load()).resolves.toEqual({ ok: 2 });
    await expect(load()).resolves.toEqual({ ok: 2 });
    expect(calls).toBe(2);
  });
});
