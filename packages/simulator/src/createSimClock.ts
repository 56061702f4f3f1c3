import { sleep as realSleep } from '@bg-replay/core/internal';

/** A middleware stack as SDK v3 clients have it (only what {@link SimClock.instrument} uses). */
interface ClientWithMiddleware {
  middlewareStack: {
    add(
      middleware: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string; priority: 'high' },
    ): void;
  };
}

/**
 * The time a simulation runs on. `now` and `sleep` go to every hook (as `createHookHandler`'s and the
 * presets' `now`/`sleep`); `track` and `instrument` mark work in flight, so that a virtual clock never
 * jumps past a deadline while a request is still on its way.
 */
export interface SimClock {
  readonly virtual: boolean;
  now(): number;
  /** Resolves after `ms` of this clock's time; early (never rejecting) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Marks `work` as in flight until it settles; returns it. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Marks every request of an SDK v3 client as in flight (added once per client). */
  instrument<C>(client: C): C;
}

/**
 * The real clock: `Date.now` and core's `sleep`; `track` and `instrument` do nothing.
 *
 * @example
 * const clock = createRealClock(); await clock.sleep(10);
 */
export function createRealClock(): SimClock {
  return {
    virtual: false,
    now: () => Date.now(),
    sleep: realSleep,
    track: (work) => work,
    instrument: (client) => client,
  };
}

interface Timer {
  due: number;
  seq: number;
  resolve: () => void;
}

const INSTRUMENTED = Symbol('bg-replay.simClock');

/** Options of {@link createVirtualClock}. */
export interface VirtualClockOptions {
  /**
   * What the clock does while work is in flight: `stands-still` (default: runs repeat to the millisecond,
   * whatever the machine's load), or `real-time`: it runs with the real clock, so a real HTTP replay takes
   * its real duration on the timeline instead of 0 ms (`bg-replay simulate`). Either way no pending `sleep`
   * ends while work is in flight.
   */
  inFlight?: 'stands-still' | 'real-time';
  /** The real clock `real-time` reads (ms). Default `performance.now`. */
  realNow?: () => number;
}

/**
 * A virtual clock: time stands still while anything is in flight (a tracked promise, a request of an
 * instrumented SDK client, a request the stand-in is serving) and otherwise jumps to the next pending
 * `sleep`. A 15-minute Lambda timeout or CodeDeploy's hour then pass in no real time, and in the same order
 * however busy the machine is: only the order of sleeps and requests decides what happens. With
 * `inFlight: 'real-time'`, work in flight takes its real duration instead (see {@link VirtualClockOptions}).
 *
 * @example
 * const clock = createVirtualClock(Date.parse('2026-11-30T10:00:00Z'));
 * await clock.sleep(60_000); // resolves at once; clock.now() is a minute later
 */
export function createVirtualClock(
  start = Date.parse('2026-01-01T00:00:00Z'),
  options: VirtualClockOptions = {},
): SimClock {
  const realNow =
    options.inFlight === 'real-time' ? (options.realNow ?? (() => performance.now())) : undefined;
  /** The real time at which work went in flight (with `real-time`). */
  let busySince: number | undefined;
  let time = start;
  let seq = 0;
  let busy = 0;
  let checking = false;
  const timers: Timer[] = [];

  // Two turns of the event loop with nothing in flight before time moves: promise chains that continue
  // after a response settle in between.
  function schedule(): void {
    if (checking) return;
    checking = true;
    setImmediate(() =>
      setImmediate(() => {
        checking = false;
        advance();
      }),
    );
  }

  function advance(): void {
    if (busy > 0 || timers.length === 0) return;
    timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
    const first = timers[0] as Timer;
    time = Math.max(time, first.due);
    const due = timers.filter((t) => t.due <= time);
    timers.splice(0, due.length);
    for (const t of due) t.resolve();
    if (timers.length) schedule();
  }

  /** Virtual time, with the real time spent in flight so far (with `real-time`). */
  const now = (): number =>
    realNow && busySince !== undefined ? time + Math.round(realNow() - busySince) : time;
  const enter = (): void => {
    if (busy === 0 && realNow) busySince = realNow();
    busy++;
  };
  const leave = (): void => {
    busy--;
    if (busy === 0) {
      time = now();
      busySince = undefined;
      schedule();
    }
  };

  return {
    virtual: true,
    now,
    sleep(ms, signal) {
      return new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        const timer: Timer = { due: now() + Math.max(0, ms), seq: seq++, resolve };
        timers.push(timer);
        signal?.addEventListener(
          'abort',
          () => {
            const i = timers.indexOf(timer);
            if (i >= 0) timers.splice(i, 1);
            resolve();
          },
          { once: true },
        );
        schedule();
      });
    },
    track(work) {
      enter();
      return work.finally(leave);
    },
    instrument(client) {
      const c = client as unknown as ClientWithMiddleware & { [INSTRUMENTED]?: true };
      if (!c?.middlewareStack || c[INSTRUMENTED]) return client;
      c[INSTRUMENTED] = true;
      c.middlewareStack.add(
        (next) => (args) => {
          enter();
          return next(args).finally(leave);
        },
        { step: 'initialize', name: 'bgReplaySimClock', priority: 'high' },
      );
      return client;
    },
  };
}
