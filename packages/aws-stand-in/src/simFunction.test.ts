import { startServer, type TestServer } from '@bg-replay/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { createProxyHandler, invokeSimFunction, parseProxyEvent, type SimFunction } from './simFunction.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('parseProxyEvent', () => {
  it('reads a REST API (payload 1.0) event with repeated query parameters', () => {
    expect(
      parseProxyEvent({
        httpMethod: 'GET',
        path: '/orders/7',
        multiValueQueryStringParameters: { tag: ['a', 'b'] },
        queryStringParameters: { tag: 'b' },
        headers: { Accept: 'application/json' },
        body: null,
      }),
    ).toEqual({ method: 'GET', url: '/orders/7?tag=a&tag=b', headers: { accept: 'application/json' } });
  });

  it('reads an HTTP API (payload 2.0) event with a base64 body', () => {
    expect(
      parseProxyEvent({
        version: '2.0',
        rawPath: '/search',
        rawQueryString: 'q=red',
        requestContext: { http: { method: 'POST' } },
        headers: {},
        body: Buffer.from('{"x":1}').toString('base64'),
        isBase64Encoded: true,
      }),
    ).toEqual({ method: 'POST', url: '/search?q=red', headers: {}, body: '{"x":1}' });
  });
});

describe('createProxyHandler', () => {
  it('answers a proxy event with what the service at the base URL answered', async () => {
    const seen: string[] = [];
    server = await startServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(404, { 'content-type': 'application/json', 'x-service-version': '1.4.2' });
      res.end('{"error":"no such order"}');
    });
    const handler = createProxyHandler(server.url);
    const result = await handler({
      version: '2.0',
      rawPath: '/orders/999',
      rawQueryString: '',
      requestContext: { http: { method: 'GET' } },
    });
    expect(seen).toEqual(['GET /orders/999']);
    expect(result).toMatchObject({
      statusCode: 404,
      body: '{"error":"no such order"}',
      isBase64Encoded: false,
      headers: { 'x-service-version': '1.4.2', 'content-type': 'application/json' },
    });
  });
});

describe('invokeSimFunction', () => {
  const fn: SimFunction = { versions: { '1': () => 'one', '2': () => 'two' }, aliases: { live: '1' } };

  it('resolves an alias, a version and $LATEST (the highest version)', async () => {
    expect(await invokeSimFunction(fn, 'f', 'live', {})).toMatchObject({
      payload: 'one',
      headers: { 'x-amz-executed-version': '1' },
    });
    expect((await invokeSimFunction(fn, 'f', '2', {})).payload).toBe('two');
    expect((await invokeSimFunction(fn, 'f', undefined, {})).headers['x-amz-executed-version']).toBe('2');
  });

  it('answers an unknown qualifier with ResourceNotFoundException naming it', async () => {
    const reply = await invokeSimFunction(fn, 'f', '9', {});
    expect(reply).toMatchObject({
      status: 404,
      headers: { 'x-amzn-errortype': 'ResourceNotFoundException' },
      payload: { message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:f:9' },
    });
  });
});
