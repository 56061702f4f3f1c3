import { z } from 'zod';
import type { RequestRecord } from '../model.js';
import { createLineParser, isMalformed, normalizeHeaders, parseJsonObject } from './formatParser.js';

const recordSchema = z.object({
  method: z.string().regex(/^[A-Za-z]{3,10}$/),
  path: z.string().startsWith('/'),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
  bodyEncoding: z.enum(['utf8', 'base64']).optional(),
  timestamp: z.string().optional(),
  route: z.string().optional(),
  status: z.number().int().optional(),
  meta: z.record(z.string(), z.string()).optional(),
});

const METHOD = /^[A-Za-z]{3,10}$/;

/** A JSON object of string values (no `__proto__` key, which zod's copy would drop). */
function isStringMap(value: unknown): value is Record<string, string> {
  if (
    value === null ||
    typeof value !== 'object' ||
    Array.isArray(value) ||
    Object.hasOwn(value, '__proto__')
  )
    return false;
  for (const key in value) if (typeof (value as Record<string, unknown>)[key] !== 'string') return false;
  return true;
}

/**
 * The record of a line that plainly fits `recordSchema`, built as the schema's parse builds it (its fields in
 * the schema's order, unknown keys left out); undefined for anything else, which the schema then judges. Most
 * lines take this path: the schema's parse cost as much as the rest of reading a line.
 */
export function readPlainRecord(value: Record<string, unknown>): RequestRecord | undefined {
  const { method, path, headers, body, bodyEncoding, timestamp, route, status, meta } = value;
  if (typeof method !== 'string' || !METHOD.test(method)) return undefined;
  if (typeof path !== 'string' || !path.startsWith('/')) return undefined;
  if (headers !== undefined && !isStringMap(headers)) return undefined;
  if (body !== undefined && typeof body !== 'string') return undefined;
  if (bodyEncoding !== undefined && bodyEncoding !== 'utf8' && bodyEncoding !== 'base64') return undefined;
  if (timestamp !== undefined && typeof timestamp !== 'string') return undefined;
  if (route !== undefined && typeof route !== 'string') return undefined;
  if (status !== undefined && !Number.isSafeInteger(status)) return undefined;
  if (meta !== undefined && !isStringMap(meta)) return undefined;
  const record = { path } as RequestRecord;
  if (body !== undefined) record.body = body;
  if (bodyEncoding !== undefined) record.bodyEncoding = bodyEncoding;
  if (timestamp !== undefined) record.timestamp = timestamp;
  if (route !== undefined) record.route = route;
  if (status !== undefined) record.status = status as number;
  if (meta !== undefined) record.meta = { ...meta };
  record.method = method.toUpperCase();
  record.headers = normalizeHeaders(headers);
  return record;
}

/**
 * bg-replay's own JSONL: one `RequestRecord` per line (`{"method":"GET","path":"/a?b=1","headers":{}}`),
 * as written by `bg-replay sample`.
 */
export const jsonlParser = createLineParser(
  'jsonl',
  (first) => {
    // Detection only recognises the format: a hostile first line is judged (malformed) by the parse.
    const value = parseJsonObject(first, { allowDuplicateKeys: true });
    return !isMalformed(value) && typeof value.method === 'string' && typeof value.path === 'string';
  },
  (text) => {
    const value = parseJsonObject(text);
    if (isMalformed(value)) return value;
    return readPlainRecord(value) ?? readRecordBySchema(value);
  },
);

/** A parsed line judged by `recordSchema`: the record, or why the line is malformed. */
export function readRecordBySchema(value: Record<string, unknown>): RequestRecord | { malformed: string } {
  const parsed = recordSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { malformed: `field ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` };
  }
  const { headers, method, ...rest } = parsed.data;
  return { ...rest, method: method.toUpperCase(), headers: normalizeHeaders(headers) };
}
