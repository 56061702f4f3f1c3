import type { ParseOutcome, RequestRecord, SourcePosition } from '../model.js';
import { findDuplicateKey, hasDuplicateKey } from './findDuplicateKey.js';

/**
 * The few fields of a record read cheaply from a line. A head may only help skip a line: `collectSample`
 * parses every lazy line in full before any safety check, filter or sampler reads it (one parse per record).
 */
export interface RecordHead {
  method: string;
  path: string;
  route?: string;
  status?: number;
}

/** A record whose full parse is deferred (the sources stage loads it before judging it). */
export interface LazyOutcome {
  kind: 'lazy';
  head: RecordHead;
  position: SourcePosition;
  /** Parses the whole line; may still find it malformed. */
  load(): RequestRecord | { malformed: string };
}

/** What parsers emit inside the source stage: parse outcomes, or lazy records. */
export type SourceOutcome = ParseOutcome | LazyOutcome;

/**
 * A field map of application JSON logs: record field → dotted path in the log entry. An object type, not a
 * mapped one, so that declarations (and the API report) name it instead of spelling out its keys in an order
 * the compiler may change; not an interface, so that it stays assignable to `Record<string, string>`.
 */
export type FieldMap = {
  /** Path to the HTTP method, e.g. `req.method`. */
  method?: string;
  /** Path to the request path (with or without its query), e.g. `req.url`. */
  path?: string;
  /** Path to the request headers (an object of name → value). */
  headers?: string;
  /** Path to the request body. */
  body?: string;
  /** Path to the status code live answered with. */
  status?: string;
  /** Path to the time of the request. */
  timestamp?: string;
  /** Path to the route template the service matched, e.g. `/orders/:id`. */
  route?: string;
  /** Path to the query string, when it is logged apart from the path. */
  query?: string;
};

/** What a parser knows about its input. */
export interface ParserContext {
  /** Name of the input, for positions and messages (a file, `stdin`, `cloudwatch://group`). */
  source: string;
  /** Field map of application JSON logs (`--map`). */
  fieldMap?: FieldMap;
}

/** A parser bound to one input: fed lines in order, it emits outcomes as soon as it can. */
export interface ParserStream {
  /**
   * One line, or with `glued` the next piece of the line before (only for a format with `acceptsPieces`:
   * an overlong line, such as a one-line HAR, arrives in pieces so memory holds one piece at a time).
   */
  line(text: string, line: number, glued?: boolean): void;
  /** End of input: flush what is pending (an unterminated entry is malformed). */
  end(): void;
}

/** A log format: how to recognise it from the head of an input, and how to turn lines into outcomes. */
export interface FormatParser {
  name: string;
  /** Other names accepted by `--format`. */
  aliases?: readonly string[];
  /** True when the parser takes an overlong line in pieces (`line(…, glued)`) instead of whole or cut. */
  acceptsPieces?: boolean;
  /** True when the input looks like this format: `first` is its first non-empty line, `head` up to 20 of them. */
  detect(first: string, head: readonly string[], context: ParserContext): boolean;
  /** Binds the parser to one input; outcomes go to `emit`. Sync, so a batch of lines costs no promise per line. */
  open(context: ParserContext, emit: (outcome: SourceOutcome) => void): ParserStream;
}

/** What a line parser returns: a record, `null` for a line to ignore silently, or a reason it is malformed. */
export type LineResult = RequestRecord | null | { malformed: string };

/** Optional cheap read of a line: a head for a deferred full parse, `null` to ignore, or a malformed reason. */
export type LinePeek = (text: string) => RecordHead | null | { malformed: string } | undefined;

/**
 * Builds a streaming parser from a function of one line; blank lines are ignored. With `peek` (or
 * `createPeek`, for a peek with state per input), a line
 * is read cheaply first and parsed in full when the sources stage loads it (no built-in format uses one).
 *
 * @example
 * const parser = createLineParser('csv', (first) => first.includes(','), (text) => ({ method: 'GET', path: text, headers: {} }));
 */
export function createLineParser(
  name: string,
  detect: (first: string, head: readonly string[], context: ParserContext) => boolean,
  parseLine: (text: string, position: SourcePosition, context: ParserContext) => LineResult,
  options: { aliases?: readonly string[]; peek?: LinePeek; createPeek?: () => LinePeek } = {},
): FormatParser {
  return {
    name,
    aliases: options.aliases,
    detect,
    open(context, emit) {
      const { source } = context;
      const peek = options.createPeek ? options.createPeek() : options.peek;
      return {
        line(text, line) {
          if (isBlank(text)) return;
          if (peek) {
            const head = safely(() => peek(text));
            if (head === null) return;
            if (head !== undefined) {
              if ('malformed' in head)
                emit({ kind: 'malformed', position: { source, line }, reason: head.malformed as string });
              else emit(new LazyLine(head, text, line, context, parseLine));
              return;
            }
          }
          const position = { source, line };
          const result = safely(() => parseLine(text, position, context));
          if (result === null) return;
          if ('malformed' in result)
            emit({ kind: 'malformed', position, reason: result.malformed as string });
          else {
            // The record is the parser's own fresh object: set its position rather than copy it per line.
            result.position = position;
            emit({ kind: 'record', record: result });
          }
        },
        end() {},
      };
    },
  };
}

