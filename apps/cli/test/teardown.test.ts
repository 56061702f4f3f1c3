import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendJson, startServer, type TestServer } from '@bg-replay/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { teardownCommand } from '../src/commands/teardown.js';
import { runCommand } from './_runCommand.js';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/shop-jobs-a';

/** A stacks file naming a queue and a table per stack (no sources, no capacity). */
const STACKS = `version: 1
service: shop
platform: ecs
activeStack:
  parameter: /shop/active-stack
waits: { pollSeconds: 0.01, timeoutSeconds: 30 }
stacks:
  a:
    database: { type: dynamodb, tableName: shop-a }
    queues: [{ url: ${QUEUE} }]
  b:
    database: { type: dynamodb, tableName: shop-b }
    queues: [{ url: https://sqs.eu-west-1.amazonaws.com/123456789012/shop-jobs-b }]
`;

let server: TestServer | undefined;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bg-teardown-'));
  await writeFile(join(dir, 'stacks.yaml'), STACKS);
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

/**
 * One loopback stand-in for the JSON protocols the teardown speaks (CodeDeploy, SSM, SQS, DynamoDB): b is
 * live, the deployment is `status`, and table shop-a is gone once deleted.
 */
async function account(status: string): Promise<TestServer> {
  let tableDeleted = false;
  const params = new Map<string, string>([['/shop/active-stack', 'b']]);
  return startServer((req, res, body) => {
    const target = String(req.headers['x-amz-target']);
    const input = JSON.parse(body || '{}') as Record<string, string>;
    const json = (payload: unknown) =>
      sendJson(res, 200, payload, { 'content-type': 'application/x-amz-json-1.1' });
    const fail = (type: string) => sendJson(res, 400, { __type: type, message: type });
    switch (target.split('.').at(-1)) {
      case 'GetDeployment':
        return json({ deploymentInfo: { deploymentId: input.deploymentId, status } });
      case 'GetParameter': {
        const value = params.get(String(input.Name));
        return value === undefined
          ? fail('ParameterNotFound')
          : json({ Parameter: { Name: input.Name, Value: value, Type: 'String' } });
      }
      case 'PutParameter':
        params.set(String(input.Name), String(input.Value));
        return json({ Version: 1 });
      case 'PurgeQueue':
        return json({});
      case 'DescribeTable':
        return tableDeleted
          ? fail('ResourceNotFoundException')
          : json({ Table: { TableName: input.TableName, TableStatus: 'ACTIVE' } });
      case 'DeleteTable':
        tableDeleted = true;
        return json({ TableDescription: { TableName: input.TableName, TableStatus: 'DELETING' } });
      default:
        return fail('UnknownOperationException');
    }
  });
}

const operations = (s: TestServer) =>
  s.requests.map((r) => String(r.headers['x-amz-target']).split('.').at(-1));
const ENV = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

describe('bg-replay teardown', () => {
  it('refuses while the last deployment is still in its termination wait, sending nothing destructive', async () => {
    server = await account('InProgress');
    const args = ['teardown', '--config', 'stacks.yaml', '--deployment-id', 'd-ABCDEF123'];
    await expect(
      runCommand(teardownCommand, [...args, '--region', 'eu-west-1', '--endpoint', server.url], {
        env: ENV,
        cwd: dir,
      }),
    ).rejects.toMatchObject({
      code: 'E_USAGE',
      message: expect.stringContaining(
        'deployment d-ABCDEF123 is InProgress: until it is final (after the termination wait) a rollback can still need the idle stack',
      ),
    });
    expect(operations(server)).toEqual(['GetDeployment']);
  });

  it("purges the idle stack's queue and deletes its table once the deployment succeeded, each guarded by the pointer", async () => {
    server = await account('Succeeded');
    const r = await runCommand(
      teardownCommand,
      [
        'teardown',
        '--config',
        'stacks.yaml',
        '--deployment-id',
        'd-ABCDEF123',
        '--region',
        'eu-west-1',
        '--endpoint',
        server.url,
      ],
      { env: ENV, cwd: dir },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('teardown of shop: idle stack a');
    expect(r.stdout).toContain(`✓ purge-queue a: PurgeQueue sqs:${QUEUE}`);
    expect(r.stdout).toContain('✓ delete-database a: DeleteTable dynamodb:shop-a');
    const ops = operations(server);
    expect(ops[0]).toBe('GetDeployment');
    const purge = server.requests.find((q) => String(q.headers['x-amz-target']).endsWith('.PurgeQueue'));
    expect(JSON.parse(purge?.body ?? '{}')).toEqual({ QueueUrl: QUEUE });
    const deleted = server.requests.find((q) => String(q.headers['x-amz-target']).endsWith('.DeleteTable'));
    expect(JSON.parse(deleted?.body ?? '{}')).toEqual({ TableName: 'shop-a' });
    // The pointer is read again right before each destructive call.
    expect(ops.indexOf('PurgeQueue')).toBeGreaterThan(ops.indexOf('GetParameter'));
    expect(ops.slice(0, ops.indexOf('DeleteTable')).lastIndexOf('GetParameter')).toBeGreaterThan(
      ops.indexOf('PurgeQueue'),
    );
  });

  it('asks for the deployment to check, or an explicit skip', async () => {
    await expect(
      runCommand(teardownCommand, ['teardown', '--config', 'stacks.yaml', '--region', 'eu-west-1'], {
        cwd: dir,
      }),
    ).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('--deployment-id') });
  });
});
