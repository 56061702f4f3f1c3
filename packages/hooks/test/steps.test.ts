import { silentLogger } from '@bg-replay/core/internal';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { parkCapacity } from '../src/capacity.js';
import {
  checkReadiness,
  createSsmStateStore,
  deleteDatabase,
  flipActiveStack,
  publishSeed,
  purgeQueue,
  raiseCapacity,
  restoreCapacity,
  runMigration,
  type StackId,
  type StacksConfig,
  type StepContext,
  setEventSourceEnabled,
} from '../src/index.js';
import { createWorld, loadCatalog, loadOrders, prefixOf, targetKey, type World } from './world.js';

const RUN = 'd-STEP1';

function makeCtx(config: StacksConfig, fake: World, extra: Partial<StepContext> = {}): StepContext {
  return {
    config,
    clients: fake.clients,
    store: createSsmStateStore(fake.clients.ssm, prefixOf(config)),
    runId: RUN,
    dryRun: false,
    logger: silentLogger,
    now: fake.now,
    ...extra,
  };
}

/** Calls other than the SSM reads every step makes (pointer and records). */
const sent = (fake: World) => fake.calls.filter((c) => c.command !== 'GetParameter');

describe('flipActiveStack', () => {
  it('reads the pointer, then writes the target once', async () => {
    const config = await loadCatalog();
    const fake = await createWorld(config, 'a');
    await flipActiveStack(makeCtx(config, fake), 'b');
    expect(fake.calls).toEqual([
      { command: 'GetParameter', input: { Name: '/shop/catalog/active-stack' } },
      {
        command: 'PutParameter',
        input: { Name: '/shop/catalog/active-stack', Value: 'b', Type: 'String', Overwrite: true },
      },
    ]);
    fake.reset();
    const again = await flipActiveStack(makeCtx(config, fake), 'b');
    expect(fake.mutating()).toEqual([]);
    expect(again.actions[0]).toMatchObject({ done: false, skipped: 'already b' });
  });

  it('names the parameter and the fix when the pointer holds something else', async () => {
    const config = await loadCatalog();
    const fake = await createWorld(config, 'a');
    fake.state.parameters.set('/shop/catalog/active-stack', 'blue');
    await expect(flipActiveStack(makeCtx(config, fake), 'b')).rejects.toMatchObject({
      code: 'E_CONFIG',
      message: 'the active-stack parameter /shop/catalog/active-stack holds "blue"; it must be "a" or "b"',
    });
  });
});

