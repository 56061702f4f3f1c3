import type { CliIo } from './io.js';

export interface Progress {
  update(done: number, total: number): void;
  /** Starts a new attempt (`--retry-until`): the bar shows which one. */
  attempt(n: number): void;
  end(): void;
}

export interface ProgressOptions {
  /** Milliseconds between progress lines when stderr is not a terminal (default 5000). */
  intervalMs?: number;
}

/** A duration as a person reads an ETA: `45s`, `3m 05s`, `1h 02m`. */
export function formatEta(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/**
 * Progress on stderr. On a terminal: a one-line bar with records done, rate, ETA and the attempt when
 * retrying. Otherwise (CI logs): a plain line every `intervalMs` with the same figures, so a long run shows
 * it is alive without flooding the log. `now` is injectable, so tests need no real time.
 */
export function createProgress(
  io: CliIo,
  now: () => number = Date.now,
  options: ProgressOptions = {},
): Progress {
  const stream = io.stderr;
  const tty = stream.isTTY === true;
  const intervalMs = options.intervalMs ?? 5000;
  let started = now();
  let last = tty ? 0 : started;
  let attempt = 1;
  let lastDone = 0;
  const figures = (done: number, total: number, t: number) => {
    const elapsed = (t - started) / 1000;
    const perSecond = elapsed > 0 ? done / elapsed : 0;
    const rate = elapsed > 0 ? perSecond.toFixed(perSecond < 10 ? 1 : 0) : '–';
    const eta =
      perSecond > 0 && done < total ? `, ETA ${formatEta(((total - done) / perSecond) * 1000)}` : '';
    const label = attempt > 1 ? `, attempt ${attempt}` : '';
    return `${done}/${total} records, ${rate}/s${eta}${label}`;
  };
  return {
    update(done, total) {
      const t = now();
      // validate re-runs the same sample on --retry-until: a count that starts over is a new attempt.
      if (done < lastDone) {
        attempt += 1;
        started = t;
        last = tty ? 0 : t;
      }
      lastDone = done;
      if (!tty) {
        if (t - last < intervalMs) return;
        last = t;
        const share = total > 0 ? ` (${Math.floor((done / total) * 100)}%)` : '';
        stream.write(`progress: ${figures(done, total, t).replace(' records', ` records${share}`)}\n`);
        return;
      }
      if (done !== total && t - last < 100) return;
      last = t;
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 60));
      const filled = total === 0 ? width : Math.round((done / total) * width);
      stream.write(`\r\x1b[K[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${figures(done, total, t)}`);
    },
    attempt(n) {
      attempt = n;
      started = now();
      last = tty ? 0 : started;
      lastDone = 0;
    },
    end() {
      if (tty) stream.write('\r\x1b[K');
    },
  };
}
