import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startServer, type TestServer } from '@bg-replay/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { awsClientConfig, classifyAwsError } from '../src/internal.js';

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('awsClientConfig', () => {
  it("retries throttling with the SDK's strategy, up to maxAttempts calls in all", async () => {
    let calls = 0;
    server = await startServer((_req, res) => {
      calls += 1;
      res.writeHead(calls < 3 ? 400 : 200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(
        JSON.stringify(
          calls < 3 ? { __type: 'ThrottlingException', message: 'Rate exceeded' } : { logGroups: [] },
        ),
      );
    });
    const client = new CloudWatchLogsClient(
      awsClientConfig({ region: 'eu-west-1', endpoint: server.url, credentials: CREDENTIALS }),
    );
    await expect(client.send(new DescribeLogGroupsCommand({}))).resolves.toMatchObject({ logGroups: [] });
    expect(calls).toBe(3);
    client.destroy();
  });

  it('gives up after maxAttempts, and the error records the attempts', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
    });
    const client = new CloudWatchLogsClient(
      awsClientConfig({
        region: 'eu-west-1',
        endpoint: server.url,
        credentials: CREDENTIALS,
        maxAttempts: 2,
      }),
    );
    const error = await client.send(new DescribeLogGroupsCommand({})).catch((e: unknown) => e);
    expect(classifyAwsError(error)).toBe('throttled');
    expect((error as { $metadata: { attempts: number } }).$metadata.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
    client.destroy();
  });

  it('does not retry a request the service refused (a 4xx that is not throttling)', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ __type: 'InvalidParameterException', message: 'bad' }));
    });
    const client = new CloudWatchLogsClient(
      awsClientConfig({ region: 'eu-west-1', endpoint: server.url, credentials: CREDENTIALS }),
    );
    await expect(client.send(new DescribeLogGroupsCommand({}))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    expect(server.requests).toHaveLength(1);
    client.destroy();
  });

  it('ends a call whose answer never comes at the request timeout instead of hanging', async () => {
    server = await startServer(() => {
      // never answers
    });
    const client = new CloudWatchLogsClient(
      awsClientConfig({
        region: 'eu-west-1',
        endpoint: server.url,
        credentials: CREDENTIALS,
        requestTimeoutMs: 300,
        maxAttempts: 1,
      }),
    );
    await expect(client.send(new DescribeLogGroupsCommand({}))).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    client.destroy();
  });
});