describe('capacity', () => {
  it('saves the idle minimum, raises it to live with RegisterScalableTarget once, and waits until the readers are available', async () => {
    const config = await loadOrders();
    const fake = await createWorld(config, 'a');
    const first = await raiseCapacity(makeCtx(config, fake), 'b', 0);
    expect(first).toMatchObject({
      status: 'continue',
      reason: 'cluster:orders-b has 1 of 4 available readers in service; waiting for the rest',
    });
    expect(sent(fake).slice(0, 4)).toEqual([
      {
        command: 'DescribeScalableTargets',
        input: {
          ServiceNamespace: 'rds',
          ResourceIds: ['cluster:orders-b'],
          ScalableDimension: 'rds:cluster:ReadReplicaCount',
        },
      },
      {
        command: 'DescribeScalableTargets',
        input: {
          ServiceNamespace: 'rds',
          ResourceIds: ['cluster:orders-a'],
          ScalableDimension: 'rds:cluster:ReadReplicaCount',
        },
      },
      {
        command: 'PutParameter',
        input: {
          Name: '/bg-replay/orders/capacity/b/0',
          Value: '{"min":1,"max":3}',
          Type: 'String',
          Overwrite: false,
        },
      },
      {
        command: 'RegisterScalableTarget',
        input: {
          ServiceNamespace: 'rds',
          ResourceId: 'cluster:orders-b',
          ScalableDimension: 'rds:cluster:ReadReplicaCount',
          MinCapacity: 4,
          MaxCapacity: 4,
        },
      },
    ]);
    expect(
      sent(fake)
        .slice(4)
        .map((c) => c.command),
    ).toEqual(['DescribeDBClusters', 'DescribeDBInstances']);
    fake.reset();
    await fake.sleep(15_000); // Aurora adds the readers
    const second = await raiseCapacity(makeCtx(config, fake), 'b', 0);
    expect(fake.mutating()).toEqual([]);
    expect(second).toMatchObject({ status: 'Succeeded' });
    expect(second.actions[0]?.skipped).toBe("minimum 4 already ≥ live's 4; 4 in service (≥ 4)");
    expect(fake.state.parameters.get('/bg-replay/orders/capacity/b/0')).toBe('{"min":1,"max":3}');
  });

  it('waits for DynamoDB to apply the raised throughput before saying the capacity is there', async () => {
    const config = await loadCatalog();
    const fake = await createWorld(config, 'a');
    const first = await raiseCapacity(makeCtx(config, fake), 'b', 0);
    expect(first).toMatchObject({
      status: 'continue',
      reason: 'table/catalog-products-b has 1 of 4 capacity units in service; waiting for the rest',
    });
    await fake.sleep(15_000);
    const second = await raiseCapacity(makeCtx(config, fake), 'b', 0);
    expect(second.status).toBe('Succeeded');
  });

  it('parks the old stack at its saved idle capacity and leaves the new live stack at its production floor', async () => {
    const config = await loadOrders();
    const fake = await createWorld(config, 'b');
    const aKey = targetKey('rds', 'cluster:orders-a', 'rds:cluster:ReadReplicaCount');
    const bKey = targetKey('rds', 'cluster:orders-b', 'rds:cluster:ReadReplicaCount');
    fake.state.scalableTargets.set(aKey, { min: 4, max: 10 }); // a was live until the flip
    fake.state.parameters.set('/bg-replay/orders/capacity/a/0', '{"min":1,"max":3}');
    const parked = await parkCapacity(makeCtx(config, fake), 'a', 0);
    expect(parked.actions[0]).toMatchObject({
      step: 'park-capacity',
      action: 'RegisterScalableTarget',
      done: true,
    });
    expect(fake.state.scalableTargets.get(aKey)).toEqual({ min: 1, max: 3 });
    expect(fake.state.scalableTargets.get(bKey)).toEqual({ min: 4, max: 10 });
  });

  it('parks a stack never raised by the hooks at the idle capacity saved for the other stack', async () => {
    const config = await loadOrders();
    const fake = await createWorld(config, 'b');
    fake.state.scalableTargets.set(targetKey('rds', 'cluster:orders-a', 'rds:cluster:ReadReplicaCount'), {
      min: 4,
      max: 10,
    });
    fake.state.parameters.set('/bg-replay/orders/capacity/b/0', '{"min":2,"max":5}');
    await parkCapacity(makeCtx(config, fake), 'a', 0);
    expect(
      fake.state.scalableTargets.get(targetKey('rds', 'cluster:orders-a', 'rds:cluster:ReadReplicaCount')),
    ).toEqual({ min: 2, max: 5 });
    fake.reset();
    const none = await parkCapacity(makeCtx(config, await createWorld(config, 'b')), 'a', 0);
    expect(none.actions[0]?.skipped).toBe('no idle capacity saved for either stack');
  });

  it('restores the saved minimum and maximum, forgets them, and does nothing the second time', async () => {
    const config = await loadOrders();
    const fake = await createWorld(config, 'a');
    await raiseCapacity(makeCtx(config, fake), 'b', 0);
    fake.reset();
    await restoreCapacity(makeCtx(config, fake), 'b', 0);
    expect(fake.mutating()).toEqual([
      {
        command: 'RegisterScalableTarget',
        input: {
          ServiceNamespace: 'rds',
          ResourceId: 'cluster:orders-b',
          ScalableDimension: 'rds:cluster:ReadReplicaCount',
          MinCapacity: 1,
          MaxCapacity: 3,
        },
      },
      { command: 'DeleteParameter', input: { Name: '/bg-replay/orders/capacity/b/0' } },
    ]);
    expect(
      fake.state.scalableTargets.get(targetKey('rds', 'cluster:orders-b', 'rds:cluster:ReadReplicaCount')),
    ).toEqual({ min: 1, max: 3 });
    fake.reset();
    await restoreCapacity(makeCtx(config, fake), 'b', 0);
    expect(fake.mutating()).toEqual([]);
  });
});

