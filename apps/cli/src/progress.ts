import type { CliIo } from './io.js';

export interface Progress {
  update(done: number, total: number): void;
  /** Starts a new attempt (`--retry-until`): the bar shows which one. */
  attempt(n: number): void;
  end(): void;
}

/**
 * A one-line progress bar on stderr when it is a TTY: records done, rate and the attempt when retrying;
 * nothing otherwise, so CI logs stay clean. `now` is injectable for tests.
 */
export function createProgress(io: CliIo, now: () => number = Date.now): Progress {
  const stream = io.stderr;
  if (!stream.isTTY) return { update() {}, attempt() {}, end() {} };
  let last = 0;
  let started = now();
  let attempt = 1;
  let lastDone = 0;
  return {
    update(done, total) {
      const t = now();
      // validate re-runs the same sample on --retry-until: a count that starts over is a new attempt.
      if (done < lastDone) {
        attempt += 1;
        started = t;
        last = 0;
      }
      lastDone = done;
      if (done !== total && t - last < 100) return;
      last = t;
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 50));
      const filled = total === 0 ? width : Math.round((done / total) * width);
      const rate = t > started ? (done / ((t - started) / 1000)).toFixed(0) : '–';
      const label = attempt > 1 ? ` attempt ${attempt}` : '';
      stream.write(
        `\r\x1b[K[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total} records, ${rate}/s${label}`,
      );
    },
    attempt(n) {
      attempt = n;
      started = now();
      last = 0;
      lastDone = 0;
    },
    end() {
      stream.write('\r\x1b[K');
    },
  };
}
