import type { RequestRecord } from '../model.js';
import { createLineParser, normalizeMethod, normalizePath, parseStatus } from './formatParser.js';
import { parseClfTime } from './parseApiGateway.js';

// host ident user [time] "request" status bytes ["referer" "user-agent"]; nginx escapes quotes as \x22, Apache as \".
const CLF =
  /^(\S+) (\S+) (\S+|"[^"]*") \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}|-) (\d+|-)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?/;

function unescapeField(value: string): string {
  if (!value.includes('\\')) return value;
  return value.replace(/\\x([0-9a-fA-F]{2})|\\(.)/g, (_m, hex: string | undefined, ch: string | undefined) =>
    hex ? String.fromCharCode(Number.parseInt(hex, 16)) : (ch ?? ''),
  );
}

/** Parses one common or combined log format line (nginx `$remote_addr - $remote_user [$time_local] "$request" ...`). */
export function parseClfLine(text: string): RequestRecord | { malformed: string } {
  const m = CLF.exec(text);
  if (!m)
    return { malformed: 'not a common/combined log line (host ident user [time] "request" status bytes)' };
  const request = unescapeField(m[5] ?? '');
  const parts = request.split(' ');
  if (parts.length < 2 || parts.length > 3)
    return { malformed: 'request field is not "METHOD PATH PROTOCOL"' };
  const method = normalizeMethod(parts[0]);
  if (!method) return { malformed: 'request field has no HTTP method' };
  const path = normalizePath(parts[1]);
  if (!path) return { malformed: 'request field has no path' };
  const record: RequestRecord = { method, path, headers: {} };
  const status = parseStatus(m[6]);
  if (status !== undefined) record.status = status;
  const timestamp = parseClfTime(m[4] ?? '');
  if (timestamp) record.timestamp = timestamp;
  const referer = m[8] === undefined ? undefined : unescapeField(m[8]);
  if (referer && referer !== '-') record.headers.referer = referer;
  const userAgent = m[9] === undefined ? undefined : unescapeField(m[9]);
  if (userAgent && userAgent !== '-') record.headers['user-agent'] = userAgent;
  return record;
}

/** Common and combined log format (nginx, Apache): method, path with query, status, referer and user agent. */
export const clfParser = createLineParser(
  'clf',
  (first) => CLF.test(first),
  (text) => parseClfLine(text),
  {
    aliases: ['combined', 'common', 'nginx', 'apache'],
  },
);
