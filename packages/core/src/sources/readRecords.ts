import type { Readable } from 'node:stream';
import { BgReplayError } from '../errors.js';
import type { ParseOutcome, RequestRecord } from '../model.js';
import type { FormatParser } from './formatParser.js';
import { apiGatewayParser } from './parseApiGateway.js';
import { jsonlParser } from './parseJsonl.js';
import { type Line, openFile, readLines } from './readLines.js';

/** Where records come from. */
export type LogInput =
  | { kind: 'file'; path: string }
  | { kind: 'stream'; name: string; stream: Readable }
  | { kind: 'records'; name: string; records: AsyncIterable<RequestRecord> | Iterable<RequestRecord> };

/** Every format, in detection order: the most specific first. */
export const FORMAT_PARSERS: readonly FormatParser[] = [apiGatewayParser, jsonlParser];

export type FormatName = 'auto' | (typeof FORMAT_PARSERS)[number]['name'];

export function formatNames(): string[] {
  return ['auto', ...FORMAT_PARSERS.map((p) => p.name)];
}

/** Picks the parser for `format`, or detects it from the first non-empty line. */
export function chooseParser(format: string, firstLine: string | undefined, source: string): FormatParser {
  if (format !== 'auto') {
    const parser = FORMAT_PARSERS.find((p) => p.name === format);
    if (!parser) throw new BgReplayError('E_USAGE', `unknown --format ${format}; use one of ${formatNames().join(', ')}`);
    return parser;
  }
  if (firstLine === undefined) return jsonlParser;
  const parser = FORMAT_PARSERS.find((p) => p.detect(firstLine));
  if (!parser) {
    throw new BgReplayError(
      'E_INPUT',
      `${source}: cannot tell the log format from its first line; pass --format (${formatNames().join(', ')})`,
    );
  }
  return parser;
}

/** Reads the first non-empty line, then replays it in front of the rest. */
async function peekFirst(lines: AsyncIterable<Line>): Promise<{ first: string | undefined; lines: AsyncIterable<Line> }> {
  const iterator = lines[Symbol.asyncIterator]();
  const buffered: Line[] = [];
  let first: string | undefined;
  while (true) {
    const next = await iterator.next();
    if (next.done) break;
    buffered.push(next.value);
    if (next.value.text.trim() !== '') {
      first = next.value.text;
      break;
    }
  }
  async function* all(): AsyncGenerator<Line> {
    yield* buffered;
    while (true) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { first, lines: all() };
}

/**
 * Streams parse outcomes (records and malformed lines) from one input, detecting its format when asked.
 *
 * @example
 * for await (const outcome of readRecords({ kind: 'file', path: 'access.log' }, { format: 'auto' })) { ... }
 */
export async function* readRecords(input: LogInput, options: { format: string }): AsyncGenerator<ParseOutcome> {
  if (input.kind === 'records') {
    for await (const record of input.records) yield { kind: 'record', record };
    return;
  }
  const name = input.kind === 'file' ? input.path : input.name;
  const stream = input.kind === 'file' ? await openFile(input.path) : input.stream;
  try {
    const peeked = await peekFirst(readLines(stream));
    const parser = chooseParser(options.format, peeked.first, name);
    yield* parser.parse(peeked.lines, name);
  } catch (error) {
    if (error instanceof BgReplayError) throw error;
    throw new BgReplayError('E_INPUT', `cannot read ${name}: ${(error as Error).message}`, { cause: error });
  } finally {
    stream.destroy();
  }
}