describe('event sources', () => {
  it('enables an EventBridge rule after DescribeRule, and leaves an enabled one alone', async () => {
    const config = await loadOrders();
    const fake = await createWorld(config, 'a');
    const rule = config.stacks.b.eventSources[1];
    if (!rule) throw new Error('fixture');
    await setEventSourceEnabled(makeCtx(config, fake), 'b', rule, true);
    expect(sent(fake)).toEqual([
      { command: 'DescribeRule', input: { Name: 'orders-nightly-reconcile-b', EventBusName: undefined } },
      { command: 'EnableRule', input: { Name: 'orders-nightly-reconcile-b', EventBusName: undefined } },
    ]);
    fake.reset();
    await setEventSourceEnabled(makeCtx(config, fake), 'b', rule, true);
    expect(fake.mutating()).toEqual([]);
  });

  it('disables an event source mapping with UpdateEventSourceMapping and waits while it is Disabling', async () => {
    const config = await loadOrders();
    const fake = await createWorld(config, 'a');
    fake.state.parameters.set('/shop/orders/active-stack', 'b'); // flipped: a is the old stack, still connected
    const mapping = config.stacks.a.eventSources[0];
    if (!mapping) throw new Error('fixture');
    const first = await setEventSourceEnabled(makeCtx(config, fake), 'a', mapping, false);
    expect(first.status).toBe('continue');
    expect(fake.mutating()).toEqual([
      {
        command: 'UpdateEventSourceMapping',
        input: { UUID: '6d9a1f64-5b1c-4c39-9d4e-0a5a0c1e7a01', Enabled: false },
      },
    ]);
    fake.reset();
    expect((await setEventSourceEnabled(makeCtx(config, fake), 'a', mapping, false)).status).toBe('continue');
    fake.tick();
    expect((await setEventSourceEnabled(makeCtx(config, fake), 'a', mapping, false)).status).toBe(
      'Succeeded',
    );
    expect(fake.mutating()).toEqual([]);
  });

  it('waits on a mapping that is Updating instead of calling into ResourceInUseException', async () => {
    const config = await loadOrders();
    const fake = await createWorld(config, 'a');
    const mapping = config.stacks.b.eventSources[0];
    if (!mapping) throw new Error('fixture');
    fake.state.eventSourceMappings.set('6d9a1f64-5b1c-4c39-9d4e-0a5a0c1e7b02', 'Updating');
    const outcome = await setEventSourceEnabled(makeCtx(config, fake), 'b', mapping, true);
    expect(outcome).toMatchObject({
      status: 'continue',
      reason: 'event source mapping 6d9a1f64-5b1c-4c39-9d4e-0a5a0c1e7b02 is Updating',
    });
    expect(fake.mutating()).toEqual([]);
  });

  it('parks an SNS subscription with a filter policy that matches nothing, and restores the configured one', async () => {
    const config = await loadCatalog();
    const fake = await createWorld(config, 'a');
    fake.state.parameters.set('/shop/catalog/active-stack', 'b');
    const sub = config.stacks.a.eventSources[2];
    if (!sub) throw new Error('fixture');
    await setEventSourceEnabled(makeCtx(config, fake), 'a', sub, false);
    expect(fake.mutating()).toEqual([
      {
        command: 'SetSubscriptionAttributes',
        input: {
          SubscriptionArn: 'arn:aws:sns:eu-west-1:123456789012:product-events:0b6c1d2e-a001',
          AttributeName: 'FilterPolicy',
          AttributeValue: '{"bg-replay-disabled":["true"]}',
        },
      },
    ]);
    fake.reset();
    await setEventSourceEnabled(makeCtx(config, fake), 'a', sub, false);
    expect(fake.mutating()).toEqual([]);
    fake.state.parameters.set('/shop/catalog/active-stack', 'a');
    await setEventSourceEnabled(makeCtx(config, fake), 'a', sub, true);
    expect(fake.mutating().map((c) => c.input.AttributeValue)).toEqual(['{"kind":["product","price"]}']);
  });
});

