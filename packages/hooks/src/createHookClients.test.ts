import { SSMClient } from '@aws-sdk/client-ssm';
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
});
