import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { DISABLED_FILTER_POLICY } from '../src/eventSources.js';
import { createPresetStep, type HookName, planHook, runHook, type StacksConfig } from '../src/index.js';
import { createWorld, loadCatalog, loadOrders, targetKey, type World } from './world.js';

const RUN = 'd-ABC123';

function deps(fake: World, extra: Record<string, unknown> = {}) {
  return { clients: fake.clients, runId: RUN, now: fake.now, sleep: fake.sleep, ...extra };
}

/** The catalog world where upstream answers a seed request by filling the idle table. */
async function catalogWorld(config: StacksConfig): Promise<World> {
  const fake = await createWorld(config, 'a');
  fake.services.onPublish = () => {
    const table = fake.state.tables.get('catalog-products-b');
    if (table) table.items = 50;
  };
  return fake;
}

const agents: MockAgent[] = [];
afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.close();
});

function readyAgent(url: string, statuses: number[]): MockAgent {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agents.push(agent);
  const { origin, pathname } = new URL(url);
  for (const status of statuses)
    agent.get(origin).intercept({ path: pathname, method: 'GET' }).reply(status, 'ok');
  return agent;
}

describe('planHook', () => {
  it('orders AfterAllowTraffic as flip, disable old sources, restore capacity, purge, delete', async () => {
    const config = await loadOrders();
    const plan = planHook(config, 'AfterAllowTraffic', 'a');
    expect(plan.map((s) => `${s.kind} ${s.stack}`)).toEqual([
      'flip-active-stack b',
      'disable-event-source a',
      'disable-event-source a',
      'restore-capacity b',
      'purge-queue a',
      'delete-database a',
    ]);
    expect(plan[0]?.resource).toBe('ssm:/shop/orders/active-stack');
    expect(plan.at(-1)?.resource).toBe('rds:orders-a');
  });

  it('prepares the idle stack across BeforeInstall and AfterInstall for ECS', async () => {
    const config = await loadOrders();
    expect(planHook(config, 'BeforeInstall', 'b').map((s) => `${s.kind} ${s.stack}`)).toEqual([
      'raise-capacity a',
      'run-migration a',
    ]);
    expect(planHook(config, 'AfterInstall', 'a').map((s) => s.kind)).toEqual([
      'enable-event-source',
      'enable-event-source',
      'publish-seed',
      'wait-ready',
    ]);
  });

  it('refuses a hook the platform has no preset for', async () => {
    const config = await loadCatalog();
    expect(() => planHook(config, 'BeforeInstall', 'a')).toThrow(/lambda preset has no BeforeInstall hook/);
  });
});

