import { fileURLToPath } from 'node:url';
import { SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { BgReplayError } from '@bg-replay/core';
import { awsCallOf, describeAwsError } from '@bg-replay/core/internal';
import { sendJson, startServer } from '@bg-replay/test-utils';
import { describe, expect, it } from 'vitest';
import { createHookClients, neededClients } from './createHookClients.js';
import { HOOK_SDK_PACKAGES, type ImportHookSdk, importHookSdk } from './loadHookSdk.js';
import { loadStacksConfig } from './parseStacksConfig.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../../fixtures/stacks/${name}`, import.meta.url));

/** The error Node's ESM loader throws for a package that is not installed. */
function notFound(name: string): Error {
  return Object.assign(new Error(`Cannot find package '${name}' imported from /app/node_modules/x.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}

/** Imports as Node does, except that the packages in `absent` are not installed; records what was asked. */
function importerWithout(...absent: string[]): { importSdk: ImportHookSdk; imported: string[] } {
  const imported: string[] = [];
  const importSdk: ImportHookSdk = (name) => {
    imported.push(name);
    const packageName = HOOK_SDK_PACKAGES[name];
    return absent.includes(packageName) ? Promise.reject(notFound(packageName)) : importHookSdk(name);
  };
  return { importSdk, imported };
}

describe('createHookClients', () => {
  it('builds only SSM without a stacks file, and imports no optional SDK client', async () => {
    const { importSdk, imported } = importerWithout();
    const clients = await createHookClients(undefined, { region: 'eu-west-1', importSdk });
    expect(Object.keys(clients)).toEqual(['ssm']);
    expect(clients.ssm).toBeInstanceOf(SSMClient);
    expect(imported).toEqual([]);
    await expect(clients.ssm.config.region()).resolves.toBe('eu-west-1');
  });

  it('imports and builds just the clients the steps of a stacks file call, with the shared options', async () => {
    const config = await loadStacksConfig(fixture('catalog-lambda.yaml'));
    const { importSdk, imported } = importerWithout();
    const clients = await createHookClients(config, { region: 'eu-west-1', importSdk });
    // A Lambda service with DynamoDB, SQS, SNS and EventBridge: no ECS, no RDS.
    expect(Object.keys(clients).sort()).toEqual(
      ['autoScaling', 'dynamodb', 'eventBridge', 'lambda', 'sns', 'sqs', 'ssm'].sort(),
    );
    expect(imported.sort()).toEqual(
      ['autoScaling', 'dynamodb', 'eventBridge', 'lambda', 'sns', 'sqs'].sort(),
    );
    expect(clients.sns).toBeInstanceOf(SNSClient);
    await expect(clients.sns?.config.region()).resolves.toBe('eu-west-1');
  });

  it('says which key of the stacks file needs each client', async () => {
    const config = await loadStacksConfig(fixture('orders-ecs.yaml'));
    expect(Object.fromEntries(neededClients(config))).toEqual({
      autoScaling: 'stacks.a.scalableTargets[0]',
      rds: 'stacks.a.scalableTargets[0] (rds:cluster:ReadReplicaCount)',
      lambda: 'stacks.a.eventSources[0] (lambda-event-source-mapping)',
      eventBridge: 'stacks.a.eventSources[1] (eventbridge-rule)',
      ecs: 'stacks.a.migration (ecs-task)',
      sns: 'stacks.a.seed.publish (sns)',
      sqs: 'stacks.a.queues[0]',
    });
  });

  it('names the package to install, and the key that needs it, when an optional client is absent', async () => {
    const config = await loadStacksConfig(fixture('catalog-lambda.yaml'));
    const { importSdk } = importerWithout('@aws-sdk/client-sns');
    const error = await createHookClients(config, { importSdk }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BgReplayError);
    expect((error as BgReplayError).code).toBe('E_CONFIG');
    expect((error as BgReplayError).message).toBe(
      'stacks.a.eventSources[2] (sns-subscription) needs the AWS SDK client @aws-sdk/client-sns, which is not installed: ' +
        'run `npm i @aws-sdk/client-sns@^3` beside @bg-replay/hooks',
    );
  });

  it('does not need a client whose resources the stacks file leaves to someone else', async () => {
    const config = await loadStacksConfig(fixture('demo-ecs.yaml'));
    const { importSdk } = importerWithout(
      '@aws-sdk/client-sqs',
      '@aws-sdk/client-rds',
      '@aws-sdk/client-sns',
    );
    // The demo purges its queues at teardown: SQS is needed...
    await expect(createHookClients(config, { importSdk })).rejects.toThrow(
      'stacks.a.queues[0] needs the AWS SDK client @aws-sdk/client-sqs',
    );
    // ...unless the teardown leaves them alone; it names no RDS or SNS resource at all.
    const clients = await createHookClients(
      { ...config, teardown: { ...config.teardown, purgeQueues: false } },
      { importSdk },
    );
    expect(Object.keys(clients).sort()).toEqual(
      ['autoScaling', 'dynamodb', 'ecs', 'eventBridge', 'lambda', 'ssm'].sort(),
    );
  });

  it('passes on a missing package other than the client itself, which is a broken install, not a choice', async () => {
    const config = await loadStacksConfig(fixture('catalog-lambda.yaml'));
    const inner = notFound('@smithy/core');
    const importSdk: ImportHookSdk = () => Promise.reject(inner);
    await expect(createHookClients(config, { importSdk })).rejects.toBe(inner);
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
      const { ssm } = await createHookClients(undefined, {
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
