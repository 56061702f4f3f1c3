import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { collectSample } from '../../src/sources/collectSample.js';

// Without --endpoint, the CloudWatch source builds its own SDK client from the default chain and talks to
// the regional endpoint over node:https. msw intercepts that call, so the test proves the real default path
// (region, credentials from the environment, signing, JSON 1.1) without any traffic leaving the machine.
const calls: Array<{ target: string | null; authorization: string | null; body: Record<string, unknown> }> =
  [];
const server = setupServer(
  http.post('https://logs.eu-west-1.amazonaws.com/', async ({ request }) => {
    const body = (await request.json()) as Record<string, unknown>;
    calls.push({
      target: request.headers.get('x-amz-target'),
      authorization: request.headers.get('authorization'),
      body,
    });
    const line = JSON.stringify({
      httpMethod: 'GET',
      path: '/orders/7',
      resourcePath: '/orders/{id}',
      status: '200',
    });
    return HttpResponse.json(
      { events: [{ message: line, timestamp: Date.parse('2026-11-26T11:59:00Z') }] },
      { headers: { 'content-type': 'application/x-amz-json-1.1' } },
    );
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  vi.unstubAllEnvs();
});
afterAll(() => server.close());

describe('the CloudWatch source without an endpoint override', () => {
  it('signs a FilterLogEvents call to the regional endpoint with credentials from the environment', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAEXAMPLEEXAMPLE00');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'example-secret-example-secret-0000000000');
    vi.stubEnv('AWS_SESSION_TOKEN', '');
    const collected = await collectSample({
      logs: [{ kind: 'cloudwatch', logGroup: '/aws/apigateway/shop' }],
      cloudwatch: { since: '30m', strategy: 'filter', region: 'eu-west-1' },
      now: () => new Date('2026-11-26T12:00:00Z'),
    });
    expect(collected.records.map((r) => r.record.path)).toEqual(['/orders/7']);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.target).toBe('Logs_20140328.FilterLogEvents');
    expect(calls[0]?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEEXAMPLE00\/\d{8}\/eu-west-1\/logs\//,
    );
    expect(calls[0]?.body).toMatchObject({ logGroupName: '/aws/apigateway/shop' });
  });
});
