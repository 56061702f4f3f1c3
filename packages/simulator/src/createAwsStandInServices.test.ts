import {
  GetEventSourceMappingCommand,
  LambdaClient,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsStandInServices } from './createAwsStandInServices.js';
import { FAKE_CREDENTIALS } from './runLifecycle.js';
import { type CodeDeployStandIn, startCodeDeployStandIn } from './startCodeDeployStandIn.js';

let standIn: CodeDeployStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

async function start() {
  const services = createAwsStandInServices();
  standIn = await startCodeDeployStandIn({
    services,
    deployment: {
      deploymentId: 'd-1',
      applicationName: 'app',
      deploymentGroupName: 'group',
      computePlatform: 'ECS',
      appSpecContent: '{}',
      appSpecSha256: '0',
      status: 'InProgress' as const,
    },
  });
  const config = {
    endpoint: standIn.url,
    region: 'us-east-1',
    credentials: FAKE_CREDENTIALS,
    maxAttempts: 1,
  };
  return { services, ssm: new SSMClient(config), lambda: new LambdaClient(config) };
}

describe('createAwsStandInServices behind the stand-in (real SDK clients)', () => {
  it('serves SSM parameters with the SDK error names the hooks rely on', async () => {
    const { services, ssm } = await start();
    await expect(ssm.send(new GetParameterCommand({ Name: '/x' }))).rejects.toMatchObject({
      name: 'ParameterNotFound',
    });
    await ssm.send(new PutParameterCommand({ Name: '/x', Value: 'a', Type: 'String' }));
    await expect(
      ssm.send(new PutParameterCommand({ Name: '/x', Value: 'b', Type: 'String' })),
    ).rejects.toMatchObject({
      name: 'ParameterAlreadyExists',
    });
    const out = await ssm.send(new GetParameterCommand({ Name: '/x' }));
    expect(out.Parameter?.Value).toBe('a');
    expect(services.mutations().map((c) => c.operation)).toEqual(['PutParameter']);
    expect(services.calls.map((c) => c.error ?? c.operation)).toEqual([
      'ParameterNotFound',
      'PutParameter',
      'ParameterAlreadyExists',
      'GetParameter',
    ]);
  });

  it('moves an event source mapping through Enabling to Enabled, refusing an update meanwhile', async () => {
    const { services, lambda } = await start();
    services.state.eventSourceMappings.set('u-1', { state: 'Disabled' });
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: 'u-1', Enabled: true }));
    expect((await lambda.send(new GetEventSourceMappingCommand({ UUID: 'u-1' }))).State).toBe('Enabling');
    await expect(
      lambda.send(new UpdateEventSourceMappingCommand({ UUID: 'u-1', Enabled: false })),
    ).rejects.toMatchObject({
      name: 'ResourceInUseException',
    });
    expect((await lambda.send(new GetEventSourceMappingCommand({ UUID: 'u-1' }))).State).toBe('Enabled');
    await expect(lambda.send(new GetEventSourceMappingCommand({ UUID: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('answers an operation it does not serve with UnknownOperationException', async () => {
    await start();
    const res = await fetch(standIn?.url ?? '', {
      method: 'POST',
      headers: {
        'x-amz-target': 'AmazonSSM.GetParametersByPath',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });
});
