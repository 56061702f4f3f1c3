import type { RequestRecord } from '../model.js';
import { routeFromTemplate } from '../sample/inferRoute.js';
import { copyString } from './detachRecord.js';
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
type HeadKey = (typeof HEAD_KEYS)[number];

/** A string value without escapes (anything else falls back to a full parse); status may be a number. */
const HEAD_VALUE: Record<HeadKey, string> = {
  httpMethod: '"([^"\\\\]*)"',
  path: '"([^"\\\\]*)"',
  resourcePath: '"([^"\\\\]*)"',
  stage: '"([^"\\\\]*)"',
  status: '"?(-?[0-9]*|-)"?',
};

interface HeadFormat {
  /**
   * The line's own layout up to its last head field (`^\{"requestId":"[^"\\]*","ip":…`): no lazy
   * quantifier, so it runs in one pass. It only matches where every value before the head is a plain
   * string or scalar, and then finds the same fields as `loose`.
   */
  strict: RegExp;
  /** The head fields in order with anything between (`^\{.*?"httpMethod":"…".*?"path":…`), for the rest. */
  loose: RegExp;
  /** Capture group of each head field; 0 when the format lacks it. */
  at: Record<HeadKey, number>;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Learns, from a line parsed in full, regular expressions that read the head fields of the lines that
 * follow. An access-log format is fixed per stage, so its keys come in the same order on every line; one
 * compiled expression is several times faster than `JSON.parse`. Undefined when the line is off the common
 * REST shape.
 */
function learnHeadFormat(text: string): HeadFormat | undefined {
  const entry = parseJsonObject(text);
  if (isMalformed(entry)) return undefined;
  if (typeof entry.httpMethod !== 'string' || typeof entry.path !== 'string') return undefined;
  if (OTHER_PATH_KEYS.some((key) => key in entry)) return undefined;
  const keys = Object.keys(entry);
  const isHead = (key: string): key is HeadKey => (HEAD_KEYS as readonly string[]).includes(key);
  const order = keys.filter(isHead);
  const loose = new RegExp(`^\\{.*?${order.map((key) => `"${key}":${HEAD_VALUE[key]}`).join('.*?')}`);
  const last = keys.findLastIndex(isHead);
  const strict = keys.slice(0, last + 1).map((key, i) => {
    const name = `${i === 0 ? '\\{' : ','}${escapeRegExp(JSON.stringify(key))}:`;
    if (isHead(key)) return `${name}${HEAD_VALUE[key]}`;
    // A plain string, or a scalar (number, true, false, null); objects and arrays only match `loose`.
    return `${name}(?:"[^"\\\\]*"|[^",{}[\\]]*)`;
  });
  return {
    strict: new RegExp(`^${strict.join('')}`),
    loose,
    at: Object.fromEntries(HEAD_KEYS.map((key) => [key, order.indexOf(key) + 1])) as Record<HeadKey, number>,
  };
}

/** `value` as one of the usual methods, or undefined (a constant string: cheap to compare and hash later). */
function plainMethod(value: string): string | undefined {
  switch (value) {
    case 'GET':
      return 'GET';
    case 'HEAD':
      return 'HEAD';
    case 'OPTIONS':
      return 'OPTIONS';
    case 'POST':
      return 'POST';
    case 'PUT':
      return 'PUT';
    case 'PATCH':
      return 'PATCH';
    case 'DELETE':
      return 'DELETE';
    default:
      return undefined;
  }
}

/** Templates remembered per input (compared, not hashed: a log has few); past this many the shared cache serves. */
const MAX_TEMPLATES = 32;

/**
 * A stateful peek for one input: learns the line shape from the first line, then reads heads by regex. The
 * stage and route templates are compared with the ones already seen, so a line costs the match, its path
 * and its head object.
 */
export function createApiGatewayPeek(): (text: string) => RecordHead | undefined {
  let learned: HeadFormat | null | undefined;
  // The last stage seen and its prefix (`/prod`), and the templates seen with their routes.
  let stage: string | undefined;
  let stagePrefix: string | undefined;
  const templates: Array<{ method: string; template: string; route: string }> = [];
  return (text) => {
    if (learned === undefined) learned = learnHeadFormat(text) ?? null;
    if (learned === null) return undefined;
    if (text.charCodeAt(text.length - 1) !== 125 /* } */) return undefined;
    const m = learned.strict.exec(text) ?? learned.loose.exec(text);
    if (m === null) return undefined;
    const { at } = learned;
    // Group 0 is the match; a key absent from the format has index 0 and reads as undefined.
    const rawMethod = m[at.httpMethod] as string;
    const method = plainMethod(rawMethod) ?? normalizeMethod(rawMethod);
    let path = m[at.path] as string;
    // A path starts with one slash (`//host/x` is not one: the full parse calls that line malformed).
    if (!method || path.charCodeAt(0) !== 47 /* / */ || path.charCodeAt(1) === 47) return undefined;
    const stageValue = at.stage > 0 ? m[at.stage] : undefined;
    if (stageValue !== undefined && stageValue !== '') {
      if (stageValue !== stage) {
        stage = copyString(stageValue);
        stagePrefix = stage === '$default' ? undefined : `/${stage}`;
      }
      // REST `$context.path` carries the stage (`/prod/orders/1`); the base URL names it already.
      if (stagePrefix !== undefined && path.startsWith(stagePrefix)) {
        const next = path.charCodeAt(stagePrefix.length);
        if (Number.isNaN(next)) path = '/';
        else if (next === 47 /* / */) path = path.slice(stagePrefix.length);
        else if (next === 63 /* ? */) path = `/${path.slice(stagePrefix.length)}`;
      }
    }
    const head: RecordHead = { method, path };
    const template = at.resourcePath > 0 ? m[at.resourcePath] : undefined;
    if (template !== undefined && template.charCodeAt(0) === 47) {
      let route: string | undefined;
      for (const known of templates) {
        if (known.method === method && known.template === template) {
          route = known.route;
          break;
        }
      }
      if (route === undefined) {
        route = cachedRoute(method, template);
        if (templates.length < MAX_TEMPLATES)
          templates.push({ method, template: copyString(template), route });
      }
      head.route = route;
    }
    if (at.status > 0) {
      const status = m[at.status] as string;
      // Three digits (the common case) without Number(); anything else as before.
      const value =
        status.length === 3
          ? (status.charCodeAt(0) - 48) * 100 + (status.charCodeAt(1) - 48) * 10 + status.charCodeAt(2) - 48
          : Number(status);
      if (value >= 100 && value <= 599 && Number.isInteger(value)) head.status = value;
    }
    return head;
  };
}

/**
 * API Gateway access logs in JSON (REST and HTTP API variable names: `httpMethod`, `path`, `resourcePath`,
 * `routeKey`, `status`, `requestTime`, ...). No bodies and no headers but the user agent.
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
