import type { RequestRecord } from '../model.js';
import { routeFromTemplate } from '../sample/inferRoute.js';
import {
  createLineParser,
  isMalformed,
  normalizeMethod,
  normalizePath,
  parseJsonObject,
  type RecordHead,
} from './formatParser.js';

const CLF_TIME = /^(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `26/Nov/2026:13:39:19 +0000` (API Gateway's `$context.requestTime`, also CLF) → ISO-8601. */
export function parseClfTime(value: string): string | undefined {
  const m = CLF_TIME.exec(value);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2] ?? '');
  if (month < 0) return undefined;
  const offset = m[7] ?? '+0000';
  const iso = `${m[3]}-${String(month + 1).padStart(2, '0')}-${m[1]}T${m[4]}:${m[5]}:${m[6]}${offset.slice(0, 3)}:${offset.slice(3)}`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function pick(entry: Record<string, unknown>, names: string[]): unknown {
  for (const name of names) {
    const value = entry[name];
    if (value !== undefined && value !== null && value !== '' && value !== '-') return value;
  }
  return undefined;
}

function timestampOf(entry: Record<string, unknown>): string | undefined {
  const epoch = pick(entry, ['requestTimeEpoch', 'requestTimeEpochMs']);
  if (epoch !== undefined && Number.isFinite(Number(epoch))) {
    const ms = Number(epoch);
    return new Date(ms < 1e11 ? ms * 1000 : ms).toISOString();
  }
  const time = pick(entry, ['requestTime']);
  if (typeof time === 'string')
    return parseClfTime(time) ?? (Number.isNaN(Date.parse(time)) ? undefined : new Date(time).toISOString());
  return undefined;
}

/** REST `$context.path` carries the stage (`/prod/orders/1`); the base URL names it already. */
function stripStage(path: string, stage: unknown): string {
  if (typeof stage === 'string' && stage !== '' && stage !== '$default') {
    const prefix = `/${stage}`;
    if (path === prefix) return '/';
    if (path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`)) return path.slice(prefix.length);
  }
  return path;
}

/** Parses one API Gateway access-log entry (already a JSON object); exported for CloudWatch events. */
export function parseApiGatewayEntry(entry: Record<string, unknown>): RequestRecord | { malformed: string } {
  const routeKey = pick(entry, ['routeKey']);
  const [routeMethod, routePath] =
    typeof routeKey === 'string' && routeKey.includes(' ') ? routeKey.split(' ', 2) : [undefined, undefined];
  const method = normalizeMethod(pick(entry, ['httpMethod', 'method']) ?? routeMethod);
  if (!method) return { malformed: 'no HTTP method (httpMethod or routeKey)' };
  const template = pick(entry, ['resourcePath']) ?? routePath;
  let path = normalizePath(pick(entry, ['path', 'rawPath', 'requestPath', 'uri']));
  if (path) path = stripStage(path, entry.stage);
  // A template without parameters is a concrete path: `GET /health` can be replayed from its route key alone.
  if (!path && typeof template === 'string' && template.startsWith('/') && !template.includes('{'))
    path = template;
  if (!path) return { malformed: 'no concrete request path (log $context.path)' };
  const query = pick(entry, ['queryString', 'rawQueryString', 'query']);
  if (typeof query === 'string' && query !== '' && !path.includes('?'))
    path = `${path}?${query.replace(/^\?/, '')}`;
  const record: RequestRecord = { method, path, headers: {} };
  const userAgent = pick(entry, ['userAgent', 'user_agent']);
  if (typeof userAgent === 'string') record.headers['user-agent'] = userAgent;
  if (typeof template === 'string' && template.startsWith('/') && template !== '$default') {
    record.route = cachedRoute(method, template);
  }
  const status = Number(pick(entry, ['status']));
  if (Number.isInteger(status) && status >= 100 && status <= 599) record.status = status;
  const timestamp = timestampOf(entry);
  if (timestamp) record.timestamp = timestamp;
  return record;
}

/** Looks like API Gateway when it has API Gateway's variable names. */
export function looksLikeApiGateway(entry: Record<string, unknown>): boolean {
  return (
    'httpMethod' in entry || 'routeKey' in entry || 'resourcePath' in entry || 'requestTimeEpoch' in entry
  );
}

const templateRoutes = new Map<string, Map<string, string>>();

/** `routeFromTemplate`, cached: a log has few templates and this runs once per line. */
function cachedRoute(method: string, template: string): string {
  let byTemplate = templateRoutes.get(method);
  if (!byTemplate) {
    byTemplate = new Map();
    templateRoutes.set(method, byTemplate);
  }
  let route = byTemplate.get(template);
  if (route === undefined) {
    route = routeFromTemplate(method, template);
    if (byTemplate.size < 10_000) byTemplate.set(template, route);
  }
  return route;
}

/** Keys that, when present, make the simple head (httpMethod + path) incomplete: parse such lines in full. */
const OTHER_PATH_KEYS = [
  'routeKey',
  'queryString',
  'rawQueryString',
  'query',
  'rawPath',
  'requestPath',
  'uri',
  'method',
];
const HEAD_KEYS = ['httpMethod', 'path', 'resourcePath', 'stage', 'status'] as const;

/**
 * Learns, from a line parsed in full, a regular expression that reads the head fields of the lines that follow.
 * An access-log format is fixed per stage, so its keys come in the same order on every line; one compiled
 * expression is several times faster than `JSON.parse`. Undefined when the line is off the common REST shape.
 */
function learnHeadPattern(
  text: string,
): { pattern: RegExp; at: Record<(typeof HEAD_KEYS)[number], number> } | undefined {
  const entry = parseJsonObject(text);
  if (isMalformed(entry)) return undefined;
  if (typeof entry.httpMethod !== 'string' || typeof entry.path !== 'string') return undefined;
  if (OTHER_PATH_KEYS.some((key) => key in entry)) return undefined;
  const parts: string[] = [];
  const order: string[] = [];
  for (const key of Object.keys(entry)) {
    if (!(HEAD_KEYS as readonly string[]).includes(key)) continue;
    // A string without escapes (anything else falls back to a full parse); status may be a number.
    parts.push(key === 'status' ? `"${key}":"?(-?[0-9]*|-)"?` : `"${key}":"([^"\\\\]*)"`);
    order.push(key);
  }
  const pattern = new RegExp(`^\\{.*?${parts.join('.*?')}`);
  return {
    pattern,
    at: Object.fromEntries(HEAD_KEYS.map((key) => [key, order.indexOf(key) + 1])) as Record<
      (typeof HEAD_KEYS)[number],
      number
    >,
  };
}

