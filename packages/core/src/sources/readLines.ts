import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { BgReplayError } from '../errors.js';

/** One line of a log, with its 1-based number. */
export interface Line {
  text: string;
  line: number;
}

/** Gzip input is recognised by its magic bytes, not by its name. */
async function maybeGunzip(stream: Readable): Promise<Readable> {
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head: Buffer | undefined = first.done ? undefined : Buffer.from(first.value as Buffer);
  async function* rest(): AsyncGenerator<Buffer> {
    if (head) yield head;
    while (true) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value as Buffer;
    }
  }
  const { Readable: ReadableCtor } = await import('node:stream');
  const joined = ReadableCtor.from(rest(), { objectMode: false });
  if (head && head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip();
    joined.on('error', (error) => gunzip.destroy(error));
    return joined.pipe(gunzip);
  }
  return joined;
}

/**
 * Streams the lines of a readable (plain or gzip), never holding more than one chunk in memory.
 *
 * @example
 * for await (const { text, line } of readLines(createReadStream('access.log'))) console.log(line, text);
 */
export async function* readLines(stream: Readable): AsyncGenerator<Line> {
  const input = await maybeGunzip(stream);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    yield { text, line };
  }
}

/** Opens a log file for streaming, with an error that names the file when it cannot be read. */
export async function openFile(path: string): Promise<Readable> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new BgReplayError('E_INPUT', `log file ${path} is a directory; name a file`);
  } catch (error) {
    if (error instanceof BgReplayError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code);
    throw new BgReplayError('E_INPUT', `cannot read log file ${path}: ${why}`, { cause: error });
  }
  return createReadStream(path);
}
