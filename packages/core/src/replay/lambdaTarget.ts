import { performance } from 'node:perf_hooks';
import type { Exchange } from '../model.js';

/**
 * A Lambda function (and version or alias) as a replay target: `lambda://function[:qualifier]`, with an
 * optional `?payload=1.0|2.0` (the API Gateway payload format: 1.0 REST API, the default; 2.0 HTTP API) and
 * `&stage=<name>` (the REST stage named in the event; default `prod`).
 */
export interface LambdaTarget {
  functionName: string;
  qualifier?: string;
  payload: '1.0' | '2.0';
  stage: string;
}

/**
 * Invokes a function synchronously (`RequestResponse`) and returns what Lambda answered. Injected so that
 * core does not depend on the Lambda SDK: `@bg-replay/codedeploy` builds one on a `LambdaClient`.
 */
export type LambdaInvoker = (request: {
  functionName: string;
  qualifier?: string;
  payload: Uint8Array;
  signal?: AbortSignal;
}) => Promise<{ statusCode?: number; functionError?: string; payload?: Uint8Array }>;

/** True for a `lambda://` base. */
export function isLambdaTarget(base: string): boolean {
  return base.startsWith('lambda://');
}

/**
 * Parses `lambda://function[:qualifier][?payload=1.0|2.0&stage=name]`; undefined when `base` is not one.
 *
 * @example
 * parseLambdaTarget('lambda://orders-api:7?payload=2.0');
 * // { functionName: 'orders-api', qualifier: '7', payload: '2.0', stage: 'prod' }
 */
export function parseLambdaTarget(base: string): LambdaTarget | undefined {
  const match = /^lambda:\/\/([^/?#:]+)(?::([^/?#]+))?\/?(?:\?(.*))?$/.exec(base);
  if (!match?.[1]) return undefined;
  const params = new URLSearchParams(match[3] ?? '');
  const payload = params.get('payload') ?? '1.0';
  if (payload !== '1.0' && payload !== '2.0') return undefined;
  return {
    functionName: decodeURIComponent(match[1]),
    ...(match[2] ? { qualifier: decodeURIComponent(match[2]) } : {}),
    payload,
    stage: params.get('stage') ?? 'prod',
  };
}

/** One request as the replay sends it. */
export interface LambdaRequest {
  method: string;
  /** Path with its query string, as logged (`/orders/1?expand=items`). */
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array | string;
}

function splitPath(path: string): { rawPath: string; rawQuery: string } {
  const q = path.indexOf('?');
  return q < 0 ? { rawPath: path, rawQuery: '' } : { rawPath: path.slice(0, q), rawQuery: path.slice(q + 1) };
}

function bodyOf(body: Uint8Array | string | undefined): { body: string | null; isBase64Encoded: boolean } {
  if (body === undefined) return { body: null, isBase64Encoded: false };
  if (typeof body === 'string') return { body, isBase64Encoded: false };
  const text = Buffer.from(body).toString('utf8');
  // Text that survives a round trip goes as text, the rest as base64 (as API Gateway does for binary media).
  return Buffer.from(text, 'utf8').equals(Buffer.from(body))
    ? { body: text, isBase64Encoded: false }
    : { body: Buffer.from(body).toString('base64'), isBase64Encoded: true };
}

/**
 * The API Gateway proxy event for a request: payload 1.0 (REST API: `httpMethod`, `path`, `multiValue*`,
 * `requestContext.stage`) or 2.0 (HTTP API: `version`, `rawPath`, `rawQueryString`, `cookies`, comma-joined
 * `headers` and `queryStringParameters`, `requestContext.http`). Header names are lower-cased.
 *
 * @example
 * buildApiGatewayEvent({ method: 'GET', path: '/orders/1?x=1', headers: {} }, target, Date.parse('2026-11-30T12:00:00Z'), 'r-1');
 */
export function buildApiGatewayEvent(
  request: LambdaRequest,
  target: LambdaTarget,
  nowMs: number,
  requestId: string,
): Record<string, unknown> {
  const { rawPath, rawQuery } = splitPath(request.path);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  const query = new URLSearchParams(rawQuery);
  const multi: Record<string, string[]> = {};
  for (const [name, value] of query) {
    const values = multi[name] ?? [];
    values.push(value);
    multi[name] = values;
  }
  const { body, isBase64Encoded } = bodyOf(request.body);
  const userAgent = headers['user-agent'] ?? '';
  const sourceIp = '127.0.0.1';
  if (target.payload === '2.0') {
    const { cookie, ...rest } = headers;
    const joined: Record<string, string> = {};
    for (const [name, values] of Object.entries(multi)) joined[name] = values.join(',');
    return {
      version: '2.0',
      routeKey: '$default',
      rawPath,
      rawQueryString: rawQuery,
      ...(cookie ? { cookies: cookie.split(/;\s*/).filter(Boolean) } : {}),
      headers: rest,
      ...(rawQuery ? { queryStringParameters: joined } : {}),
      requestContext: {
        accountId: 'bg-replay',
        apiId: 'bg-replay',
        domainName: headers.host ?? 'bg-replay.invalid',
        domainPrefix: 'bg-replay',
        http: { method: request.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp, userAgent },
        requestId,
        routeKey: '$default',
        stage: '$default',
        time: new Date(nowMs).toISOString(),
        timeEpoch: nowMs,
      },
      ...(body === null ? {} : { body }),
      isBase64Encoded,
    };
  }
  const single: Record<string, string> = {};
  for (const [name, values] of Object.entries(multi)) single[name] = values.at(-1) as string;
  const multiHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers)) multiHeaders[name] = [value];
  return {
    resource: '/{proxy+}',
    path: rawPath,
    httpMethod: request.method,
    headers,
    multiValueHeaders: multiHeaders,
    queryStringParameters: rawQuery ? single : null,
    multiValueQueryStringParameters: rawQuery ? multi : null,
    pathParameters: { proxy: rawPath.replace(/^\//, '') },
    stageVariables: null,
    requestContext: {
      accountId: 'bg-replay',
      apiId: 'bg-replay',
      resourceId: 'bg-replay',
      resourcePath: '/{proxy+}',
      httpMethod: request.method,
      path: `/${target.stage}${rawPath}`,
      stage: target.stage,
      protocol: 'HTTP/1.1',
      requestId,
      requestTimeEpoch: nowMs,
      identity: { sourceIp, userAgent },
    },
    body,
    isBase64Encoded,
  };
}

/** The answer API Gateway gives for a failed integration (a function error or an unusable response). */
const BAD_GATEWAY = (message: string) => ({
  status: 502,
  headers: { 'content-type': 'application/json' },
  body: new TextEncoder().encode(JSON.stringify({ message })),
});

/**
 * The HTTP answer API Gateway would give for a function's result: `statusCode`, `headers` (and
 * `multiValueHeaders`, joined with `, `), `cookies` (2.0: `set-cookie`), `body` (base64 when
 * `isBase64Encoded`). With payload 2.0 a result without `statusCode` is a 200 JSON body; with 1.0 it is a
 * 502, as is a function error.
 *
 * @example
 * mapLambdaResult({ payload: bytes('{"statusCode":404,"body":"no"}') }, '1.0'); // { status: 404, ... }
 */
export function mapLambdaResult(
  result: { functionError?: string; payload?: Uint8Array },
  payload: '1.0' | '2.0',
): { status: number; headers: Record<string, string>; body: Uint8Array } {
  if (result.functionError) return BAD_GATEWAY('Internal server error');
  const text = result.payload ? Buffer.from(result.payload).toString('utf8') : '';
  let value: unknown;
  try {
    value = text === '' ? null : JSON.parse(text);
  } catch {
    return BAD_GATEWAY('Internal server error');
  }
  const object =
    value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  if (!object || typeof object.statusCode !== 'number') {
    if (payload === '1.0') return BAD_GATEWAY('Internal server error');
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value)),
    };
  }
  const headers: Record<string, string> = {};
  const multi = (object.multiValueHeaders ?? {}) as Record<string, unknown>;
  for (const [name, values] of Object.entries(multi))
    if (Array.isArray(values)) headers[name.toLowerCase()] = values.map(String).join(', ');
  for (const [name, value] of Object.entries((object.headers ?? {}) as Record<string, unknown>))
    if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
  if (Array.isArray(object.cookies) && object.cookies.length > 0)
    headers['set-cookie'] = object.cookies.map(String).join(', ');
  const rawBody = object.body === undefined || object.body === null ? '' : String(object.body);
  const body =
    object.isBase64Encoded === true ? Buffer.from(rawBody, 'base64') : Buffer.from(rawBody, 'utf8');
  return { status: object.statusCode, headers, body: new Uint8Array(body) };
}