/** A stateful peek for one input: learns the line shape from the first line, then reads heads by regex. */
function createApiGatewayPeek(): (text: string) => RecordHead | undefined {
  let learned: ReturnType<typeof learnHeadPattern> | null | undefined;
  return (text) => {
    if (learned === undefined) learned = learnHeadPattern(text) ?? null;
    if (learned === null) return undefined;
    if (text.charCodeAt(text.length - 1) !== 125 /* } */) return undefined;
    const m = learned.pattern.exec(text);
    if (m === null) return undefined;
    const { at } = learned;
    // Group 0 is the match; a key absent from the format has index 0 and reads as undefined.
    const method = normalizeMethod(m[at.httpMethod]);
    const rawPath = m[at.path] as string;
    if (!method || rawPath.charCodeAt(0) !== 47) return undefined;
    const stage = at.stage > 0 ? m[at.stage] : undefined;
    const head: RecordHead = { method, path: stage === undefined ? rawPath : stripStage(rawPath, stage) };
    const template = at.resourcePath > 0 ? m[at.resourcePath] : undefined;
    if (template !== undefined && template.charCodeAt(0) === 47) head.route = cachedRoute(method, template);
    if (at.status > 0) {
      const status = Number(m[at.status]);
      if (status >= 100 && status <= 599 && Number.isInteger(status)) head.status = status;
    }
    return head;
  };
}

/**
 * API Gateway access logs in JSON (REST and HTTP API variable names: `httpMethod`, `path`, `resourcePath`,
 * `routeKey`, `status`, `requestTime`, ...). No bodies and no headers but the user agent (DESIGN.md §7).
 * The common REST shape is peeked, not parsed: only lines the sampler keeps pay for `JSON.parse`.
 */
export const apiGatewayParser = createLineParser(
  'apigw',
  (first) => {
    const value = parseJsonObject(first);
    return !isMalformed(value) && looksLikeApiGateway(value);
  },
  (text) => {
    const value = parseJsonObject(text);
    if (isMalformed(value)) return value;
    return parseApiGatewayEntry(value);
  },
  { aliases: ['api-gateway', 'apigateway'], createPeek: createApiGatewayPeek },
);
