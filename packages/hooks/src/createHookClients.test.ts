import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { awsCallOf, describeAwsError } from '@bg-replay/core/internal';
import { sendJson, startServer } from '@bg-replay/test-utils';
import { describe, expect, it } from 'vitest';
import { createHookClients } from './createHookClients.js';

describe('createHookClients', () => {
  it('builds each client on first read, once, with the shared options; all are listed', () => {
    const clients = createHookClients({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:1' });
    expect(Object.getOwnPropertyDescriptor(clients, 'rds')?.get).toBeTypeOf('function');
    const ssm = clients.ssm;
    expect(ssm).toBeInstanceOf(SSMClient);
    expect(clients.ssm).toBe(ssm);
    expect(Object.getOwnPropertyDescriptor(clients, 'ssm')?.value).toBe(ssm);
    // Not built until read.
    expect(Object.getOwnPropertyDescriptor(clients, 'rds')?.get).toBeTypeOf('function');
    expect(Object.keys(clients).sort()).toEqual(
      ['autoScaling', 'dynamodb', 'ecs', 'eventBridge', 'lambda', 'rds', 'sns', 'sqs', 'ssm'].sort(),
    );
    return expect(ssm.config.region()).resolves.toBe('eu-west-1');
  });

  it('lets a client be replaced (tests inject their own)', () => {
    const clients = createHookClients();
    const own = new SSMClient({ region: 'us-east-1' });
    clients.ssm = own;
    expect(clients.ssm).toBe(own);
  });

  it('names the IAM action and the resource on the error of a real call (SDK middleware), after one attempt for a denial', async () => {
    const server = await startServer((_req, res) =>
      sendJson(
        res,
        400,
        {
          __type: 'AccessDeniedException',
          message: 'User: arn:aws:sts::1:assumed-role/hook/x is not authorized',
        },
        { 'content-type': 'application/x-amz-json-1.1' },
      ),
    );
    try {
      const { ssm } = createHookClients({
        region: 'eu-west-1',
        endpoint: server.url,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
      const error = await ssm
        .send(new GetParameterCommand({ Name: '/shop/active-stack' }))
        .catch((e: unknown) => e);
      expect(awsCallOf(error)).toEqual({ action: 'ssm:GetParameter', resource: '/shop/active-stack' });
      expect(describeAwsError(error)).toMatch(
        /^AccessDeniedException on ssm:GetParameter for \/shop\/active-stack: grant the IAM role or user running bg-replay ssm:GetParameter/,
      );
      expect(server.requests).toHaveLength(1);
      ssm.destroy();
    } finally {
      await server.close();
    }
  });
});
