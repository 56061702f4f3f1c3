import type { Readable } from 'node:stream';
import { BgReplayError } from '../errors.js';
import type { ParseOutcome, RequestRecord } from '../model.js';
import { type CloudWatchOptions, readCloudWatch } from './cloudwatch/readCloudWatch.js';
import type { FieldMap, FormatParser, ParserContext, ParserStream, SourceOutcome } from './formatParser.js';
import { albParser } from './parseAlb.js';
import { apiGatewayParser } from './parseApiGateway.js';
import { appJsonParser } from './parseAppJson.js';
import { clfParser } from './parseClf.js';
import { goReplayParser } from './parseGoReplay.js';
import { harParser } from './parseHar.js';
import { jsonlParser } from './parseJsonl.js';
import { KEPT_OF_LONG_LINE, type LineBatch, MAX_LINE_CHARS, openFile, readLineBatches } from './readLines.js';
import { expandGlobInput } from './resolveLogInputs.js';

/** Where records come from. */
export type LogInput =
  | { kind: 'file'; path: string }
  | { kind: 'stream'; name: string; stream: Readable }
  | { kind: 'records'; name: string; records: AsyncIterable<RequestRecord> | Iterable<RequestRecord> }
  /** A CloudWatch Logs group, read over the window and with the strategy of `ReadOptions.cloudwatch`. */
  | { kind: 'cloudwatch'; logGroup: string }
  /** Every file a glob matches (`logs/*.log.gz`), relative to `cwd`, in name order. */
  | { kind: 'glob'; pattern: string; cwd: string };

/** Every format, in detection order: the most specific first (application JSON last: it accepts many shapes). */
export const FORMAT_PARSERS: readonly FormatParser[] = [
  apiGatewayParser,
  albParser,
  goReplayParser,
  clfParser,
  jsonlParser,
  harParser,
  appJsonParser,
];

export type FormatName = 'auto' | 'apigw' | 'alb' | 'gor' | 'clf' | 'jsonl' | 'har' | 'appjson';

/** The names `--format` accepts. */
export function formatNames(): string[] {
  return ['auto', ...FORMAT_PARSERS.map((p) => p.name)];
}

/** How to read one input. */
export interface ReadOptions {
  /** A format name or alias, or `auto` (default) to detect it from the first lines. */
  format?: string;
  /** Field map of application JSON logs (`--map`); with `auto`, it makes those logs the first guess. */
  fieldMap?: FieldMap;
  /** Window, strategy and client of `cloudwatch` inputs. */
  cloudwatch?: CloudWatchOptions;
}

const HEAD_LINES = 20;

/**
 * Picks the parser for `format`, or detects it from the first non-empty lines.
 *
 * @example
 * chooseParser('auto', '{"httpMethod":"GET","path":"/a"}', [], { source: 'access.log' }).name // 'apigw'
 */
export function chooseParser(
  format: string,
  first: string | undefined,
  head: readonly string[],
  context: ParserContext,
): FormatParser {
  const wanted = format.toLowerCase();
  if (wanted !== 'auto') {
    const parser = FORMAT_PARSERS.find((p) => p.name === wanted || p.aliases?.includes(wanted));
    if (!parser)
      throw new BgReplayError(
        'E_USAGE',
        `unknown --format ${format}; use one of ${formatNames().join(', ')}`,
      );
    return parser;
  }
  if (first === undefined) return jsonlParser;
  const order = context.fieldMap ? [appJsonParser, ...FORMAT_PARSERS] : FORMAT_PARSERS;
  const parser = order.find((p) => {
    try {
      return p.detect(first, head, context);
    } catch {
      return false;
    }
  });
  if (!parser) {
    throw new BgReplayError(
      'E_INPUT',
      `${context.source}: cannot tell the log format from its first lines; pass --format (${formatNames().join(', ')})`,
    );
  }
  return parser;
}

/** Pieces of an overlong line are handed on at this size (see `readLineBatches`). */
const PIECE_CHARS = 1024 * 1024;

/**
 * Reads batches until the head holds enough non-empty lines to detect the format, or a few pieces of one
 * long line (a minified HAR is one line: a prefix is enough to recognise it).
 */
async function peekHead(
  batches: AsyncIterator<LineBatch>,
): Promise<{ buffered: LineBatch[]; head: string[]; done: boolean }> {
  const buffered: LineBatch[] = [];
  const head: string[] = [];
  let continuing = false;
  let bufferedChars = 0;
  while (head.length < HEAD_LINES && !(head.length > 0 && bufferedChars >= 2 * PIECE_CHARS)) {
    const next = await batches.next();
    if (next.done) return { buffered, head, done: true };
    buffered.push(next.value);
    next.value.lines.forEach((text, i) => {
      bufferedChars += text.length;
      if (head.length >= HEAD_LINES || (i === 0 && continuing)) return;
      if (text.trim() !== '') head.push(text.length > 65_536 ? text.slice(0, 65_536) : text);
    });
    continuing = next.value.open === true;
  }
  return { buffered, head, done: false };
}

/**
 * Feeds line batches to a parser. A parser that takes pieces gets an overlong line piece by piece; any
 * other gets it whole, or cut to its head past `MAX_LINE_CHARS` (it then reads as malformed).
 */