describe('seeding', () => {
  it('publishes the SNS seed request once per run', async () => {
    const config = await loadOrders();
    const fake = await createWorld(config, 'a');
    await publishSeed(makeCtx(config, fake), 'b');
    await publishSeed(makeCtx(config, fake), 'b');
    expect(fake.calls.filter((c) => c.command === 'Publish')).toEqual([
      {
        command: 'Publish',
        input: {
          TopicArn: 'arn:aws:sns:eu-west-1:123456789012:orders-upstream-replay',
          Message: '{"action":"replay-open-orders","target":"b"}',
          Subject: undefined,
          MessageAttributes: { targetStack: { DataType: 'String', StringValue: 'b' } },
        },
      },
    ]);
    expect(fake.state.parameters.get(`/bg-replay/orders/runs/${RUN}/seed-b`)).toBe(
      '{"at":"2026-11-26T10:00:00.000Z"}',
    );
  });

  it('sends the seed request to SQS or EventBridge with the exact inputs', async () => {
    const loaded = await loadCatalog();
    const fake = await createWorld(loaded, 'a');
    await publishSeed(makeCtx(loaded, fake), 'b');
    expect(fake.mutating().find((c) => c.command === 'PutEvents')?.input).toEqual({
      Entries: [
        {
          EventBusName: 'shop',
          Source: 'shop.catalog.deploy',
          DetailType: 'SeedRequested',
          Detail: '{"targetQueue":"catalog-updates-b","scope":"all-products"}',
        },
      ],
    });
    const config: StacksConfig = structuredClone(loaded);
    config.stacks.b.seed = {
      publish: {
        type: 'sqs',
        queueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/seed.fifo',
        message: 'go',
        messageGroupId: 'seed',
      },
    };
    // The upstream's queue lives in the account too (SQS refuses a message for a queue that does not exist).
    fake.state.queues.set('https://sqs.eu-west-1.amazonaws.com/1/seed.fifo', { messages: 0 });
    await publishSeed(makeCtx(config, fake, { runId: 'd-OTHER' }), 'b');
    expect(fake.state.queues.get('https://sqs.eu-west-1.amazonaws.com/1/seed.fifo')?.messages).toBe(1);
    expect(fake.mutating().find((c) => c.command === 'SendMessage')?.input).toEqual({
      QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/seed.fifo',
      MessageBody: 'go',
      MessageGroupId: 'seed',
      MessageDeduplicationId: 'd-OTHER-b',
    });
  });

  it('counts table items with a paged Scan Select=COUNT', async () => {
    const config = await loadCatalog();
    const fake = await createWorld(config, 'a');
    const pending = await checkReadiness(makeCtx(config, fake), 'b');
    expect(pending).toMatchObject({
      status: 'continue',
      reason: 'table catalog-products-b has 0 of 40 items',
    });
    expect(sent(fake)).toEqual([
      { command: 'Scan', input: { TableName: 'catalog-products-b', Select: 'COUNT' } },
    ]);
    const table = fake.state.tables.get('catalog-products-b');
    if (table) table.items = 40;
    expect((await checkReadiness(makeCtx(config, fake), 'b')).status).toBe('Succeeded');
  });

  describe('HTTP readiness', () => {
    let agent: MockAgent;
    afterEach(async () => agent?.close());
    it('is pending on 503 and on a transport error, done on 2xx', async () => {
      const config = await loadOrders();
      const fake = await createWorld(config, 'a');
      agent = new MockAgent();
      agent.disableNetConnect();
      const pool = agent.get('https://orders-b.internal.example.com');
      pool.intercept({ path: '/ready', method: 'GET' }).reply(503, 'warming');
      pool.intercept({ path: '/ready', method: 'GET' }).replyWithError(new Error('ECONNRESET'));
      pool.intercept({ path: '/ready', method: 'GET' }).reply(204, '');
      const ctx = makeCtx(config, fake, { dispatcher: agent });
      expect(await checkReadiness(ctx, 'b')).toMatchObject({
        status: 'continue',
        reason: 'GET https://orders-b.internal.example.com/ready answered 503',
      });
      expect(await checkReadiness(ctx, 'b')).toMatchObject({ status: 'continue' });
      expect(await checkReadiness(ctx, 'b')).toMatchObject({ status: 'Succeeded' });
    });
  });
});

