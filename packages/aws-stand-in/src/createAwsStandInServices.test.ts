import {
  ApplicationAutoScalingClient,
  RegisterScalableTargetCommand,
  type ScalableDimension,
  type ServiceNamespace,
} from '@aws-sdk/client-application-auto-scaling';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeServicesCommand, ECSClient, RunTaskCommand } from '@aws-sdk/client-ecs';
import {
  GetEventSourceMappingCommand,
  GetProvisionedConcurrencyConfigCommand,
  InvokeCommand,
  LambdaClient,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import {
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
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
import { type AwsStandIn, FAKE_CREDENTIALS, startAwsStandIn } from './startAwsStandIn.js';

let standIn: AwsStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

async function start(settle: 'reads' | 'ticks' = 'reads') {
  const services = createAwsStandInServices({ settle });
  standIn = await startAwsStandIn({
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
    autoScaling: new ApplicationAutoScalingClient(config),
    dynamodb: new DynamoDBClient(config),
    ecs: new ECSClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    sfn: new SFNClient(config),
  };
}

/**
 * A scalable target `key` (`<namespace>|<resourceId>|<dimension>`) in `range` with `capacity` in service;
 * returns a sender of RegisterScalableTarget for it.
 */
function scalableTarget(
  { services, autoScaling }: Awaited<ReturnType<typeof start>>,
  key: string,
  range: { min: number; max: number },
  capacity: number,
) {
  services.state.scalableTargets.set(key, range);
  services.state.capacity.set(key, capacity);
  const [namespace, resourceId, dimension] = key.split('|');
  return (MinCapacity?: number, MaxCapacity?: number) =>
    autoScaling.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: namespace as ServiceNamespace,
        ResourceId: resourceId,
        ScalableDimension: dimension as ScalableDimension,
        MinCapacity,
        MaxCapacity,
      }),
    );
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

  it('brings a DynamoDB table into a new scalable range only when the registration settles, as ProvisionedThroughput', async () => {
    const account = await start('ticks');
    const { services, dynamodb } = account;
    const key = 'dynamodb|table/t-b|dynamodb:table:ReadCapacityUnits';
    services.state.tables.set('t-b', { status: 'ACTIVE', items: 0 });
    const register = scalableTarget(account, key, { min: 1, max: 3 }, 1);
    const units = async () =>
      (await dynamodb.send(new DescribeTableCommand({ TableName: 't-b' }))).Table?.ProvisionedThroughput;
    await register(4, 4);
    expect(services.state.scalableTargets.get(key)).toEqual({ min: 4, max: 4 });
    expect(await units()).toMatchObject({ ReadCapacityUnits: 1, WriteCapacityUnits: 0 });
    services.tick();
    expect(await units()).toMatchObject({ ReadCapacityUnits: 4, WriteCapacityUnits: 0 });
  });

  it('leaves the capacity of a table that is not ACTIVE as it is (RegisterScalableTarget on an inactive resource)', async () => {
    const account = await start('ticks');
    const key = 'dynamodb|table/t-b|dynamodb:table:ReadCapacityUnits';
    account.services.state.tables.set('t-b', { status: 'DELETING', items: 0 });
    await scalableTarget(account, key, { min: 1, max: 3 }, 1)(4);
    const { services } = account;
    services.tick();
    expect(services.state.capacity.get(key)).toBe(1);
  });

  it('adds Aurora readers when the replica count settles and names the writer, removing only the readers it added when it scales in', async () => {
    const account = await start();
    const { services, rds } = account;
    const key = 'rds|cluster:c-1|rds:cluster:ReadReplicaCount';
    services.state.clusters.set('c-1', { status: 'available', members: ['c-1-writer', 'c-1-reader-1'] });
    for (const m of ['c-1-writer', 'c-1-reader-1']) services.state.instances.set(m, 'available');
    const register = scalableTarget(account, key, { min: 1, max: 3 }, 1);
    const members = async () =>
      (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'c-1' }))).DBClusters?.[0]
        ?.DBClusterMembers ?? [];
    await register(3, 3);
    // With settle 'reads' the first read after the registration sees the old count, the next the new one.
    expect(await members()).toEqual([
      { DBInstanceIdentifier: 'c-1-writer', IsClusterWriter: true },
      { DBInstanceIdentifier: 'c-1-reader-1', IsClusterWriter: false },
    ]);
    const raised = await members();
    expect(raised.map((m) => m.DBInstanceIdentifier)).toEqual([
      'c-1-writer',
      'c-1-reader-1',
      expect.stringMatching(
        /^application-autoscaling-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      ),
      expect.stringMatching(/^application-autoscaling-/),
    ]);
    const added = raised[3]?.DBInstanceIdentifier ?? '';
    const instance = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: added }));
    expect(instance.DBInstances?.[0]?.DBInstanceStatus).toBe('available');
    expect(services.state.capacity.get(key)).toBe(3);

    await register(0, 0);
    await members(); // the old count still
    await members(); // scaled in: the readers Aurora Auto Scaling added are deleting, the owner's stays
    expect(services.state.instances.get(added)).toBe('deleting');
    expect(services.state.instances.get('c-1-reader-1')).toBe('available');
    expect((await members()).map((m) => m.DBInstanceIdentifier)).toEqual(['c-1-writer', 'c-1-reader-1']);
  });

  it('answers DescribeServices with the running count of a service whose DesiredCount is a scalable target', async () => {
    const account = await start('ticks');
    const { services, ecs } = account;
    await scalableTarget(
      account,
      'ecs|service/shop/web-b|ecs:service:DesiredCount',
      { min: 1, max: 3 },
      1,
    )(4, 6);
    const describe = () =>
      ecs.send(new DescribeServicesCommand({ cluster: 'shop', services: ['web-b', 'gone'] }));
    const before = await describe();
    expect(before.services?.[0]).toMatchObject({
      serviceName: 'web-b',
      desiredCount: 4,
      runningCount: 1,
      pendingCount: 3,
    });
    expect(before.failures).toEqual([
      { arn: 'arn:aws:ecs:us-east-1:000000000000:service/shop/gone', reason: 'MISSING' },
    ]);
    services.tick();
    expect((await describe()).services?.[0]).toMatchObject({ runningCount: 4, pendingCount: 0 });
  });

  it('answers GetProvisionedConcurrencyConfig IN_PROGRESS until the registration settles, then READY', async () => {
    const account = await start('ticks');
    const { services, lambda } = account;
    const key = 'lambda|function:api-b:live|lambda:function:ProvisionedConcurrency';
    await scalableTarget(account, key, { min: 0, max: 10 }, 0)(5);
    const config = () =>
      lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'api-b', Qualifier: 'live' }));
    expect(await config()).toMatchObject({
      Status: 'IN_PROGRESS',
      RequestedProvisionedConcurrentExecutions: 5,
      AvailableProvisionedConcurrentExecutions: 0,
    });
    services.tick();
    expect(await config()).toMatchObject({ Status: 'READY', AvailableProvisionedConcurrentExecutions: 5 });
    await expect(
      lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'api-b', Qualifier: '7' })),
    ).rejects.toMatchObject({ name: 'ProvisionedConcurrencyConfigNotFoundException' });
  });

  it('answers a RunTask repeated with the same client token with the task it started, and refuses it with other parameters', async () => {
    const { services, ecs } = await start('ticks');
    services.state.taskDefinitions.set('migrate-b', { exitCode: 0 });
    const run = (taskDefinition: string, startedBy: string) =>
      ecs.send(new RunTaskCommand({ cluster: 'shop', taskDefinition, startedBy, clientToken: 'run-1-b-1' }));
    const first = await run('migrate-b', 'run-1-b');
    services.tick();
    const again = await run('migrate-b', 'run-1-b');
    expect(again.tasks).toEqual([
      { taskArn: first.tasks?.[0]?.taskArn, lastStatus: 'RUNNING', taskDefinitionArn: 'migrate-b' },
    ]);
    expect(services.state.tasks.size).toBe(1);
    await expect(run('migrate-b', 'run-2-b')).rejects.toMatchObject({ name: 'ConflictException' });
    expect(services.state.tasks.size).toBe(1);
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
