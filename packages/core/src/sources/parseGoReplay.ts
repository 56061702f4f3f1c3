import type { RequestRecord } from '../model.js';
import {
  emitResult,
  type FormatParser,
  normalizeMethod,
  normalizePath,
  type SourceOutcome,
} from './formatParser.js';

/** GoReplay's payload separator line. */
export const GOR_SEPARATOR = '\u{1F435}\u{1F648}\u{1F649}';

const GOR_HEADER = /^([123]) ([0-9a-fA-F]{6,}) (\d{10,})(?: (-?\d+))?/;

/** Requests waiting for their recorded response (for `status`), at most this many: memory stays bounded. */
const MAX_PENDING = 1000;

function dechunk(lines: string[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const size = Number.parseInt((lines[i] ?? '').split(';')[0] ?? '', 16);
    i += 1;
    if (!Number.isFinite(size) || size === 0) break;
    let data = '';
    while (i < lines.length && Buffer.byteLength(data) < size) {
      data += (data === '' ? '' : '\n') + lines[i];
      i += 1;
    }
    out.push(data);
  }
  return out.join('');
}

/** Parses the raw HTTP request of a GoReplay payload (request line, headers, blank line, body). */
export function parseRawHttpRequest(lines: readonly string[]): RequestRecord | { malformed: string } {
  const requestLine = (lines[0] ?? '').split(' ');
  const method = normalizeMethod(requestLine[0]);
  if (!method || requestLine.length !== 3 || !requestLine[2]?.startsWith('HTTP/'))
    return { malformed: 'GoReplay payload does not start with "METHOD PATH HTTP/x"' };
  const path = normalizePath(requestLine[1]);
  if (!path) return { malformed: 'GoReplay request has no path' };
  const headers: Record<string, string> = {};
  let i = 1;
  for (; i < lines.length; i += 1) {
    const line = lines[i] as string;
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0) return { malformed: `GoReplay request header line ${i + 1} has no name` };
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const record: RequestRecord = { method, path, headers };
  const bodyLines = lines.slice(i + 1);
  if (bodyLines.length > 0) {
    const chunked = /chunked/i.test(headers['transfer-encoding'] ?? '');
    const body = chunked ? dechunk(bodyLines) : bodyLines.join('\n');
    if (chunked) delete headers['transfer-encoding'];
    if (body !== '') record.body = body;
  }
  return record;
}

/**
 * GoReplay `.gor` files: payloads separated by the 🐵🙈🙉 line, each opened by `type id timestamp_ns latency`.
 * Type 1 payloads are requests (replayed); type 2 (the original response) gives a request its `status`.
 */
export const goReplayParser: FormatParser = {
  name: 'gor',
  aliases: ['goreplay'],
  detect: (first) => GOR_HEADER.test(first),
  open(context, emit) {
    let block: string[] = [];
    let blockLine = 0;
    const pending = new Map<string, { record: RequestRecord; line: number }>();
    const flushOldest = () => {
      const [id, held] = pending.entries().next().value as [string, { record: RequestRecord; line: number }];
      pending.delete(id);
      emitRecord(held.record, held.line);
    };
    function emitRecord(record: RequestRecord, line: number): void {
      emit({
        kind: 'record',
        record: { ...record, position: { source: context.source, line } },
      } satisfies SourceOutcome);
    }
    function finishBlock(): void {
      if (block.length === 0) return;
      const position = { source: context.source, line: blockLine };
      const header = GOR_HEADER.exec(block[0] as string);
      const lines = block;
      block = [];
      if (!header) {
        emit({
          kind: 'malformed',
          position,
          reason: 'GoReplay payload has no "type id timestamp" header line',
        });
        return;
      }
      const [, type, id = '', nanos = ''] = header;
      if (type === '2') {
        const held = pending.get(id);
        const status = Number((lines[1] ?? '').split(' ')[1]);
        if (held) {
          pending.delete(id);
          if (Number.isInteger(status) && status >= 100 && status <= 599) held.record.status = status;
          emitRecord(held.record, held.line);
        }
        return;
      }
      if (type !== '1') return;
      const result = parseRawHttpRequest(lines.slice(1));
      if ('malformed' in result) {
        emitResult(emit, result, position);
        return;
      }
      const ms = Number(nanos.slice(0, -6));
      if (Number.isFinite(ms) && ms > 0) result.timestamp = new Date(ms).toISOString();
      result.meta = { gorId: id };
      pending.set(id, { record: result, line: position.line });
      if (pending.size > MAX_PENDING) flushOldest();
    }
    return {
      line(text, line) {
        if (text === GOR_SEPARATOR) {
          finishBlock();
          return;
        }
        if (block.length === 0) {
          if (text.trim() === '') return;
          blockLine = line;
        }
        block.push(text);
      },
      end() {
        if (block.length > 0) {
          // A last payload without its separator is a cut-off capture: keep it only if it parses.
          finishBlock();
        }
        while (pending.size > 0) flushOldest();
      },
    };
  },
};
