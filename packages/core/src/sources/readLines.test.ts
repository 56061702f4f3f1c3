import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readLineBatches, readLines } from './readLines.js';

async function all(stream: Readable, limits?: Parameters<typeof readLineBatches>[1]) {
  const out: Array<{ text: string; line: number }> = [];
  for await (const { lines, first } of readLineBatches(stream, limits)) {
    for (const [i, text] of lines.entries()) out.push({ text, line: first + i });
  }
  return out;
}

describe('readLineBatches', () => {
  it('numbers lines across chunk boundaries, with \\r\\n and a last line without newline', async () => {
    const lines = await all(Readable.from(['first\r\nsec', 'ond\n', 'third']));
    expect(lines).toEqual([
      { text: 'first', line: 1 },
      { text: 'second', line: 2 },
      { text: 'third', line: 3 },
    ]);
  });

  it('reads gzip by its magic bytes, and keeps a multi-byte character split across chunks', async () => {
    const zipped = gzipSync('a\nb\n');
    expect((await all(Readable.from([zipped]))).map((l) => l.text)).toEqual(['a', 'b']);
    const euro = Buffer.from('€\n');
    const split = Readable.from([euro.subarray(0, 1), euro.subarray(1)]);
    expect((await all(split)).map((l) => l.text)).toEqual(['€']);
  });

  it('cuts a line longer than the limit to its head instead of holding it whole, and keeps numbering', async () => {
    const chunks = ['{"start":', ...Array.from({ length: 100 }, () => 'x'.repeat(1000)), '}\nnext\n'];
    const lines = await all(Readable.from(chunks), { maxLineChars: 10_000, keptOfLongLine: 20 });
    expect(lines.map((l) => l.line)).toEqual([1, 2]);
    expect(lines[0]?.text).toHaveLength(20);
    expect(lines[0]?.text.startsWith('{"start":xxxxxxxxxxx')).toBe(true);
    expect(lines[1]?.text).toBe('next');
  });
});

describe('readLines', () => {
  it('hands on an overlong line in open pieces when asked, and always ends it', async () => {
    const batches = [];
    for await (const batch of readLineBatches(Readable.from(['a\nbbbb', 'bbbb', 'cc\nd', 'dddd']), {
      pieceChars: 4,
    }))
      batches.push(batch);
    expect(batches).toEqual([
      { lines: ['a'], first: 1 },
      { lines: ['bbbbbbbb'], first: 2, open: true },
      { lines: ['cc'], first: 2 },
      { lines: ['ddddd'], first: 3, open: true },
      { lines: [''], first: 3 },
    ]);
  });

  it('yields one numbered line at a time', async () => {
    const out = [];
    for await (const line of readLines(Readable.from(['a\nb\n']))) out.push(line);
    expect(out).toEqual([
      { text: 'a', line: 1 },
      { text: 'b', line: 2 },
    ]);
  });
});
