import {
  GetEventSourceMappingCommand,
  InvokeCommand,
  LambdaClient,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import {
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  GetSubscriptionAttributesCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
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

async function start(settle: 'reads' | 'ticks' = 'reads') {
  const services = createAwsStandInServices({ settle });
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
  return {
    services,
    ssm: new SSMClient(config),
    lambda: new LambdaClient(config),
    sns: new SNSClient(config),
    rds: new RDSClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    sfn: new SFNClient(config),
  };
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
    services.state.eventSourceMappings.set('u-1', 'Disabled');
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

  it('serves SNS over the query protocol: subscription filter policies, Publish, NotFoundException', async () => {
    const { services, sns } = await start();
    const arn = 'arn:aws:sns:us-east-1:000000000000:events:sub-b';
    services.state.subscriptions.set(arn, '{"bg-replay-disabled":["true"]}');
    const read = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arn }));
    expect(read.Attributes).toEqual({
      SubscriptionArn: arn,
      FilterPolicy: '{"bg-replay-disabled":["true"]}',
    });
    await sns.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn: arn,
        AttributeName: 'FilterPolicy',
        AttributeValue: '{}',
      }),
    );
    expect(services.state.subscriptions.get(arn)).toBeUndefined();
    const seen: string[] = [];
    services.onPublish = (operation, input) => seen.push(`${operation} ${String(input.Message)}`);
    const out = await sns.send(
      new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:t', Message: 'go <b>' }),
    );
    expect(out.MessageId).toMatch(/^message-/);
    expect(seen).toEqual(['Publish go <b>']);
    await expect(
      sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: `${arn}-gone` })),
    ).rejects.toMatchObject({ name: 'NotFoundException' });
  });

  it('serves RDS over the query protocol: an instance and then its cluster deleted, settling on ticks', async () => {
    const { services, rds } = await start('ticks');
    services.state.clusters.set('c-1', { status: 'available', members: ['c-1-writer'] });
    services.state.instances.set('c-1-writer', 'available');
    const describe = async () =>
      (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'c-1' }))).DBClusters?.[0];
    expect(await describe()).toMatchObject({
      Status: 'available',
      DeletionProtection: false,
      DBClusterMembers: [{ DBInstanceIdentifier: 'c-1-writer' }],
    });
    await expect(
      rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: 'c-1', SkipFinalSnapshot: true })),
    ).rejects.toMatchObject({ name: 'InvalidDBClusterStateFault' });
    await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'c-1-writer' }));
    expect((await describe())?.DBClusterMembers).toHaveLength(1);
    services.tick();
    expect((await describe())?.DBClusterMembers).toEqual([]);
    await rds.send(
      new DeleteDBClusterCommand({ DBClusterIdentifier: 'c-1', FinalDBSnapshotIdentifier: 'c-1-final' }),
    );
    expect(services.state.snapshots).toEqual(['c-1-final']);
    services.tick();
    await expect(describe()).rejects.toMatchObject({ name: 'DBClusterNotFoundFault' });
  });

  it('invokes a plain function of the account, answering its error as a function error', async () => {
    const { services, lambda } = await start();
    services.state.functions.set('migrate-b', { error: 'column exists' });
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'migrate-b', Payload: '{"table":"t"}' }));
    expect(out.FunctionError).toBe('Unhandled');
    expect(new TextDecoder().decode(out.Payload)).toBe('{"errorMessage":"column exists"}');
    expect(services.mutations().map((c) => `${c.operation} ${String(c.input.Payload)}`)).toEqual([
      'Invoke {"table":"t"}',
    ]);
  });

  it('refuses the next call of an operation with an injected fault, once', async () => {
    const { services, ssm } = await start();
    services.state.parameters.set('/x', 'a');
    services.failNext('GetParameter', 'ThrottlingException', 'Rate exceeded');
    await expect(ssm.send(new GetParameterCommand({ Name: '/x' }))).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    expect((await ssm.send(new GetParameterCommand({ Name: '/x' }))).Parameter?.Value).toBe('a');
  });
});