describe('a whole Lambda deployment from a to b', () => {
  it('prepares b, then flips, disconnects, restores, purges and deletes a', async () => {
    const config = await loadCatalog();
    const fake = await catalogWorld(config);

    const before = await runHook(config, 'BeforeAllowTraffic', deps(fake));
    expect(before).toMatchObject({ status: 'done', target: 'b' });
    const { state } = fake;
    expect(
      state.scalableTargets.get(
        targetKey('dynamodb', 'table/catalog-products-b', 'dynamodb:table:ReadCapacityUnits'),
      ),
    ).toEqual({ min: 4, max: 4 });
    expect(state.parameters.get('/bg-replay/catalog/capacity/b/0')).toBe('{"min":1,"max":3}');
    expect(fake.calls.filter((c) => c.command === 'Invoke').map((c) => c.input.FunctionName)).toEqual([
      'catalog-migrate-b',
    ]);
    expect(state.eventSourceMappings.get('2f1e0c7a-8b3d-4e21-a1c4-5d6e7f8a9b11')).toBe('Enabled');
    expect(state.subscriptions.get('arn:aws:sns:eu-west-1:123456789012:product-events:0b6c1d2e-b001')).toBe(
      '{"kind":["product","price"]}',
    );
    expect(state.published).toHaveLength(1);
    expect(state.parameters.get('/shop/catalog/active-stack')).toBe('a');

    const after = await runHook(config, 'AfterAllowTraffic', deps(fake));
    expect(after).toMatchObject({ status: 'done', target: 'b' });
    expect(state.parameters.get('/shop/catalog/active-stack')).toBe('b');
    expect(state.eventSourceMappings.get('2f1e0c7a-8b3d-4e21-a1c4-5d6e7f8a9b01')).toBe('Disabled');
    expect(state.eventSourceMappings.get('2f1e0c7a-8b3d-4e21-a1c4-5d6e7f8a9b02')).toBe('Disabled');
    expect(state.subscriptions.get('arn:aws:sns:eu-west-1:123456789012:product-events:0b6c1d2e-a001')).toBe(
      JSON.stringify(DISABLED_FILTER_POLICY),
    );
    expect(
      state.scalableTargets.get(
        targetKey('dynamodb', 'table/catalog-products-b', 'dynamodb:table:ReadCapacityUnits'),
      ),
    ).toEqual({ min: 1, max: 3 });
    expect(state.parameters.has('/bg-replay/catalog/capacity/b/0')).toBe(false);
    expect(
      state.queues.get('https://sqs.eu-west-1.amazonaws.com/123456789012/catalog-updates-a')?.messages,
    ).toBe(0);
    expect(state.tables.has('catalog-products-a')).toBe(false);
    expect(state.tables.has('catalog-products-b')).toBe(true);
    // The live side was never touched by a destructive call.
    const touchedB = fake
      .mutating()
      .filter((c) => ['PurgeQueue', 'DeleteTable', 'DisableRule'].includes(c.command))
      .filter((c) => JSON.stringify(c.input).includes('-b'));
    expect(touchedB).toEqual([]);
  });

  it.each(['BeforeAllowTraffic', 'AfterAllowTraffic'] as const)(
    'run twice, %s sends no second mutating call and leaves the same state',
    async (hook) => {
      const config = await loadCatalog();
      const fake = await catalogWorld(config);
      if (hook === 'AfterAllowTraffic') await runHook(config, 'BeforeAllowTraffic', deps(fake));
      await runHook(config, hook, deps(fake));
      const snapshot = JSON.stringify([
        ...fake.state.parameters,
        ...fake.state.scalableTargets,
        ...fake.state.eventSourceMappings,
        ...fake.state.tables,
      ]);
      fake.reset();
      const again = await runHook(config, hook, deps(fake));
      expect(again.status).toBe('done');
      expect(fake.mutating()).toEqual([]);
      expect(again.actions.every((a) => !a.done)).toBe(true);
      expect(
        JSON.stringify([
          ...fake.state.parameters,
          ...fake.state.scalableTargets,
          ...fake.state.eventSourceMappings,
          ...fake.state.tables,
        ]),
      ).toBe(snapshot);
    },
  );

  it('does not flip the pointer back when AfterAllowTraffic runs again after the flip', async () => {
    const config = await loadCatalog();
    const fake = await catalogWorld(config);
    await runHook(config, 'AfterAllowTraffic', deps(fake));
    const again = await runHook(config, 'AfterAllowTraffic', deps(fake));
    expect(again.target).toBe('b');
    expect(fake.state.parameters.get('/shop/catalog/active-stack')).toBe('b');
    expect(
      fake.calls.filter((c) => c.command === 'PutParameter' && c.input.Name === '/shop/catalog/active-stack'),
    ).toHaveLength(1);
  });

  it('finishes the job on a re-run after a failure half-way, without repeating what was done', async () => {
    const config = await loadCatalog();
    const fake = await catalogWorld(config);
    await runHook(config, 'BeforeAllowTraffic', deps(fake));
    fake.reset();
    fake.failNext('PurgeQueue');
    await expect(runHook(config, 'AfterAllowTraffic', deps(fake))).rejects.toThrow(/PurgeQueue failed/);
    expect(fake.state.parameters.get('/shop/catalog/active-stack')).toBe('b');
    expect(fake.state.tables.has('catalog-products-a')).toBe(true);

    const rerun = await runHook(config, 'AfterAllowTraffic', deps(fake));
    expect(rerun.status).toBe('done');
    const count = (name: string) => fake.calls.filter((c) => c.command === name).length;
    expect(count('UpdateEventSourceMapping')).toBe(2);
    expect(count('SetSubscriptionAttributes')).toBe(1);
    expect(count('RegisterScalableTarget')).toBe(2);
    expect(count('PurgeQueue')).toBe(2); // the injected failure, then the purge
    expect(count('DeleteTable')).toBe(1);
    expect(fake.state.tables.has('catalog-products-a')).toBe(false);
  });

  it('sends nothing destructive when the flip itself fails', async () => {
    const config = await loadCatalog();
    const fake = await catalogWorld(config);
    fake.failNext('PutParameter');
    await expect(runHook(config, 'AfterAllowTraffic', deps(fake, { targetStack: 'b' }))).rejects.toThrow();
    expect(fake.mutating().map((c) => c.command)).toEqual(['PutParameter']);
    expect(fake.state.parameters.get('/shop/catalog/active-stack')).toBe('a');
  });
});