/**
 * A peeked line: a class rather than an object literal with a closure, so the million lines the sampler
 * passes over cost one small allocation each (plus their head).
 */
class LazyLine implements LazyOutcome {
  readonly kind = 'lazy' as const;
  constructor(
    readonly head: RecordHead,
    private readonly text: string,
    private readonly line: number,
    private readonly context: ParserContext,
    private readonly parseLine: (
      text: string,
      position: SourcePosition,
      context: ParserContext,
    ) => LineResult,
  ) {}
  get position(): SourcePosition {
    return { source: this.context.source, line: this.line };
  }
  load(): RequestRecord | { malformed: string } {
    const position = this.position;
    return toLoaded(
      safely(() => this.parseLine(this.text, position, this.context)),
      position,
    );
  }
}

function toLoaded(result: LineResult, position: SourcePosition): RequestRecord | { malformed: string } {
  if (result === null) return { malformed: 'not a request' };
  if ('malformed' in result) return { malformed: result.malformed as string };
  return { ...result, position };
}

/** Runs a parse step; a throw becomes a malformed reason (a parser bug never ends the run). */
export function safely<T>(fn: () => T): T | { malformed: string } {
  try {
    return fn();
  } catch (error) {
    return { malformed: `cannot parse: ${(error as Error).message}` };
  }
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** Parses a JSON object line; returns a reason when it is not one. */
export function parseJsonObject(
  text: string,
  options: { allowDuplicateKeys?: boolean } = {},
): Record<string, unknown> | { malformed: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { malformed: 'not valid JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { malformed: 'not a JSON object' };
  }
  // JSON.parse keeps the last of duplicate keys: the safety check and the replay must not read different ones.
  if (!options.allowDuplicateKeys && hasDuplicateKey(text, value)) {
    return { malformed: `duplicate key "${(findDuplicateKey(text) ?? '').slice(0, 40)}"` };
  }
  return value as Record<string, unknown>;
}

/** True when `parseJsonObject` gave a malformed reason. */
export function isMalformed(value: unknown): value is { malformed: string } {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { malformed?: unknown }).malformed === 'string' &&
    Object.keys(value).length === 1
  );
}

/** Lower-cases header names and keeps string values only; accepts an object or a HAR-style `[{name, value}]` list. */
export function normalizeHeaders(input: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (Array.isArray(input)) {
    for (const item of input) {
      if (
        item &&
        typeof item === 'object' &&
        typeof item.name === 'string' &&
        item.value !== undefined &&
        item.value !== null
      ) {
        const name = item.name.toLowerCase();
        const value = String(item.value);
        headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
      }
    }
    return headers;
  }
  if (input && typeof input === 'object') {
    for (const [name, value] of Object.entries(input)) {
      if (typeof value === 'string') headers[name.toLowerCase()] = value;
      else if (typeof value === 'number') headers[name.toLowerCase()] = String(value);
      else if (Array.isArray(value)) headers[name.toLowerCase()] = value.map(String).join(', ');
    }
  }
  return headers;
}

const METHOD = /^[A-Z]{3,10}$/;

const COMMON_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** Validates and upper-cases an HTTP method, or returns undefined. */
export function normalizeMethod(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (COMMON_METHODS.has(value)) return value;
  const method = value.toUpperCase();
  return METHOD.test(method) ? method : undefined;
}

const ABSOLUTE_URL = /^(?:https?|wss?):\/\/[^/?#]*/i;

/**
 * Keeps the path and query of a path or absolute URL (scheme, user info and host dropped), exactly as
 * logged: dot segments and `//` are left for `canonicalizePath`, which must see them to refuse a target that
 * climbs above the base path (the URL parser would resolve `/a/../../x` to `/x` silently). Undefined when
 * it is not one.
 */
export function normalizePath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (value.startsWith('/')) return value;
  const authority = ABSOLUTE_URL.exec(value);
  if (authority) {
    const rest = value.slice(authority[0].length);
    return rest.startsWith('/') ? rest : `/${rest}`;
  }
  return undefined;
}

/** A status code from a log field (`"200"`, `200`, `-`), or undefined. */
export function parseStatus(value: unknown): number | undefined {
  const status =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value !== '-'
        ? Number(value)
        : Number.NaN;
  return Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined;
}

/** Emits the outcome of a line parser's result (used by block parsers such as HAR and GoReplay). */
export function emitResult(
  emit: (outcome: SourceOutcome) => void,
  result: LineResult | { malformed: string },
  position: SourcePosition,
): void {
  if (result === null) return;
  if ('malformed' in result && typeof result.malformed === 'string')
    emit({ kind: 'malformed', position, reason: result.malformed });
  else emit({ kind: 'record', record: { ...(result as RequestRecord), position } });
}