function createFeed(parser: FormatParser, parsing: ParserStream): (batch: LineBatch) => void {
  let continuing = false;
  let carry: string[] = [];
  let carryLength = 0;
  return ({ lines, first, open }) => {
    for (let i = 0; i < lines.length; i += 1) {
      let text = lines[i] as string;
      const glued = i === 0 && continuing;
      const unfinished = open === true && i === lines.length - 1;
      if (parser.acceptsPieces) {
        parsing.line(text, first + i, glued);
        continue;
      }
      if (glued || unfinished) {
        if (!glued) {
          carry = [];
          carryLength = 0;
        }
        if (carryLength < MAX_LINE_CHARS) {
          carry.push(text);
          carryLength += text.length;
        }
        if (unfinished) continue;
        text = carryLength >= MAX_LINE_CHARS ? carry.join('').slice(0, KEPT_OF_LONG_LINE) : carry.join('');
        carry = [];
        carryLength = 0;
      }
      parsing.line(text, first + i);
    }
    continuing = open === true;
  };
}

/**
 * Streams outcomes of one input in batches (one per read chunk or CloudWatch page). Lazy outcomes are left
 * lazy: the caller decides which ones deserve a full parse.
 */
export async function* readOutcomeBatches(
  input: LogInput,
  options: ReadOptions = {},
): AsyncGenerator<SourceOutcome[]> {
  const format = options.format ?? 'auto';
  if (input.kind === 'records') {
    let batch: SourceOutcome[] = [];
    for await (const record of input.records) {
      batch.push({ kind: 'record', record });
      if (batch.length >= 1000) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
    return;
  }
  if (input.kind === 'glob') {
    for (const file of await expandGlobInput(input)) yield* readOutcomeBatches(file, options);
    return;
  }
  if (input.kind === 'cloudwatch') {
    if (!options.cloudwatch) {
      throw new BgReplayError(
        'E_USAGE',
        `cloudwatch://${input.logGroup} needs a time window: pass --since 30m or --start/--end`,
      );
    }
    yield* parseMessages(
      readCloudWatch(input.logGroup, options.cloudwatch),
      `cloudwatch://${input.logGroup}`,
      format,
      options.fieldMap,
    );
    return;
  }
  const name = input.kind === 'file' ? input.path : input.name;
  const stream = input.kind === 'file' ? await openFile(input.path) : input.stream;
  const context: ParserContext = { source: name, fieldMap: options.fieldMap };
  try {
    const batches = readLineBatches(stream, { pieceChars: PIECE_CHARS });
    const { buffered, head } = await peekHead(batches);
    // An empty file or stdin is almost always a mistake (wrong path, an empty pipe), not a quiet service.
    if (head.length === 0)
      throw new BgReplayError('E_INPUT', `${name}: no log lines to read (the input is empty)`);
    const parser = chooseParser(format, head[0], head, context);
    let out: SourceOutcome[] = [];
    const parsing = parser.open(context, (outcome) => out.push(outcome));
    const feed = createFeed(parser, parsing);
    for (const batch of buffered) feed(batch);
    while (true) {
      if (out.length > 0) {
        const ready = out;
        out = [];
        yield ready;
      }
      const next = await batches.next();
      if (next.done) break;
      feed(next.value);
    }
    parsing.end();
    if (out.length > 0) yield out;
  } catch (error) {
    if (error instanceof BgReplayError) throw error;
    throw new BgReplayError('E_INPUT', `cannot read ${name}: ${(error as Error).message}`, { cause: error });
  } finally {
    stream.destroy();
  }
}

/** Parses CloudWatch messages with the file parsers; the format is detected once per group, from its first messages. */
async function* parseMessages(
  pages: AsyncIterable<string[]>,
  source: string,
  format: string,
  fieldMap: FieldMap | undefined,
): AsyncGenerator<SourceOutcome[]> {
  const context: ParserContext = { source, fieldMap };
  let parsing: ReturnType<FormatParser['open']> | undefined;
  let out: SourceOutcome[] = [];
  let line = 0;
  const held: string[] = [];
  const feed = (message: string) => {
    line += 1;
    (parsing as NonNullable<typeof parsing>).line(message.endsWith('\n') ? message.trimEnd() : message, line);
  };
  const start = () => {
    const head = held.filter((m) => m.trim() !== '').slice(0, HEAD_LINES);
    parsing = chooseParser(format, head[0], head, context).open(context, (outcome) => out.push(outcome));
    for (const message of held.splice(0)) feed(message);
  };
  for await (const page of pages) {
    for (const message of page) {
      if (parsing) feed(message);
      else {
        held.push(message);
        if (held.length >= HEAD_LINES) start();
      }
    }
    if (out.length > 0) {
      const ready = out;
      out = [];
      yield ready;
    }
  }
  if (!parsing && held.length > 0) start();
  parsing?.end();
  if (out.length > 0) yield out;
}

/** Parses a lazy outcome in full; a failed parse becomes a malformed outcome. */
export function materialize(outcome: SourceOutcome): ParseOutcome {
  if (outcome.kind !== 'lazy') return outcome;
  const loaded = outcome.load();
  if ('malformed' in loaded && typeof loaded.malformed === 'string')
    return { kind: 'malformed', position: outcome.position, reason: loaded.malformed };
  return { kind: 'record', record: loaded as RequestRecord };
}

/**
 * Streams parse outcomes (records and malformed lines) from one input, detecting its format when asked.
 *
 * @example
 * for await (const outcome of readRecords({ kind: 'file', path: 'access.log' }, { format: 'auto' })) { ... }
 */
export async function* readRecords(input: LogInput, options: ReadOptions = {}): AsyncGenerator<ParseOutcome> {
  for await (const batch of readOutcomeBatches(input, options)) {
    for (const outcome of batch) yield materialize(outcome);
  }
}