describe('the S3 and Step Functions parts of the account (real SDK clients)', () => {
  it('stores an object with PutObject and answers GetObject with its bytes; a missing key is NoSuchKey', async () => {
    const { services, s3 } = await start();
    services.state.buckets.add('reports');
    const body = JSON.stringify({ verdict: 'fail', note: 'ünïcode & <xml>' });
    await s3.send(
      new PutObjectCommand({
        Bucket: 'reports',
        Key: 'bg-replay/d-1/shard-1-of-4.json',
        Body: body,
        ContentType: 'application/json',
      }),
    );
    expect(services.state.objects.get('reports/bg-replay/d-1/shard-1-of-4.json')?.body.toString('utf8')).toBe(
      body,
    );
    const got = await s3.send(
      new GetObjectCommand({ Bucket: 'reports', Key: 'bg-replay/d-1/shard-1-of-4.json' }),
    );
    expect(got.ContentType).toBe('application/json');
    expect(await got.Body?.transformToString()).toBe(body);
    await expect(
      s3.send(new GetObjectCommand({ Bucket: 'reports', Key: 'nope.json' })),
    ).rejects.toMatchObject({
      name: 'NoSuchKey',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(
      s3.send(new PutObjectCommand({ Bucket: 'elsewhere', Key: 'a.json', Body: '{}' })),
    ).rejects.toMatchObject({ name: 'NoSuchBucket' });
    expect(services.mutations().map((c) => `${c.operation} ${c.input.Key}`)).toEqual([
      'PutObject bg-replay/d-1/shard-1-of-4.json',
    ]);
  });

  it('starts an execution, runs it after answering, and describes it RUNNING, then SUCCEEDED with its output', async () => {
    const { services, sfn } = await start();
    const machine = 'arn:aws:states:us-east-1:000000000000:stateMachine:bg-replay';
    services.state.stateMachines.set(machine, { definition: { StartAt: 'A', States: {} } });
    let release!: () => void;
    const ran: string[] = [];
    services.runExecution = async (execution) => {
      ran.push(execution.input);
      await new Promise<void>((r) => {
        release = r;
      });
      return { output: { merged: 'pass' } };
    };
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machine, name: 'run-1', input: '{"shards":4}' }),
    );
    expect(started.executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:bg-replay:run-1');
    const running = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(running.status).toBe('RUNNING');
    expect(ran).toEqual(['{"shards":4}']);
    // The same name and input while it runs is the same execution; another input is refused.
    const again = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machine, name: 'run-1', input: '{"shards":4}' }),
    );
    expect(again.executionArn).toBe(started.executionArn);
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: machine, name: 'run-1', input: '{"shards":2}' })),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    release();
    await new Promise((r) => setImmediate(r));
    const done = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? 'null')).toEqual({ merged: 'pass' });
    expect(done.stopDate).toBeInstanceOf(Date);
    // Once it has ended, the name cannot be used again, whatever the input.
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: machine, name: 'run-1', input: '{"shards":4}' })),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    expect(ran).toHaveLength(1);
  });

  it('refuses an unknown state machine and describes a failed execution with its error and cause', async () => {
    const { services, sfn } = await start();
    await expect(
      sfn.send(
        new StartExecutionCommand({
          stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:x',
        }),
      ),
    ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    const machine = 'arn:aws:states:us-east-1:000000000000:stateMachine:bg-replay';
    services.state.stateMachines.set(machine, { definition: {} });
    services.runExecution = async () => ({
      error: { name: 'BgReplay.VerdictFailed', message: 'the verdict did not pass' },
    });
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machine, name: 'run-2' }),
    );
    await new Promise((r) => setImmediate(r));
    const failed = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(failed).toMatchObject({
      status: 'FAILED',
      error: 'BgReplay.VerdictFailed',
      cause: 'the verdict did not pass',
      input: '{}',
    });
  });
});
