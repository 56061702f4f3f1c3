import type { RequestRecord } from '../model.js';
import {
  emitResult,
  type FormatParser,
  isMalformed,
  normalizeHeaders,
  normalizeMethod,
  normalizePath,
  parseJsonObject,
  parseStatus,
} from './formatParser.js';

/** Turns one HAR 1.2 entry (`log.entries[i]`) into a record. */
export function parseHarEntry(entry: unknown): RequestRecord | { malformed: string } {
  if (!entry || typeof entry !== 'object') return { malformed: 'HAR entry is not an object' };
  const { request, response, startedDateTime } = entry as Record<string, unknown>;
  if (!request || typeof request !== 'object') return { malformed: 'HAR entry has no request' };
  const req = request as Record<string, unknown>;
  const method = normalizeMethod(req.method);
  if (!method) return { malformed: 'HAR request has no method' };
  const path = normalizePath(req.url);
  if (!path) return { malformed: 'HAR request has no absolute URL' };
  const headers = normalizeHeaders(
    Array.isArray(req.headers) ? req.headers.filter((h) => !String(h?.name ?? '').startsWith(':')) : [],
  );
  const record: RequestRecord = { method, path, headers };
  const postData = req.postData as Record<string, unknown> | undefined;
  if (postData && typeof postData === 'object') {
    if (typeof postData.text === 'string' && postData.text !== '') record.body = postData.text;
    else if (Array.isArray(postData.params) && postData.params.length > 0) {
      const form = new URLSearchParams();
      for (const p of postData.params)
        if (p && typeof p.name === 'string') form.append(p.name, String(p.value ?? ''));
      record.body = form.toString();
    }
    if (record.body !== undefined && typeof postData.mimeType === 'string' && postData.mimeType !== '') {
      record.headers['content-type'] ??= postData.mimeType;
    }
  }
  const status = parseStatus((response as Record<string, unknown> | undefined)?.status);
  if (status !== undefined) record.status = status;
  if (typeof startedDateTime === 'string' && !Number.isNaN(Date.parse(startedDateTime))) {
    record.timestamp = new Date(startedDateTime).toISOString();
  }
  try {
    record.meta = { host: new URL(String(req.url)).host };
  } catch {}
  return record;
}

/**
 * HAR 1.2 (browser and proxy exports): method, URL with query, headers and post data of each entry.
 * The document is scanned as a stream: each entry of `log.entries` is cut out by brace counting and parsed
 * on its own, so memory holds one entry, and a malformed entry is counted without ending the file.
 */
export const harParser: FormatParser = {
  name: 'har',
  acceptsPieces: true,
  detect(first, head) {
    if (!first.trimStart().startsWith('{')) return false;
    const text = head.join('\n');
    return /"log"\s*:/.test(text) && /"(entries|creator|version|pages)"\s*:/.test(text);
  },
  open(context, emit) {
    type Mode = 'seek' | 'array' | 'done';
    let mode: Mode = 'seek';
    let inString = false;
    let escaped = false;
    let stringStart = -1;
    let stringPieces: string[] = [];
    let lastString: string | undefined;
    let awaitArray = false;
    let depth = 0;
    let entry: string[] = [];
    let entryLine = 0;
    let sawContent = false;
    let mainHost: string | undefined;
    return {
      line(text, line, glued = false) {
        if (text.trim() !== '') sawContent = true;
        // A new line is a newline in the document; a glued piece goes on where the last one stopped.
        if (!glued && depth > 0) entry.push('\n');
        if (!glued && inString && mode === 'seek') stringPieces.push('\n');
        let captureFrom = depth > 0 ? 0 : -1;
        for (let i = 0; i < text.length; i += 1) {
          const c = text.charCodeAt(i);
          if (inString) {
            if (escaped) escaped = false;
            else if (c === 92) escaped = true;
            else if (c === 34) {
              inString = false;
              if (mode === 'seek' && depth === 0) {
                lastString = stringPieces.join('') + text.slice(stringStart, i);
                stringPieces = [];
              }
            }
            continue;
          }
          if (c === 34) {
            inString = true;
            stringStart = i + 1;
            continue;
          }
          if (mode === 'seek') {
            if (c === 32 || c === 9 || c === 13) continue;
            if (c === 58 /* : */) awaitArray = lastString === 'entries';
            else if (c === 91 /* [ */ && awaitArray) mode = 'array';
            else awaitArray = false;
            lastString = undefined;
            continue;
          }
          if (mode !== 'array') continue;
          if (c === 123 /* { */ || c === 91) {
            if (depth === 0) {
              captureFrom = i;
              entryLine = line;
            }
            depth += 1;
          } else if (c === 125 /* } */ || c === 93) {
            if (depth === 0) {
              if (c === 93) mode = 'done';
              continue;
            }
            depth -= 1;
            if (depth === 0) {
              entry.push(text.slice(captureFrom, i + 1));
              finishEntry(entry.join(''), entryLine);
              entry = [];
              captureFrom = -1;
            }
          }
        }
        if (inString && mode === 'seek') stringPieces.push(text.slice(stringStart));
        if (inString) stringStart = 0;
        if (depth > 0 && captureFrom >= 0) entry.push(text.slice(captureFrom));
      },
      end() {
        if (depth > 0)
          emit({
            kind: 'malformed',
            position: { source: context.source, line: entryLine },
            reason: 'HAR ends inside an entry (truncated?)',
          });
        else if (mode === 'seek' && sawContent) {
          emit({
            kind: 'malformed',
            position: { source: context.source, line: 1 },
            reason: 'not a HAR document: no log.entries array',
          });
        }
      },
    };

    function finishEntry(text: string, line: number): void {
      const position = { source: context.source, line };
      const value = parseJsonObject(text);
      if (isMalformed(value)) {
        const reason = value.malformed.startsWith('duplicate')
          ? value.malformed
          : 'HAR entry is not valid JSON';
        emit({ kind: 'malformed', position, reason });
        return;
      }
      const parsed = parseHarEntry(value);
      // The site's main host is the first entry's (the page); collectSample skips other hosts' entries.
      if ('method' in parsed && parsed.meta?.host) {
        mainHost ??= parsed.meta.host;
        parsed.meta.harMainHost = mainHost;
      }
      emitResult(emit, parsed, position);
    }
  },
};
