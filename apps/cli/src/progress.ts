import type { CliIo } from './io.js';

/** A one-line progress bar on stderr when it is a TTY; nothing otherwise (CI logs stay clean). */
export function createProgress(io: CliIo): { update(done: number, total: number): void; end(): void } {
  const stream = io.stderr;
  if (!stream.isTTY) return { update() {}, end() {} };
  let last = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (done !== total && now - last < 100) return;
      last = now;
      const width = 30;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} records`);
    },
    end() {
      stream.write('\r\x1b[K');
    },
  };
}
