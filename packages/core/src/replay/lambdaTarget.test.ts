import { describe, expect, it } from 'vitest';
import {
  buildApiGatewayEvent,
  type LambdaInvoker,
  mapLambdaResult,
  parseLambdaTarget,
  sendLambdaRequest,
} from './lambdaTarget.js';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('parseLambdaTarget', () => {
  it('reads the function, the qualifier, the payload format and the stage', () => {
    expect(parseLambdaTarget('lambda://orders-api:7?payload=2.0')).toEqual({
      functionName: 'orders-api',
      qualifier: '7',
      payload: '2.0',
      stage: 'prod',
    });
    expect(parseLambdaTarget('lambda://orders-api?stage=v1')).toEqual({
      functionName: 'orders-api',
      payload: '1.0',
      stage: 'v1',
    });
    expect(parseLambdaTarget('lambda://orders-api:live?payload=3.0')).toBeUndefined();
    expect(parseLambdaTarget('https://orders.example.com')).toBeUndefined();
  });
});

describe('buildApiGatewayEvent', () => {
  const request = {
    method: 'GET',
    path: '/orders/1?expand=items&expand=customer&lang=en',
    headers: { Accept: 'application/json', cookie: 'a=1; b=2', 'user-agent': 'bg-replay/0.1.0' },
  };

  it('builds a REST API (payload 1.0) proxy event with multi-value query strings and the stage', () => {
    const target = parseLambdaTarget('lambda://orders-api:7?stage=prod');
    const event = buildApiGatewayEvent(request, target as never, NOW, 'r-1');
    expect(event).toMatchObject({
      resource: '/{proxy+}',
      path: '/orders/1',
      httpMethod: 'GET',
      headers: { accept: 'application/json', cookie: 'a=1; b=2' },
      multiValueHeaders: { accept: ['application/json'] },
      queryStringParameters: { expand: 'customer', lang: 'en' },
      multiValueQueryStringParameters: { expand: ['items', 'customer'], lang: ['en'] },
      requestContext: {
        httpMethod: 'GET',
        path: '/prod/orders/1',
        stage: 'prod',
        requestId: 'r-1',
        requestTimeEpoch: NOW,
        identity: { userAgent: 'bg-replay/0.1.0' },
      },
      body: null,
      isBase64Encoded: false,
    });
  });

  it('builds an HTTP API (payload 2.0) event with rawPath, rawQueryString, cookies and comma-joined values', () => {
    const target = parseLambdaTarget('lambda://orders-api:7?payload=2.0');
    const event = buildApiGatewayEvent(
      { ...request, method: 'POST', body: '{"a":1}' },
      target as never,
      NOW,
      'r-2',
    );
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/orders/1',
      rawQueryString: 'expand=items&expand=customer&lang=en',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { expand: 'items,customer', lang: 'en' },
      requestContext: {
        http: { method: 'POST', path: '/orders/1', protocol: 'HTTP/1.1', userAgent: 'bg-replay/0.1.0' },
        requestId: 'r-2',
        stage: '$default',
        time: '2026-11-30T12:00:00.000Z',
        timeEpoch: NOW,
      },
      body: '{"a":1}',
      isBase64Encoded: false,
    });
    expect((event.headers as Record<string, string>).cookie).toBeUndefined();
  });
});

describe('mapLambdaResult', () => {
  it('maps a proxy response: status, headers (multi-value joined), cookies and a base64 body', () => {
    const mapped = mapLambdaResult(
      {
        payload: bytes({
          statusCode: 404,
          headers: { 'Content-Type': 'text/plain' },
          multiValueHeaders: { Vary: ['Accept', 'Origin'] },
          cookies: ['s=1'],
          body: Buffer.from('not here').toString('base64'),
          isBase64Encoded: true,
        }),
      },
      '2.0',
    );
    expect(mapped.status).toBe(404);
    expect(mapped.headers).toEqual({
      'content-type': 'text/plain',
      vary: 'Accept, Origin',
      'set-cookie': 's=1',
    });
    expect(Buffer.from(mapped.body).toString()).toBe('not here');
  });

  it('treats a result without statusCode as 200 JSON with payload 2.0 and as 502 with 1.0', () => {
    const plain = { payload: bytes({ id: 1 }) };
    expect(mapLambdaResult(plain, '2.0')).toMatchObject({
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
    expect(Buffer.from(mapLambdaResult(plain, '2.0').body).toString()).toBe('{"id":1}');
    expect(mapLambdaResult(plain, '1.0').status).toBe(502);
  });

  it('answers 502 for a function error, as API Gateway does', () => {
    expect(
      mapLambdaResult({ functionError: 'Unhandled', payload: bytes({ errorMessage: 'boom' }) }, '1.0'),
    ).toMatchObject({
      status: 502,
    });
  });
});

describe('sendLambdaRequest', () => {
  it('invokes the qualified function with the event and returns the answer as an exchange', async () => {
    const seen: Array<{ functionName: string; qualifier?: string; event: Record<string, unknown> }> = [];
    const invoker: LambdaInvoker = async ({ functionName, qualifier, payload }) => {
      seen.push({
        functionName,
        ...(qualifier ? { qualifier } : {}),
        event: JSON.parse(Buffer.from(payload).toString()),
      });
      return { statusCode: 200, payload: bytes({ statusCode: 200, body: '{"ok":true}' }) };
    };
    const answer = await sendLambdaRequest({
      target: 'lambda://orders-api:8',
      method: 'GET',
      path: '/orders/1',
      headers: {},
      invoker,
      timeoutMs: 5000,
      maxBodyBytes: 1024,
      now: () => NOW,
    });
    expect(answer).toMatchObject({ ok: true, status: 200, truncated: false });
    expect(seen).toEqual([
      expect.objectContaining({
        functionName: 'orders-api',
        qualifier: '8',
        event: expect.objectContaining({ path: '/orders/1' }),
      }),
    ]);
  });

  it('is a transport error, not a throw, when the invoke fails or there is no invoker', async () => {
    const failing: LambdaInvoker = async () => {
      throw Object.assign(new Error('User is not authorized to perform: lambda:InvokeFunction'), {
        name: 'AccessDeniedException',
      });
    };
    const base = {
      target: 'lambda://orders-api:8',
      method: 'GET',
      path: '/',
      headers: {},
      timeoutMs: 5000,
      maxBodyBytes: 1024,
    };
    expect(await sendLambdaRequest({ ...base, invoker: failing })).toMatchObject({
      ok: false,
      code: 'other',
      message: 'Invoke lambda://orders-api:8: User is not authorized to perform: lambda:InvokeFunction',
    });
    expect(await sendLambdaRequest(base)).toMatchObject({
      ok: false,
      message: 'no Lambda invoker was given for lambda://orders-api:8',
    });
  });
});