describe('migrations', () => {
  it('invokes a migration function with RequestResponse and fails on FunctionError', async () => {
    const config = await loadCatalog();
    const fake = await createWorld(config, 'a');
    fake.state.functions.set('catalog-migrate-b', { error: 'column exists' });
    const failed = await runMigration(makeCtx(config, fake), 'b');
    expect(failed).toMatchObject({ status: 'Failed' });
    expect(failed.status === 'Failed' && failed.reason).toBe(
      'migration function catalog-migrate-b failed (Unhandled): {"errorMessage":"column exists"}',
    );
    const invoke = fake.calls.find((c) => c.command === 'Invoke');
    expect(invoke?.input.FunctionName).toBe('catalog-migrate-b');
    expect(invoke?.input.InvocationType).toBe('RequestResponse');
    expect(new TextDecoder().decode(invoke?.input.Payload as Uint8Array)).toBe(
      '{"table":"catalog-products-b"}',
    );

    fake.state.functions.set('catalog-migrate-b', {});
    expect((await runMigration(makeCtx(config, fake), 'b')).status).toBe('Succeeded');
    fake.reset();
    expect((await runMigration(makeCtx(config, fake), 'b')).status).toBe('Succeeded');
    expect(fake.mutating()).toEqual([]);
  });

  it('re-sends RunTask with the same client token after a crash between the start and its record', async () => {
    const config = await loadOrders();
    const fake = await createWorld(config, 'a');
    const first = await runMigration(makeCtx(config, fake), 'b');
    expect(first.status).toBe('continue');
    const key = '/bg-replay/orders/runs/d-STEP1/migration-b';
    const record = JSON.parse(fake.state.parameters.get(key) ?? '{}');
    expect(record).toMatchObject({ status: 'running', clientToken: 'bg-replay-d-STEP1-b-1', attempt: 1 });
    // As if the invocation died after RunTask, before it wrote "running".
    fake.state.parameters.set(
      key,
      JSON.stringify({ status: 'starting', clientToken: record.clientToken, attempt: 1 }),
    );
    await runMigration(makeCtx(config, fake), 'b');
    const runs = fake.calls.filter((c) => c.command === 'RunTask');
    expect(runs.map((c) => c.input.clientToken)).toEqual(['bg-replay-d-STEP1-b-1', 'bg-replay-d-STEP1-b-1']);
    expect(fake.state.tasks.size).toBe(1);
  });

  it('adopts a running task this run started (ListTasks by startedBy) when its record is lost', async () => {
    const config = await loadOrders();
    const fake = await createWorld(config, 'a');
    await runMigration(makeCtx(config, fake), 'b');
    fake.state.parameters.delete('/bg-replay/orders/runs/d-STEP1/migration-b');
    const again = await runMigration(makeCtx(config, fake), 'b');
    expect(again).toMatchObject({
      status: 'continue',
      reason: expect.stringContaining('started by this run'),
    });
    expect(fake.calls.filter((c) => c.command === 'ListTasks').at(-1)?.input).toEqual({
      cluster: 'shop',
      startedBy: 'bg-replay-d-STEP1-b',
    });
    expect(fake.calls.filter((c) => c.command === 'RunTask')).toHaveLength(1);
    await fake.sleep(15_000);
    await fake.sleep(15_000);
    expect((await runMigration(makeCtx(config, fake), 'b')).status).toBe('Succeeded');
  });

  it('polls DescribeTasks for the task it started and never starts a second one while it runs', async () => {
    const config = await loadOrders();
    const fake = await createWorld(config, 'a');
    const ctx = makeCtx(config, fake);
    expect((await runMigration(ctx, 'b')).status).toBe('continue');
    fake.tick();
    fake.reset();
    expect((await runMigration(ctx, 'b')).status).toBe('continue');
    expect(sent(fake)).toEqual([
      {
        command: 'DescribeTasks',
        input: { cluster: 'shop', tasks: ['arn:aws:ecs:us-east-1:000000000000:task/shop/simulated0001'] },
      },
    ]);
    fake.tick();
    expect((await runMigration(ctx, 'b')).status).toBe('Succeeded');
    expect(fake.calls.filter((c) => c.command === 'RunTask')).toEqual([]);
  });
});

