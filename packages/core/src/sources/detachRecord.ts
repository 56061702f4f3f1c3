import type { RequestRecord } from '../model.js';

/**
 * A copy of a string that shares no memory with its source: a substring of a 64 KiB read chunk would
 * otherwise keep the whole chunk alive for as long as the sample holds it.
 */
export function copyString(text: string): string {
  // V8 copies substrings shorter than 13 characters anyway; longer ones are flattened into a new buffer here.
  return text.length < 13 ? text : `${text} `.slice(0, -1);
}

/**
 * A deep copy of a record whose strings pin nothing (see `copyString`).
 *
 * @example
 * const kept = detachRecord(parsed);
 */
export function detachRecord(record: RequestRecord): RequestRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.headers)) headers[copyString(name)] = copyString(value);
  const out: RequestRecord = {
    ...record,
    method: copyString(record.method),
    path: copyString(record.path),
    headers,
  };
  if (record.body !== undefined) out.body = copyString(record.body);
  if (record.route !== undefined) out.route = copyString(record.route);
  if (record.timestamp !== undefined) out.timestamp = copyString(record.timestamp);
  if (record.meta)
    out.meta = Object.fromEntries(
      Object.entries(record.meta).map(([k, v]) => [copyString(k), copyString(v)]),
    );
  if (record.position) out.position = { source: record.position.source, line: record.position.line };
  return out;
}
