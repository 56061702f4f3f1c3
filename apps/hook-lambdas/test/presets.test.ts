import { fileURLToPath } from 'node:url';
import { silentLogger } from '@bg-replay/core/internal';
import {
  createHookClients,
  describeAction,
  type HookName,
  loadStacksConfig,
  type StacksConfig,
} from '@bg-replay/hooks';
import {
  createAwsStandInServices,
  createVirtualClock,
  type HarnessClients,
  type LifecycleHookSpec,
  runLifecycle,
  seedStandInAccount,
} from '@bg-replay/simulator';
import { describe, expect, it } from 'vitest';
import { createPresetHandler, loadPresetStacksConfig, PRESET_FUNCTION_SUFFIX } from '../src/preset.js';

const demoFile = fileURLToPath(new URL('../../../fixtures/stacks/demo-ecs.yaml', import.meta.url));
const stacksDir = fileURLToPath(new URL('../../../fixtures/stacks/', import.meta.url));

function preset(
  hook: HookName,
  config: StacksConfig | Promise<StacksConfig>,
  extra: { timeoutMs?: number; functionName?: string } = {},
): LifecycleHookSpec {
  return {
    functionName: extra.functionName ?? `CodeDeployHook_${PRESET_FUNCTION_SUFFIX[hook]}`,
    ...(extra.timeoutMs ? { timeoutMs: extra.timeoutMs } : {}),
    handler: (h: HarnessClients) =>
      createPresetHandler({
        hook,
        env: {},
        baseDir: stacksDir,
        config,
        clients: (loaded) => instrumented(h, loaded),
        // The hook runs on the simulation's (virtual) clock: its Lambda timeout and polls take no real time.
        handler: { clients: h, logger: silentLogger, reserveMs: 20, now: h.clock.now, sleep: h.clock.sleep },
        preset: {
          now: h.clock.now,
          sleep: h.clock.sleep,
          onActions: (actions) => {
            for (const a of actions) h.note(describeAction(a));
          },
        },
      }) as never,
  };
}

/** The hook's SDK clients, each marked as work in flight while it waits for the stand-in. */
async function instrumented(h: HarnessClients, config: StacksConfig) {
  // Tracked: the virtual clock must not run past the hook's deadline while the SDK modules load.
  const clients = await h.clock.track(
    createHookClients(config, { endpoint: h.endpoint, region: h.region, credentials: h.credentials }),
  );
  for (const client of Object.values(clients)) h.clock.instrument(client);
  return clients;
}

async function world() {
  const config = await loadStacksConfig(demoFile);
  const services = createAwsStandInServices();
  services.onPublish = seedStandInAccount(services.state, config, 'a');
  return { config, services };
}

