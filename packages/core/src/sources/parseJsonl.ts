import { z } from 'zod';
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
    const parsed = recordSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { malformed: `field ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` };
    }
    const { headers, method, ...rest } = parsed.data;
    return { ...rest, method: method.toUpperCase(), headers: normalizeHeaders(headers) };
  },
);
