import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/io.js';
import { createProgress, formatEta } from '../../src/progress.js';

function ioWith(tty: boolean): { io: CliIo; written: () => string } {
  let text = '';
  const stderr = Object.assign(
    new Writable({
      write: (c, _e, cb) => {
        text += String(c);
        cb();
      },
    }),
    { isTTY: tty, columns: 120 },
  );
  const stdout = new Writable({ write: (_c, _e, cb) => cb() });
  return { io: { stdout, stderr, env: {}, cwd: '/' } as unknown as CliIo, written: () => text };
}

describe('progress', () => {
  it('prints a plain line every 5 seconds with rate and ETA when stderr is not a terminal', () => {
    const { io, written } = ioWith(false);
    let t = 1_000_000;
    const progress = createProgress(io, () => t);
    t += 1000;
    progress.update(10, 400); // 1 s in: too soon for a line
    t += 4000;
    progress.update(50, 400); // 5 s in: 10 records/s, 350 left
    t += 2000;
    progress.update(70, 400); // 2 s after the last line: none
    t += 3000;
    progress.update(100, 400); // 10 s in
    progress.end();
    expect(written()).toBe(
      'progress: 50/400 records (12%), 10/s, ETA 35s\nprogress: 100/400 records (25%), 10/s, ETA 30s\n',
    );
  });

  it('says which attempt it is when --retry-until starts the sample over', () => {
    const { io, written } = ioWith(false);
    let t = 0;
    const progress = createProgress(io, () => t, { intervalMs: 1000 });
    t = 1000;
    progress.update(4, 4);
    t = 2000;
    progress.update(1, 4); // the count starts over: attempt 2, clock restarted
    t = 3000;
    progress.update(2, 4);
    expect(written().split('\n')).toEqual([
      'progress: 4/4 records (100%), 4.0/s',
      'progress: 2/4 records (50%), 2.0/s, ETA 1s, attempt 2',
      '',
    ]);
  });

  it('draws a bar with the ETA on a terminal and clears it at the end', () => {
    const { io, written } = ioWith(true);
    let t = 0;
    const progress = createProgress(io, () => t);
    t = 20_000;
    progress.update(100, 400);
    progress.end();
    expect(written()).toContain('] 100/400 records, 5.0/s, ETA 1m 00s');
    expect(written().endsWith('\r\u001b[K')).toBe(true);
  });

  it('formats ETAs for people', () => {
    expect(formatEta(45_000)).toBe('45s');
    expect(formatEta(185_000)).toBe('3m 05s');
    expect(formatEta(3_720_000)).toBe('1h 02m');
  });
});
