import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
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

/** Longest line held whole (16 Mi characters); a longer one is cut to its first 64 KiB. */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;
export const KEPT_OF_LONG_LINE = 64 * 1024;

/** A batch of consecutive lines: `lines[0]` is line number `first` (1-based). */
export interface LineBatch {
  lines: string[];
  first: number;
  /**
   * With `pieceChars`: the last line is unfinished and goes on in the next batch's first line (a piece of
   * an overlong line, such as a one-line HAR).
   */
  open?: boolean;
}

/**
 * Streams the lines of a readable (plain or gzip) in batches, one batch per read chunk: a caller pays one
 * promise per chunk, not per line. `\r\n` and `\n` both end a line. A line longer than `maxLineChars` is
 * cut to its head, unless `pieceChars` is given: then it comes in `open` pieces of about that many characters.
 *
 * @example
 * for await (const { lines, first } of readLineBatches(createReadStream('access.log'))) count += lines.length;
 */
export async function* readLineBatches(
  stream: Readable,
  limits: { maxLineChars?: number; keptOfLongLine?: number; pieceChars?: number } = {},
): AsyncGenerator<LineBatch> {
  const maxLine = limits.maxLineChars ?? MAX_LINE_CHARS;
  const kept = limits.keptOfLongLine ?? KEPT_OF_LONG_LINE;
  const input = await maybeGunzip(stream);
  const decoder = new StringDecoder('utf8');
  // Pieces of a line longer than a chunk, joined once its end arrives (no quadratic concatenation).
  let pending: string[] = [];
  let pendingLength = 0;
  let next = 1;
  // ASCII chunks (most logs) skip the decoder's bookkeeping; the UTF-8 decoder is used while a chunk may end
  // inside a multi-byte character.
  let decoderHolds = false;
  let lastOpen = false;
  for await (const chunk of input) {
    const buffer = chunk as Buffer;
    let decoded: string;
    if (!decoderHolds && isAscii(buffer)) decoded = buffer.toString('utf8');
    else {
      decoded = decoder.write(buffer);
      decoderHolds = buffer.length > 0 && (buffer[buffer.length - 1] as number) >= 0x80;
    }
    const end = decoded.lastIndexOf('\n');
    if (end < 0 && limits.pieceChars !== undefined) {
      // A long line is handed on in pieces (`open` batches): the caller decides whether to join or to cut it.
      if (decoded !== '') {
        pending.push(decoded);
        pendingLength += decoded.length;
      }
      if (pendingLength >= limits.pieceChars) {
        yield { lines: [pending.join('')], first: next, open: true };
        pending = [];
        pendingLength = 0;
        lastOpen = true;
      }
      continue;
    }
    if (end < 0) {
      // A line longer than any log line (a minified dump, binary data) is not held whole: its head is kept,
      // so its parser counts it as malformed, and memory stays bounded.
      if (pendingLength < maxLine && decoded !== '') {
        pending.push(decoded);
        pendingLength += decoded.length;
      }
      continue;
    }
    // An overlong line keeps only its head, without its end, so no parser mistakes what is left for a whole
    // line; the lines after it in this chunk are read as usual.
    const text =
      pendingLength >= maxLine
        ? `${pending.join('').slice(0, kept)}${decoded.slice(decoded.indexOf('\n'), end)}`
        : pending.length > 0
          ? pending.join('') + decoded.slice(0, end)
          : decoded.slice(0, end);
    pending = end + 1 < decoded.length ? [decoded.slice(end + 1)] : [];
    pendingLength = pending[0]?.length ?? 0;
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i += 1) {
      const line = lines[i] as string;
      if (line.charCodeAt(line.length - 1) === 13) lines[i] = line.slice(0, -1);
    }
    yield { lines, first: next };
    next += lines.length;
    lastOpen = false;
  }
  const tail = pending.join('') + decoder.end();
  // An open piece is always followed by the end of its line, even an empty one.
  if (tail !== '' || lastOpen) yield { lines: [tail.endsWith('\r') ? tail.slice(0, -1) : tail], first: next };
}

/**
 * Streams the lines of a readable (plain or gzip), never holding more than one chunk in memory.
 *
 * @example
 * for await (const { text, line } of readLines(createReadStream('access.log'))) console.log(line, text);
 */
export async function* readLines(stream: Readable): AsyncGenerator<Line> {
  for await (const { lines, first } of readLineBatches(stream)) {
    for (let i = 0; i < lines.length; i += 1) yield { text: lines[i] as string, line: first + i };
  }
}

/** Opens a log file for streaming, with an error that names the file when it cannot be read. */
export async function openFile(path: string): Promise<Readable> {
  try {
    const info = await stat(path);
    if (info.isDirectory())
      throw new BgReplayError('E_INPUT', `log file ${path} is a directory; name a file`);
  } catch (error) {
    if (error instanceof BgReplayError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code);
    throw new BgReplayError('E_INPUT', `cannot read log file ${path}: ${why}`, { cause: error });
  }
  // Large reads: fewer chunks, fewer batches; memory still holds one chunk at a time.
  return createReadStream(path, { highWaterMark: 64 * 1024 });
}