/** Options of {@link sendLambdaRequest}. */
export interface SendLambdaOptions extends LambdaRequest {
  target: string;
  invoker?: LambdaInvoker;
  timeoutMs: number;
  maxBodyBytes: number;
  signal?: AbortSignal;
  /** Clock for the event's time (default Date.now). */
  now?: () => number;
}

let sequence = 0;

/**
 * Sends one request to a `lambda://` target as an API Gateway proxy event with `Invoke`, and returns the
 * answer as data like `sendRequest`: a response, or a transport error (no invoker, the invoke failed or timed
 * out). It never throws.
 *
 * @example
 * const answer = await sendLambdaRequest({ target: 'lambda://orders-api:7', method: 'GET', path: '/orders/1',
 *   headers: {}, invoker, timeoutMs: 5000, maxBodyBytes: 1 << 20 });
 */
export async function sendLambdaRequest(options: SendLambdaOptions): Promise<Exchange> {
  const started = performance.now();
  const fail = (code: 'timeout' | 'other', message: string): Exchange => ({
    ok: false,
    code,
    message,
    latencyMs: performance.now() - started,
  });
  const target = parseLambdaTarget(options.target);
  if (!target) return fail('other', `${options.target} is not a lambda://function[:qualifier] target`);
  if (!options.invoker) return fail('other', `no Lambda invoker was given for ${options.target}`);
  sequence += 1;
  const event = buildApiGatewayEvent(options, target, (options.now ?? Date.now)(), `bg-replay-${sequence}`);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const result = await options.invoker({
      functionName: target.functionName,
      ...(target.qualifier ? { qualifier: target.qualifier } : {}),
      payload: new TextEncoder().encode(JSON.stringify(event)),
      signal,
    });
    const mapped = mapLambdaResult(result, target.payload);
    const truncated = mapped.body.byteLength > options.maxBodyBytes;
    return {
      ok: true,
      status: mapped.status,
      headers: mapped.headers,
      body: truncated ? mapped.body.subarray(0, options.maxBodyBytes) : mapped.body,
      truncated,
      latencyMs: performance.now() - started,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return fail(timeout.aborted ? 'timeout' : 'other', `Invoke ${options.target}: ${message}`);
  }
}