describe('teardown', () => {
  it('purges a queue once per run and takes PurgeQueueInProgress as done', async () => {
    const config = await loadCatalog();
    const fake = await createWorld(config, 'b');
    const url = 'https://sqs.eu-west-1.amazonaws.com/123456789012/catalog-updates-a';
    await purgeQueue(makeCtx(config, fake), 'a', 0);
    await purgeQueue(makeCtx(config, fake), 'a', 0);
    expect(fake.calls.filter((c) => c.command === 'PurgeQueue')).toEqual([
      { command: 'PurgeQueue', input: { QueueUrl: url } },
    ]);
    expect(JSON.parse(fake.state.parameters.get('/bg-replay/catalog/purge/a/0') ?? '{}')).toEqual({
      at: '2026-11-26T10:00:00.000Z',
      runId: RUN,
    });

    // Another run within 60 s: the earlier purge still counts, nothing is sent.
    fake.reset();
    const soon = await purgeQueue(makeCtx(config, fake, { runId: 'd-NEXT' }), 'a', 0);
    expect(soon.actions[0]?.skipped).toBe('purged less than 60 s ago (2026-11-26T10:00:00.000Z)');
    expect(fake.mutating()).toEqual([]);

    // A purge started elsewhere: SQS answers PurgeQueueInProgress, which is not an error.
    await fake.sleep(61_000);
    fake.failNext('PurgeQueue', 'PurgeQueueInProgress');
    const busy = await purgeQueue(makeCtx(config, fake, { runId: 'd-NEXT' }), 'a', 0);
    expect(busy).toMatchObject({
      status: 'Succeeded',
      actions: [{ skipped: 'a purge is already in progress', done: false }],
    });
  });

  it('deletes a DynamoDB table after DescribeTable and waits until it is gone', async () => {
    const config = await loadCatalog();
    const fake = await createWorld(config, 'b');
    const ctx = makeCtx(config, fake);
    expect((await deleteDatabase(ctx, 'a')).status).toBe('continue');
    expect(sent(fake)).toEqual([
      { command: 'DescribeTable', input: { TableName: 'catalog-products-a' } },
      { command: 'DeleteTable', input: { TableName: 'catalog-products-a' } },
    ]);
    fake.reset();
    expect((await deleteDatabase(ctx, 'a')).status).toBe('continue');
    fake.tick();
    expect(await deleteDatabase(ctx, 'a')).toMatchObject({
      status: 'Succeeded',
      actions: [{ skipped: 'table does not exist' }],
    });
    expect(fake.mutating()).toEqual([]);
  });

  it('fails, without deleting, a table with deletion protection', async () => {
    const config = await loadCatalog();
    const fake = await createWorld(config, 'b');
    fake.state.tables.set('catalog-products-a', { status: 'ACTIVE', items: 1, deletionProtection: true });
    const outcome = await deleteDatabase(makeCtx(config, fake), 'a');
    expect(outcome).toMatchObject({ status: 'Failed' });
    expect(fake.mutating()).toEqual([]);
  });

  it('deletes the instances of an Aurora cluster, then the cluster without a snapshot when configured', async () => {
    const loaded = await loadOrders();
    const config: StacksConfig = structuredClone(loaded);
    config.stacks.a.database = {
      type: 'rds-cluster',
      clusterIdentifier: 'orders-a',
      skipFinalSnapshot: true,
    };
    const fake = await createWorld(config, 'b');
    const ctx = makeCtx(config, fake);
    await deleteDatabase(ctx, 'a');
    expect(fake.mutating()).toEqual([
      { command: 'DeleteDBInstance', input: { DBInstanceIdentifier: 'orders-a-writer' } },
      { command: 'DeleteDBInstance', input: { DBInstanceIdentifier: 'orders-a-reader-1' } },
    ]);
    fake.reset();
    await deleteDatabase(ctx, 'a'); // instances still deleting: nothing sent
    expect(fake.mutating()).toEqual([]);
    fake.tick();
    await deleteDatabase(ctx, 'a');
    expect(fake.mutating()).toEqual([
      { command: 'DeleteDBCluster', input: { DBClusterIdentifier: 'orders-a', SkipFinalSnapshot: true } },
    ]);
    fake.tick();
    expect((await deleteDatabase(ctx, 'a')).status).toBe('Succeeded');
  });
});

describe('the live-stack guard on single steps', () => {
  it.each([
    ['purge-queue', (ctx: StepContext, s: StackId) => purgeQueue(ctx, s, 0)],
    ['delete-database', (ctx: StepContext, s: StackId) => deleteDatabase(ctx, s)],
    ['run-migration', (ctx: StepContext, s: StackId) => runMigration(ctx, s)],
    ['publish-seed', (ctx: StepContext, s: StackId) => publishSeed(ctx, s)],
    [
      'disable-event-source',
      (ctx: StepContext, s: StackId) => {
        const source = ctx.config.stacks[s].eventSources[0];
        if (!source) throw new Error('fixture');
        return setEventSourceEnabled(ctx, s, source, false);
      },
    ],
  ] as const)('%s refuses the stack the pointer names as live and sends nothing', async (step, run) => {
    const config = await loadCatalog();
    const fake = await createWorld(config, 'a');
    const outcome = await run(makeCtx(config, fake), 'a');
    expect(outcome.actions[0]).toMatchObject({
      step,
      refused: true,
      done: false,
      skipped: 'refused: stack a is the active stack',
    });
    expect(sent(fake)).toEqual([]);
  });
});