describe('preset hooks on the hook runtime (real SDK clients, loopback stand-ins)', () => {
  it('prepares b, then flips the pointer and parks a, reporting Succeeded at each event', async () => {
    const { config, services } = await world();
    const result = await runLifecycle({
      platform: 'ECS',
      clock: createVirtualClock(),
      services,
      hooks: {
        BeforeInstall: preset('BeforeInstall', config),
        AfterInstall: preset('AfterInstall', config),
        AfterAllowTraffic: preset('AfterAllowTraffic', config),
      },
    });
    expect(result.status).toBe('Succeeded');
    expect(result.reports.map((r) => `${r.event} ${r.status}`)).toEqual([
      'BeforeInstall Succeeded',
      'AfterInstall Succeeded',
      'AfterAllowTraffic Succeeded',
    ]);
    const { state } = services;
    expect(state.parameters.get('/shop/active-stack')).toBe('b');
    expect(state.tables.get('shop-orders-a')?.status).toBe('ACTIVE');
    expect(state.tables.get('shop-orders-b')?.items).toBeGreaterThanOrEqual(20);
    expect(state.rules.get('default/shop-nightly-reconcile-b')).toBe('ENABLED');
    expect(state.rules.get('default/shop-nightly-reconcile-a')).toBe('DISABLED');
    expect(state.eventSourceMappings.get('0d3f5a52-demo-4c1e-9a11-00000000000a')).toBe('Disabled');
    // a's messages stay until no rollback can need them (purged before reuse or by bg-replay teardown).
    expect(
      state.queues.get('https://sqs.us-east-1.amazonaws.com/000000000000/shop-ingest-a')?.messages,
    ).toBeGreaterThan(0);
    // Raised for the deployment and kept: b is live now; a is parked at b's saved idle capacity.
    expect(
      state.scalableTargets.get('dynamodb|table/shop-orders-b|dynamodb:table:ReadCapacityUnits'),
    ).toMatchObject({ min: 4 });
    expect(
      state.scalableTargets.get('dynamodb|table/shop-orders-a|dynamodb:table:ReadCapacityUnits'),
    ).toEqual({ min: 1, max: 3 });
    const notes = result.timeline.flatMap((e) => (e.kind === 'note' ? [`${e.event} ${e.text}`] : []));
    expect(notes).toContain('BeforeInstall ✓ run-migration b: RunTask ecs-task:shop/shop-migrate-b');
    expect(notes).toContain('AfterAllowTraffic ✓ flip-active-stack b: PutParameter ssm:/shop/active-stack');
    // The pointer flips before anything of a is disabled, purged or deleted.
    const order = services.mutations().map((c) => c.operation);
    const flip = order.lastIndexOf('PutParameter', order.indexOf('DisableRule'));
    expect(services.mutations()[flip]?.input).toMatchObject({ Name: '/shop/active-stack', Value: 'b' });
    expect(order).not.toContain('DeleteTable');
  });

  it('continues a wait in fresh invocations when the Lambda timeout is short', async () => {
    const { config, services } = await world();
    const result = await runLifecycle({
      platform: 'ECS',
      clock: createVirtualClock(),
      services,
      // A poll (5 s) never fits in the invocation (3 s), which is still long enough for one step's calls on
      // a busy machine: each check of the migration task is a fresh invocation.
      hooks: {
        BeforeInstall: preset(
          'BeforeInstall',
          { ...config, waits: { pollSeconds: 5, timeoutSeconds: 60 } },
          { timeoutMs: 3000 },
        ),
      },
    });
    expect(result.status).toBe('Succeeded');
    const end = result.timeline.find((e) => e.kind === 'event-end' && e.event === 'BeforeInstall');
    // 3 s of virtual time per invocation and a 5 s poll: the invocation that raises the capacity (in service
    // at the next read), the one that starts the migration task, then one per check until the task stops
    // (two reads in the stand-in).
    expect(end && end.kind === 'event-end' ? end.invocations : 0).toBe(4);
    expect(result.invokes.length).toBe(3);
    // One migration task, however many invocations it took.
    expect(services.mutations().filter((c) => c.operation === 'RunTask')).toHaveLength(1);
    expect(result.reports.filter((r) => r.accepted).map((r) => r.status)).toEqual(['Succeeded']);
  });

  it('reports Failed and touches nothing when the AppSpec wires the teardown preset to another event', async () => {
    const { config, services } = await world();
    const result = await runLifecycle({
      platform: 'ECS',
      clock: createVirtualClock(),
      services,
      hooks: { BeforeInstall: preset('AfterAllowTraffic', config) },
    });
    expect(result.status).toBe('Failed');
    expect(result.failedEvent).toBe('BeforeInstall');
    expect(services.mutations()).toEqual([]);
    expect(services.state.parameters.get('/shop/active-stack')).toBe('a');
  });

  it('reports Failed when the stacks config cannot be loaded, instead of hanging the deployment', async () => {
    const { services } = await world();
    const missing = loadPresetStacksConfig({
      env: { BG_REPLAY_STACKS_FILE: 'nope.yaml' },
      baseDir: stacksDir,
    });
    missing.catch(() => {});
    const result = await runLifecycle({
      platform: 'ECS',
      clock: createVirtualClock(),
      services,
      hooks: { BeforeInstall: preset('BeforeInstall', missing) },
    });
    expect(result.status).toBe('Failed');
    expect(result.reports.map((r) => r.status)).toEqual(['Failed']);
  });
});

describe('loadPresetStacksConfig', () => {
  it('reads the file named by BG_REPLAY_STACKS_FILE relative to the bundle', async () => {
    const config = await loadPresetStacksConfig({
      env: { BG_REPLAY_STACKS_FILE: 'demo-ecs.yaml' },
      baseDir: stacksDir,
    });
    expect(config.service).toBe('shop');
  });

  it('names all three places when there is no stacks config', async () => {
    await expect(loadPresetStacksConfig({ env: {}, baseDir: '/nonexistent' })).rejects.toThrow(
      /bg-replay\.stacks\.yaml.*BG_REPLAY_STACKS_FILE.*BG_REPLAY_STACKS_SSM_PARAMETER/,
    );
  });
});