describe('dry run', () => {
  it.each([
    ['catalog', 'BeforeAllowTraffic'],
    ['catalog', 'AfterAllowTraffic'],
    ['orders', 'BeforeInstall'],
    ['orders', 'AfterInstall'],
    ['orders', 'AfterAllowTraffic'],
  ] as const)('of %s %s sends no mutating command and lists what it would do', async (service, hook) => {
    const config = service === 'catalog' ? await loadCatalog() : await loadOrders();
    const fake = await createWorld(config, 'a');
    const result = await runHook(config, hook as HookName, deps(fake, { dryRun: true }));
    expect(result.status).toBe('done');
    expect(fake.mutating()).toEqual([]);
    expect(result.actions.some((a) => a.dryRun)).toBe(true);
    expect(result.actions.every((a) => !a.done && !a.refused)).toBe(true);
    if (hook === 'AfterAllowTraffic') {
      // Judged against the stack the flip would make live, so teardown of `a` is not refused.
      expect(result.actions.map((a) => `${a.step}:${a.action}`)).toContain(
        service === 'catalog' ? 'delete-database:DeleteTable' : 'delete-database:DeleteDBInstance',
      );
    }
  });
});

describe('the live-stack guard', () => {
  it('refuses to purge or delete resources of the live stack even when the config names them', async () => {
    const loaded = await loadCatalog();
    // A config built in code skips the schema's check that a and b share nothing.
    const config: StacksConfig = structuredClone(loaded);
    config.stacks.a.database = { type: 'dynamodb', tableName: 'catalog-products-b' };
    config.stacks.a.queues = [{ url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/catalog-updates-b' }];
    config.stacks.a.eventSources = [
      { type: 'lambda-event-source-mapping', uuid: '2f1e0c7a-8b3d-4e21-a1c4-5d6e7f8a9b11' },
    ];
    const fake = await catalogWorld(config);
    fake.state.eventSourceMappings.set('2f1e0c7a-8b3d-4e21-a1c4-5d6e7f8a9b11', 'Enabled');

    const result = await runHook(config, 'AfterAllowTraffic', deps(fake));
    expect(result.status).toBe('done');
    expect(fake.state.parameters.get('/shop/catalog/active-stack')).toBe('b');
    const refused = result.actions.filter((a) => a.refused).map((a) => `${a.step} ${a.resource}`);
    expect(refused).toEqual([
      'disable-event-source lambda-esm:2f1e0c7a-8b3d-4e21-a1c4-5d6e7f8a9b11',
      'purge-queue sqs:https://sqs.eu-west-1.amazonaws.com/123456789012/catalog-updates-b',
      'delete-database dynamodb:catalog-products-b',
    ]);
    expect(fake.mutating().map((c) => c.command)).not.toContain('PurgeQueue');
    expect(fake.mutating().map((c) => c.command)).not.toContain('DeleteTable');
    expect(fake.state.tables.get('catalog-products-b')?.status).toBe('ACTIVE');
    expect(fake.state.eventSourceMappings.get('2f1e0c7a-8b3d-4e21-a1c4-5d6e7f8a9b11')).toBe('Enabled');
  });
});

describe('an ECS deployment on the hook runtime', () => {
  it('runs BeforeInstall and AfterInstall: capacity, migration task, sources, seed and readiness', async () => {
    const config = await loadOrders();
    const fake = await createWorld(config, 'a');
    const dispatcher = readyAgent('https://orders-b.internal.example.com/ready', [503, 200]);
    const before = await runHook(config, 'BeforeInstall', deps(fake));
    expect(before.status).toBe('done');
    const runTask = fake.calls.filter((c) => c.command === 'RunTask');
    expect(runTask).toHaveLength(1);
    expect(runTask[0]?.input).toEqual({
      cluster: 'shop',
      taskDefinition: 'orders-migrate-b',
      count: 1,
      launchType: 'FARGATE',
      startedBy: `bg-replay-${RUN}`,
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
          securityGroups: ['sg-0a1b2c3d4e5f60001'],
          assignPublicIp: 'DISABLED',
        },
      },
      overrides: { containerOverrides: [{ name: 'migrate', command: ['npm', 'run', 'migrate'] }] },
    });
    expect(
      fake.state.scalableTargets.get(targetKey('rds', 'cluster:orders-b', 'rds:cluster:ReadReplicaCount')),
    ).toEqual({ min: 4, max: 4 });

    const after = await runHook(config, 'AfterInstall', deps(fake, { dispatcher }));
    expect(after.status).toBe('done');
    expect(fake.state.rules.get('default/orders-nightly-reconcile-b')).toBe('ENABLED');
    expect(fake.state.published.map((p) => p.operation)).toEqual(['Publish']);
    expect(after.actions.at(-1)).toMatchObject({ step: 'wait-ready', skipped: 'ready (200)' });
  });

  it('continues a long teardown across invocations and finishes with the cluster deleted', async () => {
    const config = await loadOrders();
    const fake = await createWorld(config, 'a');
    const step = createPresetStep(config, 'AfterAllowTraffic', {
      clients: fake.clients,
      now: fake.now,
      sleep: fake.sleep,
      reserveMs: 0,
    });
    const first = await step({ deploymentId: RUN, deadline: fake.now() + 35_000 });
    expect(first.status).toBe('continue');
    if (first.status !== 'continue') return;
    expect(first.state).toMatchObject({ v: 1, runId: RUN, target: 'b', index: 5 });
    expect(fake.state.parameters.get('/shop/orders/active-stack')).toBe('b');
    expect(fake.state.clusters.get('orders-a')?.status).toBe('deleting');

    const resumed = JSON.parse(JSON.stringify(first.state)) as unknown;
    fake.reset();
    const second = await step({ state: resumed, deadline: fake.now() + 60_000 });
    expect(second.status).toBe('done');
    expect(fake.state.clusters.has('orders-a')).toBe(false);
    expect(fake.state.clusters.has('orders-b')).toBe(true);
    expect(fake.mutating()).toEqual([]); // the second invocation only waited
    expect(fake.state.snapshots).toEqual(['orders-a-final-20261126100030']);
  });

  it('fails a migration task that exits non-zero, and a re-run starts a fresh one', async () => {
    const config = await loadOrders();
    const fake = await createWorld(config, 'a');
    fake.state.taskDefinitions.set('orders-migrate-b', { exitCode: 1 });
    const failed = await runHook(config, 'BeforeInstall', deps(fake));
    expect(failed.status).toBe('failed');
    expect(failed.reason).toMatch(
      /stopped \(EssentialContainerExited Essential container in task exited\) with exit codes migrate=1/,
    );

    fake.state.taskDefinitions.set('orders-migrate-b', { exitCode: 0 });
    const rerun = await runHook(config, 'BeforeInstall', deps(fake));
    expect(rerun.status).toBe('done');
    expect(fake.calls.filter((c) => c.command === 'RunTask')).toHaveLength(2);
    expect(fake.calls.filter((c) => c.command === 'RegisterScalableTarget')).toHaveLength(1);
  });

  it('fails a wait that outlasts waits.timeoutSeconds', async () => {
    const config = { ...(await loadOrders()), waits: { pollSeconds: 15, timeoutSeconds: 60 } };
    const fake = await createWorld(config, 'a');
    const dispatcher = readyAgent(
      'https://orders-b.internal.example.com/ready',
      [503, 503, 503, 503, 503, 503],
    );
    const result = await runHook(config, 'AfterInstall', deps(fake, { dispatcher }));
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(
      /^wait-ready:b:http:https:\/\/orders-b.internal.example.com\/ready still pending after 60 s: GET .* answered 503$/,
    );
  });
});
