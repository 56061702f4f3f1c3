import type { RequestRecord } from '../model.js';
import { routeFromTemplate } from '../sample/inferRoute.js';
import {
  createLineParser,
  isMalformed,
  normalizeMethod,
  normalizePath,
  parseJsonObject,
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

const PATH_KEYS = ['path', 'rawPath', 'requestPath', 'uri'] as const;

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
    if (path.startsWith(`${prefix}/`)) return path.slice(prefix.length);
    if (path.startsWith(`${prefix}?`)) return `/${path.slice(prefix.length)}`;
  }
  return path;
}

/** Parses one API Gateway access-log entry (already a JSON object); exported for CloudWatch events. */
export function parseApiGatewayEntry(entry: Record<string, unknown>): RequestRecord | { malformed: string } {
  const routeKey = pick(entry, ['routeKey']);
  const [routeMethod, routePath] =
    typeof routeKey === 'string' && routeKey.includes(' ') ? routeKey.split(' ', 2) : [undefined, undefined];
  // Every field that names the method or the path must agree: otherwise the filters could judge one value
  // while another is replayed.
  let method = normalizeMethod(entry.httpMethod);
  for (const other of [entry.method, routeMethod === 'ANY' ? undefined : routeMethod]) {
    const named = normalizeMethod(other);
    if (named === undefined || named === method) continue;
    if (method !== undefined) return { malformed: `conflicting methods ${method} and ${named}` };
    method = named;
  }
  if (!method) return { malformed: 'no HTTP method (httpMethod or routeKey)' };
  const template = pick(entry, ['resourcePath']) ?? routePath;
  let path: string | undefined;
  for (const key of PATH_KEYS) {
    const value = entry[key];
    if (value === undefined) continue;
    const found = normalizePath(value);
    if (found === undefined) continue;
    const named = stripStage(found, entry.stage);
    if (path !== undefined && named !== path) return { malformed: `conflicting paths ${path} and ${named}` };
    path = named;
  }
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

/**
 * API Gateway access logs in JSON (REST and HTTP API variable names: `httpMethod`, `path`, `resourcePath`,
 * `routeKey`, `status`, `requestTime`, ...). No bodies and no headers but the user agent.
 * Every line is parsed in full, once: the safety check, the filters and the replay read the same record
 * (a cheap peek at the first `httpMethod` once let a nested or repeated one decide what was replayed).
 */
export const apiGatewayParser = createLineParser(
  'apigw',
  (first) => {
    // Detection only recognises the format: a hostile first line is judged (malformed) by the parse.
    const value = parseJsonObject(first, { allowDuplicateKeys: true });
    return !isMalformed(value) && looksLikeApiGateway(value);
  },
  (text) => {
    const value = parseJsonObject(text);
    if (isMalformed(value)) return value;
    return parseApiGatewayEntry(value);
  },
  { aliases: ['api-gateway', 'apigateway'] },
);
