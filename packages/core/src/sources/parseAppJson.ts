import { BgReplayError } from '../errors.js';
import type { RequestRecord } from '../model.js';
import {
  createLineParser,
  type FieldMap,
  isMalformed,
  normalizeHeaders,
  normalizeMethod,
  normalizePath,
  parseJsonObject,
  parseStatus,
} from './formatParser.js';

const FIELDS = ['method', 'path', 'headers', 'body', 'status', 'timestamp', 'route', 'query'] as const;

/** Where each field is looked for when no `--map` names it: common logger shapes (pino, bunyan, ECS, OpenTelemetry). */
const DEFAULT_PATHS: Record<(typeof FIELDS)[number], readonly string[]> = {
  method: ['method', 'req.method', 'request.method', 'http.method', 'http.request.method'],
  path: [
    'path',
    'url',
    'req.url',
    'request.url',
    'request.path',
    'req.path',
    'http.target',
    'http.url',
    'url.original',
  ],
  headers: ['headers', 'req.headers', 'request.headers', 'http.request.headers'],
  body: ['body', 'req.body', 'request.body', 'http.request.body.content'],
  status: [
    'status',
    'statusCode',
    'res.statusCode',
    'response.status',
    'response.statusCode',
    'http.status_code',
    'http.response.status_code',
  ],
  timestamp: ['timestamp', 'time', '@timestamp', 'ts'],
  route: ['route', 'req.route', 'http.route'],
  query: ['query', 'req.query', 'request.query'],
};

/**
 * Parses `--map method=req.method,path=req.url,headers=req.headers,body=req.body` into a field map.
 *
 * @example
 * parseFieldMap('method=req.method,path=req.url') // { method: 'req.method', path: 'req.url' }
 */
export function parseFieldMap(spec: string): FieldMap {
  const map: FieldMap = {};
  for (const part of spec.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    const field = eq < 0 ? '' : item.slice(0, eq).trim();
    const path = eq < 0 ? '' : item.slice(eq + 1).trim();
    if (!(FIELDS as readonly string[]).includes(field) || path === '') {
      throw new BgReplayError(
        'E_USAGE',
        `--map ${item}: expected <field>=<dotted.path> with field one of ${FIELDS.join(', ')} (e.g. --map method=req.method,path=req.url)`,
      );
    }
    map[field as keyof FieldMap] = path;
  }
  if (!map.method || !map.path) {
    // Method and path are the least a replay needs; the others fall back to the common shapes.
    const missing = !map.method ? 'method' : 'path';
    throw new BgReplayError(
      'E_USAGE',
      `--map ${spec}: name the ${missing} field too (e.g. ${missing}=req.${missing === 'path' ? 'url' : 'method'})`,
    );
  }
  return map;
}

/** The value at a dotted path (`req.headers.host`); a key that itself contains dots is found too. */
export function getPath(value: unknown, path: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  const object = value as Record<string, unknown>;
  if (path in object) return object[path];
  const dot = path.indexOf('.');
  if (dot < 0) return undefined;
  // Try the longest prefix that is a key first: `http.request.method` may be flat or nested.
  for (let at = path.lastIndexOf('.'); at > 0; at = path.lastIndexOf('.', at - 1)) {
    const key = path.slice(0, at);
    if (key in object) return getPath(object[key], path.slice(at + 1));
  }
  return undefined;
}

function lookup(
  entry: Record<string, unknown>,
  field: (typeof FIELDS)[number],
  map: FieldMap | undefined,
): unknown {
  const mapped = map?.[field];
  if (mapped) return getPath(entry, mapped);
  for (const path of DEFAULT_PATHS[field]) {
    const value = getPath(entry, path);
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}

function queryString(query: unknown): string | undefined {
  if (typeof query === 'string') return query.replace(/^\?/, '') || undefined;
  if (query && typeof query === 'object' && !Array.isArray(query)) {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      for (const item of Array.isArray(value) ? value : [value])
        if (item !== undefined && item !== null) params.append(name, String(item));
    }
    return params.toString() || undefined;
  }
  return undefined;
}

function timestampOf(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value))
    return new Date(value < 1e11 ? value * 1000 : value).toISOString();
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString();
  }
  return undefined;
}

/** Turns one application log entry into a record through the field map (or the common shapes). */
export function parseAppJsonEntry(
  entry: Record<string, unknown>,
  map?: FieldMap,
): RequestRecord | null | { malformed: string } {
  const rawMethod = lookup(entry, 'method', map);
  const rawPath = lookup(entry, 'path', map);
  // Application logs mix request lines with others ("server started"): those are not malformed, just not requests.
  if (rawMethod === undefined && rawPath === undefined) return null;
  const method = normalizeMethod(rawMethod);
  if (!method) return { malformed: `no HTTP method at ${map?.method ?? 'method'}` };
  let path = normalizePath(rawPath);
  if (!path) return { malformed: `no request path at ${map?.path ?? 'path'}` };
  const query = queryString(lookup(entry, 'query', map));
  if (query && !path.includes('?')) path = `${path}?${query}`;
  const record: RequestRecord = { method, path, headers: normalizeHeaders(lookup(entry, 'headers', map)) };
  const body = lookup(entry, 'body', map);
  if (typeof body === 'string' && body !== '') record.body = body;
  else if (body !== undefined && body !== null && typeof body === 'object' && Object.keys(body).length > 0) {
    record.body = JSON.stringify(body);
    record.headers['content-type'] ??= 'application/json';
  }
  const status = parseStatus(lookup(entry, 'status', map));
  if (status !== undefined) record.status = status;
  const timestamp = timestampOf(lookup(entry, 'timestamp', map));
  if (timestamp) record.timestamp = timestamp;
  const route = lookup(entry, 'route', map);
  if (typeof route === 'string' && route.startsWith('/'))
    record.route = `${method} ${route.replace(/\{([^}+]+)\+?\}/g, ':$1')}`;
  return record;
}

/**
 * Application JSON logs (one JSON object per line) read through a field map of dotted paths, e.g.
 * `--map method=req.method,path=req.url,headers=req.headers,body=req.body`. Without a map the common shapes
 * of pino, bunyan, ECS and OpenTelemetry are tried. Lines that are not requests are ignored.
 */
export const appJsonParser = createLineParser(
  'appjson',
  (first, head, context) => {
    for (const line of head.length > 0 ? head : [first]) {
      const value = parseJsonObject(line, { allowDuplicateKeys: true });
      if (isMalformed(value)) return false;
      const record = parseAppJsonEntry(value, context.fieldMap);
      if (record !== null) return !isMalformed(record);
    }
    return false;
  },
  (text, _position, context) => {
    const value = parseJsonObject(text);
    if (isMalformed(value)) return value;
    return parseAppJsonEntry(value, context.fieldMap);
  },
  { aliases: ['json', 'app'] },
);
