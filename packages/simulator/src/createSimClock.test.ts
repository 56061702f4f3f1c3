import { describe, expect, it } from 'vitest';
import { createVirtualClock } from './createSimClock.js';

describe('createVirtualClock', () => {
  it('resolves sleeps in the order they fall due, moving time to each', async () => {
    const clock = createVirtualClock(1_000);
    const seen: string[] = [];
    await Promise.all([
      clock.sleep(300).then(() => seen.push(`b@${clock.now()}`)),
      clock.sleep(100).then(() => seen.push(`a@${clock.now()}`)),
      clock.sleep(3_600_000).then(() => seen.push(`hour@${clock.now()}`)),
    ]);
    expect(seen).toEqual(['a@1100', 'b@1300', 'hour@3601000']);
  });

  it('stands still while tracked work is in flight, however long it takes in real time', async () => {
    const clock = createVirtualClock(0);
    let timedOut = false;
    const deadline = clock.sleep(50).then(() => {
      timedOut = true;
    });
    // Real work of unknown length: a deadline must not pass while it runs.
    await clock.track(new Promise((resolve) => setTimeout(resolve, 30)));
    expect(timedOut).toBe(false);
    expect(clock.now()).toBe(0);
    await deadline;
    expect(clock.now()).toBe(50);
  });

  it('with inFlight real-time, lets work in flight take its real duration, and no deadline ends during it', async () => {
    let real = 5_000;
    const clock = createVirtualClock(0, { inFlight: 'real-time', realNow: () => real });
    let timedOut = false;
    const deadline = clock.sleep(1_000).then(() => {
      timedOut = true;
    });
    let release!: () => void;
    const work = clock.track(
      new Promise<void>((resolve) => {
        release = resolve;
      }),
    );
    real += 400;
    expect(clock.now()).toBe(400);
    real += 2_100;
    release();
    await work;
    // 2.5 s of real replay passed the 1 s deadline, which ends only now that the work is done.
    expect(timedOut).toBe(false);
    expect(clock.now()).toBe(2_500);
    real += 60_000; // real time outside work in flight does not count
    await deadline;
    expect(timedOut).toBe(true);
    expect(clock.now()).toBe(2_500);
    await clock.sleep(100);
    expect(clock.now()).toBe(2_600);
  });

  it('resolves an aborted sleep at once without moving time', async () => {
    const clock = createVirtualClock(0);
    const stop = new AbortController();
    const sleeping = clock.sleep(60_000, stop.signal);
    stop.abort();
    await sleeping;
    expect(clock.now()).toBe(0);
  });

  it('counts a request of an instrumented client as work in flight', async () => {
    const clock = createVirtualClock(0);
    const added: Array<(next: (a: unknown) => Promise<unknown>) => (a: unknown) => Promise<unknown>> = [];
    const client = { middlewareStack: { add: (m: (typeof added)[number]) => added.push(m) } };
    clock.instrument(client);
    clock.instrument(client);
    expect(added).toHaveLength(1);
    let fired = false;
    void clock.sleep(10).then(() => {
      fired = true;
    });
    const send = added[0]?.(() => new Promise((resolve) => setTimeout(() => resolve('ok'), 30)));
    expect(await send?.({})).toBe('ok');
    expect(fired).toBe(false);
  });
});
