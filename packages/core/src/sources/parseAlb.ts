import type { RequestRecord } from '../model.js';
import { createLineParser, normalizeMethod, normalizePath, parseStatus } from './formatParser.js';

/**
 * Splits an ALB access-log line into fields: space-separated, with `"quoted fields"` that may hold spaces and
 * `\"` escapes. Returns undefined when a quote is left open (a truncated line).
 */
export function splitAlbFields(text: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && text.charCodeAt(i) === 32) i += 1;
    if (i >= n) break;
    if (text.charCodeAt(i) === 34) {
      let value = '';
      let start = i + 1;
      let j = start;
      for (;;) {
        if (j >= n) return undefined;
        const c = text.charCodeAt(j);
        if (c === 92 /* \ */ && j + 1 < n) {
          value += text.slice(start, j) + text[j + 1];
          j += 2;
          start = j;
        } else if (c === 34) break;
        else j += 1;
      }
      fields.push(value + text.slice(start, j));
      i = j + 1;
    } else {
      const end = text.indexOf(' ', i);
      const stop = end < 0 ? n : end;
      fields.push(text.slice(i, stop));
      i = stop;
    }
  }
  return fields;
}

const ALB_START = /^(https?|h2|grpcs?|wss?) \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z \S+ \S+ \S+ /;

// AWS field order: type time elb client:port target:port request_processing_time target_processing_time
// response_processing_time elb_status_code target_status_code received_bytes sent_bytes "request" "user_agent"
// ssl_cipher ssl_protocol target_group_arn "trace_id" "domain_name" ...
const F = {
  type: 0,
  time: 1,
  elb: 2,
  client: 3,
  target: 4,
  elbStatus: 8,
  targetStatus: 9,
  request: 12,
  userAgent: 13,
  targetGroup: 16,
  trace: 17,
  domain: 18,
};

/** The IP of `ip:port` (IPv4 or IPv6, whose address has colons too). */
function hostOf(endpoint: string): string {
  const colon = endpoint.lastIndexOf(':');
  return colon > 0 ? endpoint.slice(0, colon) : endpoint;
}

/** Parses one ALB access-log line. */
export function parseAlbLine(text: string): RequestRecord | { malformed: string } {
  const fields = splitAlbFields(text);
  if (!fields) return { malformed: 'ALB line ends inside a quoted field (truncated?)' };
  if (fields.length <= F.userAgent)
    return { malformed: `ALB line has ${fields.length} fields, expected at least 14 (truncated?)` };
  const request = fields[F.request] ?? '';
  // "GET https://shop.example.com:443/orders?id=1 HTTP/1.1"; a request the ALB could not parse is "- - - ".
  const firstSpace = request.indexOf(' ');
  const lastSpace = request.lastIndexOf(' ');
  if (firstSpace < 0 || lastSpace <= firstSpace)
    return { malformed: 'ALB request field is not "METHOD URL PROTOCOL"' };
  const method = normalizeMethod(request.slice(0, firstSpace));
  if (!method)
    return { malformed: 'ALB request field has no HTTP method (the ALB could not parse the request)' };
  const url = request.slice(firstSpace + 1, lastSpace);
  const path = normalizePath(url);
  if (!path) return { malformed: 'ALB request field has no URL' };
  const record: RequestRecord = { method, path, headers: {} };
  const userAgent = fields[F.userAgent];
  if (userAgent && userAgent !== '-') record.headers['user-agent'] = userAgent;
  const status = parseStatus(fields[F.elbStatus]);
  if (status !== undefined) record.status = status;
  const time = Date.parse(fields[F.time] ?? '');
  if (!Number.isNaN(time)) record.timestamp = new Date(time).toISOString();
  const meta: Record<string, string> = {};
  const targetGroup = fields[F.targetGroup];
  if (targetGroup && targetGroup !== '-') meta.targetGroupArn = targetGroup;
  const target = fields[F.target];
  if (target && target !== '-') meta.target = target;
  const client = fields[F.client];
  if (client && client !== '-') meta.clientIp = hostOf(client);
  const targetStatus = fields[F.targetStatus];
  if (targetStatus && targetStatus !== '-') meta.targetStatus = targetStatus;
  const trace = fields[F.trace];
  if (trace && trace !== '-') meta.traceId = trace;
  try {
    meta.host = new URL(url).host;
  } catch {}
  record.meta = meta;
  return record;
}

/**
 * ALB access logs as AWS writes them to S3 (one request per line, quoted request and user-agent fields,
 * `-` for missing values). Method and full URL with query come from the request field; the target group
 * ARN is kept in `meta.targetGroupArn` so blue can be told from green.
 */
export const albParser = createLineParser(
  'alb',
  (first) => ALB_START.test(first),
  (text) => parseAlbLine(text),
  {
    aliases: ['elb'],
  },
);
