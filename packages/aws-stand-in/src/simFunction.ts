/** A Lambda handler of a simulated function version: the event in, the result out; a throw is a function error. */
export type SimHandler = (event: unknown) => unknown;

/** A simulated Lambda function: numbered versions and aliases naming them (as `live` → `1`). */
export interface SimFunction {
  versions: Record<string, SimHandler>;
  aliases: Record<string, string>;
}

/** What the stand-in answers to an `Invoke`. */
export interface SimInvokeReply {
  status: number;
  headers: Record<string, string>;
  payload: unknown;
}

const ACCOUNT_ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

/**
 * Resolves `qualifier` (a version, an alias or nothing for `$LATEST`, the highest version) and runs that
 * version's handler as a synchronous `Invoke` would: the result as the payload with `X-Amz-Executed-Version`,
 * a thrown error as `X-Amz-Function-Error: Unhandled`, an unknown qualifier as `ResourceNotFoundException`;
 * a `DryRun` is a 204 that runs nothing.
 *
 * @example
 * const reply = await invokeSimFunction(fn, 'shop-api', 'live', { rawPath: '/health' });
 */
export async function invokeSimFunction(
  fn: SimFunction,
  name: string,
  qualifier: string | null | undefined,
  event: unknown,
  invocationType = 'RequestResponse',
): Promise<SimInvokeReply> {
  const numbers = Object.keys(fn.versions).sort((a, b) => Number(a) - Number(b));
  const version =
    !qualifier || qualifier === '$LATEST' ? numbers.at(-1) : (fn.aliases[qualifier] ?? qualifier);
  const handler = version === undefined ? undefined : fn.versions[version];
  if (!handler || version === undefined) {
    const message = `Function not found: ${ACCOUNT_ARN}:${name}${qualifier ? `:${qualifier}` : ''}`;
    return {
      status: 404,
      headers: { 'x-amzn-errortype': 'ResourceNotFoundException' },
      payload: { Type: 'User', message },
    };
  }
  // DryRun only checks the function and the permission: 204, nothing runs.
  if (invocationType === 'DryRun') return { status: 204, headers: {}, payload: undefined };
  const headers = { 'x-amz-executed-version': version };
  try {
    return { status: 200, headers, payload: (await handler(event)) ?? null };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    return {
      status: 200,
      headers: { ...headers, 'x-amz-function-error': 'Unhandled' },
      payload: { errorType: e.name, errorMessage: e.message, trace: [] },
    };
  }
}

/** An API Gateway proxy result (payload format 1.0 and 2.0 share these fields). */
export interface ProxyResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

/** The HTTP request an API Gateway proxy event stands for. */
export interface ProxyRequest {
  method: string;
  /** Path and query string, as `/orders/7?expand=lines`. */
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * Reads the request out of an API Gateway Lambda proxy event, payload format 1.0 (REST API: `httpMethod`,
 * `path`, `multiValueQueryStringParameters`) or 2.0 (HTTP API: `version: '2.0'`, `rawPath`,
 * `rawQueryString`, `requestContext.http.method`).
 *
 * @example
 * parseProxyEvent({ version: '2.0', rawPath: '/orders/7', rawQueryString: 'a=1', requestContext: { http: { method: 'GET' } } });
 * // { method: 'GET', url: '/orders/7?a=1', headers: {} }
 */
export function parseProxyEvent(event: unknown): ProxyRequest {
  const e = (event ?? {}) as Record<string, unknown>;
  const headers = Object.fromEntries(
    Object.entries((e.headers ?? {}) as Record<string, unknown>).map(([k, v]) => [
      k.toLowerCase(),
      String(v),
    ]),
  );
  const rawBody = typeof e.body === 'string' ? e.body : undefined;
  const body =
    rawBody !== undefined && e.isBase64Encoded === true
      ? Buffer.from(rawBody, 'base64').toString('utf8')
      : rawBody;
  if (e.version === '2.0') {
    const http = ((e.requestContext ?? {}) as { http?: { method?: string } }).http ?? {};
    const query = typeof e.rawQueryString === 'string' && e.rawQueryString ? `?${e.rawQueryString}` : '';
    return {
      method: String(http.method ?? 'GET'),
      url: `${String(e.rawPath ?? '/')}${query}`,
      headers,
      ...(body !== undefined ? { body } : {}),
    };
  }
  const params = new URLSearchParams();
  const multi = e.multiValueQueryStringParameters as Record<string, string[]> | null | undefined;
  const single = e.queryStringParameters as Record<string, string> | null | undefined;
  if (multi) for (const [k, vs] of Object.entries(multi)) for (const v of vs ?? []) params.append(k, v);
  else if (single) for (const [k, v] of Object.entries(single)) params.append(k, v);
  const query = params.size ? `?${params}` : '';
  return {
    method: String(e.httpMethod ?? 'GET'),
    url: `${String(e.path ?? '/')}${query}`,
    headers,
    ...(body !== undefined ? { body } : {}),
  };
}

/**
 * A function version that answers API Gateway proxy events (1.0 and 2.0) by sending the request to an HTTP
 * service at `baseUrl` and returning its answer as a proxy result: a Lambda version that behaves like that
 * service (the simulator's Lambda platform serves the demo's blue as version 1 and green as version 2).
 *
 * @example
 * const fn: SimFunction = { versions: { '1': createProxyHandler(blueUrl), '2': createProxyHandler(greenUrl) }, aliases: { live: '1' } };
 */
export function createProxyHandler(
  baseUrl: string,
  fetchFn: typeof fetch = fetch,
): (event: unknown) => Promise<ProxyResult> {
  return async (event) => {
    const request = parseProxyEvent(event);
    const { host: _host, 'content-length': _length, ...headers } = request.headers;
    const response = await fetchFn(new URL(request.url, baseUrl), {
      method: request.method,
      headers,
      ...(request.body !== undefined && request.method !== 'GET' && request.method !== 'HEAD'
        ? { body: request.body }
        : {}),
    });
    const body = await response.text();
    return {
      statusCode: response.status,
      headers: Object.fromEntries(response.headers),
      body,
      isBase64Encoded: false,
    };
  };
}
