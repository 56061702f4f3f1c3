import { silentLogger } from '@bg-replay/core/internal';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { DISABLED_FILTER_POLICY } from '../src/eventSources.js';
import {
  createPresetHookStep,
  createPresetStep,
  type HookName,
  planHook,
  runHook,
  runTeardown,
  type StacksConfig,
} from '../src/index.js';
import { buildTeardownSteps } from '../src/internal.js';
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
  it('orders AfterAllowTraffic as flip, then park the old stack (sources off, capacity to idle), nothing irreversible', async () => {
    const config = await loadOrders();
    const plan = planHook(config, 'AfterAllowTraffic', 'a');
    expect(plan.map((s) => `${s.kind} ${s.stack}`)).toEqual([
      'flip-active-stack b',
      'disable-event-source a',
      'disable-event-source a',
      'park-capacity a',
    ]);
    expect(plan[0]?.resource).toBe('ssm:/shop/orders/active-stack');
    expect(plan.some((s) => s.kind === 'purge-queue' || s.kind === 'delete-database')).toBe(false);
    expect(plan[3]?.when).toMatch(/^after the flip; reversible/);
  });

  it('leaves purge and delete to the teardown of the idle stack, and purges before reuse in BeforeInstall', async () => {
    const config = await loadOrders();
    expect(buildTeardownSteps(config, 'a').map((s) => `${s.kind} ${s.stack}`)).toEqual([
      'disable-event-source a',
      'disable-event-source a',
      'park-capacity a',
      'purge-queue a',
      'delete-database a',
    ]);
    expect(buildTeardownSteps(config, 'a').at(-1)?.when).toMatch(
      /^only by bg-replay teardown, after the termination wait/,
    );
    const before = planHook(config, 'BeforeInstall', 'a');
    expect(before[0]).toMatchObject({ kind: 'purge-queue', stack: 'b' });
    expect(before[0]?.when).toMatch(/^before the stack is reused/);
  });

  it('prepares the idle stack across BeforeInstall and AfterInstall for ECS', async () => {
    const config = await loadOrders();
    expect(planHook(config, 'BeforeInstall', 'b').map((s) => `${s.kind} ${s.stack}`)).toEqual([
      'purge-queue a',
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
  it('prepares b, then flips and parks a; only the teardown purges and deletes a', async () => {
    const config = await loadCatalog();
    const fake = await catalogWorld(config);

    const before = await runHook(config, 'BeforeAllowTraffic', deps(fake));
    expect(before).toMatchObject({ status: 'Succeeded', target: 'b' });
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
    expect(after).toMatchObject({ status: 'Succeeded', target: 'b' });
    expect(state.parameters.get('/shop/catalog/active-stack')).toBe('b');
    expect(state.eventSourceMappings.get('2f1e0c7a-8b3d-4e21-a1c4-5d6e7f8a9b01')).toBe('Disabled');
    expect(state.eventSourceMappings.get('2f1e0c7a-8b3d-4e21-a1c4-5d6e7f8a9b02')).toBe('Disabled');
    expect(state.subscriptions.get('arn:aws:sns:eu-west-1:123456789012:product-events:0b6c1d2e-a001')).toBe(
      JSON.stringify(DISABLED_FILTER_POLICY),
    );
    // The new live stack keeps its production floor; the old one goes to b's saved idle capacity.
    expect(
      state.scalableTargets.get(
        targetKey('dynamodb', 'table/catalog-products-b', 'dynamodb:table:ReadCapacityUnits'),
      ),
    ).toEqual({ min: 4, max: 4 });
    expect(
      state.scalableTargets.get(
        targetKey('dynamodb', 'table/catalog-products-a', 'dynamodb:table:ReadCapacityUnits'),
      ),
    ).toEqual({ min: 1, max: 3 });
    // Nothing irreversible while a rollback could still need a.
    const queueA = 'https://sqs.eu-west-1.amazonaws.com/123456789012/catalog-updates-a';
    expect(state.queues.get(queueA)?.messages).toBe(12);
    expect(state.tables.get('catalog-products-a')?.status).toBe('ACTIVE');

    const teardown = await runTeardown(config, deps(fake, { runId: 'teardown-1' }));
    expect(teardown).toMatchObject({ status: 'Succeeded', target: 'a' });
    expect(state.queues.get(queueA)?.messages).toBe(0);
    expect(state.tables.has('catalog-products-a')).toBe(false);
    expect(state.tables.has('catalog-products-b')).toBe(true);
    // The live side was never touched by a destructive call.
    const touchedB = fake
      .mutating()
      // b's queue was purged by BeforeAllowTraffic, before b was reused: that is the point of the purge.
      .filter((c) => ['DeleteTable', 'DisableRule'].includes(c.command))
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
      expect(again.status).toBe('Succeeded');
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

  it('records a failure after the flip instead of failing, and a re-run finishes the parking', async () => {
    const config = await loadCatalog();
    const fake = await catalogWorld(config);
    await runHook(config, 'BeforeAllowTraffic', deps(fake));
    fake.reset();
    fake.failNext('UpdateEventSourceMapping');
    const first = await runHook(config, 'AfterAllowTraffic', deps(fake));
    expect(first.status).toBe('Succeeded');
    expect(first.problems).toHaveLength(1);
    expect(first.problems?.[0]).toMatch(
      /^disable-event-source:a:lambda-esm:2f1e0c7a-8b3d-4e21-a1c4-5d6e7f8a9b01: ServiceUnavailable on lambda:UpdateEventSourceMapping/,
    );
    expect(first.actions.find((a) => a.error)).toMatchObject({ step: 'disable-event-source', done: false });
    expect(fake.state.parameters.get('/shop/catalog/active-stack')).toBe('b');
    // The steps after the failed one still ran.
    expect(fake.state.eventSourceMappings.get('2f1e0c7a-8b3d-4e21-a1c4-5d6e7f8a9b02')).toBe('Disabled');

    const rerun = await runHook(config, 'AfterAllowTraffic', deps(fake));
    expect(rerun).toMatchObject({ status: 'Succeeded' });
    expect(rerun.problems).toBeUndefined();
    expect(fake.state.eventSourceMappings.get('2f1e0c7a-8b3d-4e21-a1c4-5d6e7f8a9b01')).toBe('Disabled');
  });

  it('reports Succeeded through the hook runtime when a step after the flip fails, naming the problem', async () => {
    const config = await loadCatalog();
    const fake = await catalogWorld(config);
    fake.failNext('RegisterScalableTarget', 'ValidationException', 'Maximum capacity below minimum');
    const step = createPresetHookStep(config, 'AfterAllowTraffic', {
      clients: fake.clients,
      now: fake.now,
      sleep: fake.sleep,
    });
    fake.state.parameters.set('/bg-replay/catalog/capacity/b/0', '{"min":1,"max":3}');
    const result = await step({
      deployment: { deploymentId: RUN, computePlatform: 'Lambda', lifecycleEvents: ['AfterAllowTraffic'] },
      continuation: undefined,
      deadline: fake.now() + 600_000,
      logger: silentLogger,
    });
    expect(result.status).toBe('Succeeded');
    expect(result.status === 'Succeeded' && result.message).toMatch(
      /problem\(s\) after the flip: park-capacity:a:autoscaling:dynamodb\/table\/catalog-products-a\/dynamodb:table:ReadCapacityUnits: ValidationException on application-autoscaling:RegisterScalableTarget/,
    );
    expect(fake.state.parameters.get('/shop/catalog/active-stack')).toBe('b');
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
    expect(result.status).toBe('Succeeded');
    expect(fake.mutating()).toEqual([]);
    expect(result.actions.some((a) => a.dryRun)).toBe(true);
    expect(result.actions.every((a) => !a.done && !a.refused)).toBe(true);
    if (hook === 'AfterAllowTraffic') {
      // Judged against the stack the flip would make live, so parking `a` is not refused.
      expect(result.actions.map((a) => `${a.step}:${a.action}`)).toContain('flip-active-stack:PutParameter');
      expect(
        result.actions.filter((a) => a.step === 'disable-event-source' && a.stack === 'a').length,
      ).toBeGreaterThan(0);
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

    const after = await runHook(config, 'AfterAllowTraffic', deps(fake));
    expect(after.status).toBe('Succeeded');
    expect(fake.state.parameters.get('/shop/catalog/active-stack')).toBe('b');
    const result = await runTeardown(config, deps(fake, { runId: 'teardown-1' }));
    expect(result.status).toBe('Succeeded');
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
    expect(before.status).toBe('Succeeded');
    const runTask = fake.calls.filter((c) => c.command === 'RunTask');
    expect(runTask).toHaveLength(1);
    expect(runTask[0]?.input).toEqual({
      cluster: 'shop',
      taskDefinition: 'orders-migrate-b',
      count: 1,
      launchType: 'FARGATE',
      startedBy: `bg-replay-${RUN}-b`,
      clientToken: `bg-replay-${RUN}-b-1`,
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
    expect(after.status).toBe('Succeeded');
    expect(fake.state.rules.get('default/orders-nightly-reconcile-b')).toBe('ENABLED');
    expect(fake.state.published.map((p) => p.operation)).toEqual(['Publish']);
    expect(after.actions.at(-1)).toMatchObject({ step: 'wait-ready', skipped: 'ready (200)' });
  });

  it('continues a raise across invocations until the readers are in service', async () => {
    const config = await loadOrders();
    const fake = await createWorld(config, 'a');
    const step = createPresetStep(config, 'BeforeInstall', {
      clients: fake.clients,
      now: fake.now,
      sleep: fake.sleep,
    });
    const first = await step({ deployment: { deploymentId: RUN }, deadline: fake.now() + 10_000 });
    expect(first).toMatchObject({
      status: 'continue',
      reason: 'cluster:orders-b has 1 of 4 available readers in service; waiting for the rest',
    });
    if (first.status !== 'continue') return;
    expect(first.state).toMatchObject({ v: 1, runId: RUN, target: 'b', index: 1 });
    await fake.sleep(15_000);
    const second = await step({
      continuation: JSON.parse(JSON.stringify(first.state)),
      deadline: fake.now() + 600_000,
    });
    expect(second.status).toBe('Succeeded');
    expect(fake.calls.filter((c) => c.command === 'RegisterScalableTarget')).toHaveLength(1);
  });

  it('tears down the idle Aurora cluster with a final snapshot, waiting until it is gone', async () => {
    const config = await loadOrders();
    const fake = await createWorld(config, 'b');
    const result = await runTeardown(config, deps(fake, { runId: 'teardown-1' }));
    expect(result).toMatchObject({ status: 'Succeeded', target: 'a' });
    expect(fake.state.clusters.has('orders-a')).toBe(false);
    expect(fake.state.clusters.has('orders-b')).toBe(true);
    expect(fake.state.snapshots).toEqual(['orders-a-final-20261126100015']);
  });

  it('fails a migration task that exits non-zero, and a re-run starts a fresh one', async () => {
    const config = await loadOrders();
    const fake = await createWorld(config, 'a');
    fake.state.taskDefinitions.set('orders-migrate-b', { exitCode: 1 });
    const failed = await runHook(config, 'BeforeInstall', deps(fake));
    expect(failed.status).toBe('Failed');
    // ECS gives a stopped task its stoppedReason beside the stopCode.
    expect(failed.status === 'Failed' && failed.reason).toMatch(
      /stopped \(EssentialContainerExited Essential container in task exited\) with exit codes migrate=1/,
    );

    fake.state.taskDefinitions.set('orders-migrate-b', { exitCode: 0 });
    const rerun = await runHook(config, 'BeforeInstall', deps(fake));
    expect(rerun.status).toBe('Succeeded');
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
    expect(result.status).toBe('Failed');
    expect(result.status === 'Failed' && result.reason).toMatch(
      /^wait-ready:b:http:https:\/\/orders-b.internal.example.com\/ready still pending after 60 s: GET .* answered 503$/,
    );
  });
});
