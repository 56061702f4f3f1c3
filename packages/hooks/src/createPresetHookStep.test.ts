import { BgReplayError } from '@bg-replay/core';
import type { HookStep } from '@bg-replay/core/hooks';
import { silentLogger } from '@bg-replay/core/internal';
import { describe, expect, it } from 'vitest';
import { createWorld, loadOrders } from '../test/world.js';
import { createPresetHookStep, describeAction } from './createPresetHookStep.js';
import type { PresetState } from './presets.js';

const context = (extra: Record<string, unknown> = {}) => ({
  deployment: { deploymentId: 'd-XYZ', computePlatform: 'ECS', lifecycleEvents: ['AfterAllowTraffic'] },
  continuation: undefined,
  deadline: Date.parse('2026-11-26T11:00:00Z'),
  logger: silentLogger,
  ...extra,
});

describe('createPresetHookStep', () => {
  it('is a HookStep: run with the full step context it checkpoints the preset position before each step', async () => {
    const config = await loadOrders();
    const fake = await createWorld(config, 'a');
    const step: HookStep<PresetState> = createPresetHookStep(config, 'AfterAllowTraffic', {
      clients: fake.clients,
      now: fake.now,
      sleep: fake.sleep,
    });
    const checkpoints: PresetState[] = [];
    const deadline = fake.now() + 600_000;
    const result = await step({
      ...context({ deadline }),
      invocation: 1,
      startedAt: new Date(fake.now()),
      remainingMs: () => deadline - fake.now(),
      signal: new AbortController().signal,
      checkpoint: (state) => checkpoints.push(state),
    });
    expect(result).toMatchObject({ status: 'Succeeded', message: 'AfterAllowTraffic: 3 changes' });
    expect(checkpoints.map((c) => c.index)).toEqual([0, 1, 2, 3]);
    expect(checkpoints[0]).toEqual({ v: 1, runId: 'd-XYZ', target: 'b', index: 0 });
  });

  it('reports Succeeded with the actions it took and hands them to onActions', async () => {
    const config = await loadOrders();
    const fake = await createWorld(config, 'a');
    const seen: string[] = [];
    const step = createPresetHookStep(config, 'AfterAllowTraffic', {
      clients: fake.clients,
      now: fake.now,
      sleep: fake.sleep,
      onActions: (actions) => seen.push(...actions.map(describeAction)),
    });
    const result = await step(context());
    expect(result).toMatchObject({ status: 'Succeeded' });
    expect(seen[0]).toBe('✓ flip-active-stack b: PutParameter ssm:/shop/orders/active-stack');
    expect(fake.state.parameters.get('/shop/orders/active-stack')).toBe('b');
  });

  it('builds its clients for the loaded config once, and again on the next invocation after a failure', async () => {
    const config = await loadOrders();
    const fake = await createWorld(config, 'a');
    const asked: string[] = [];
    const absent = new BgReplayError(
      'E_CONFIG',
      'stacks.a.migration (ecs-task) needs the AWS SDK client @aws-sdk/client-ecs',
    );
    const step = createPresetHookStep(config, 'AfterAllowTraffic', {
      clients: async (loaded) => {
        asked.push(loaded.service);
        if (asked.length === 1) throw absent;
        return fake.clients;
      },
      now: fake.now,
      sleep: fake.sleep,
    });
    await expect(step(context())).rejects.toBe(absent);
    expect(fake.state.parameters.get('/shop/orders/active-stack')).toBe('a');
    expect(await step(context())).toMatchObject({ status: 'Succeeded', target: 'b' });
    expect(await step(context())).toMatchObject({ status: 'Succeeded', target: 'b' });
    expect(asked).toEqual(['orders', 'orders']);
  });

  it('returns continue with the preset state when the deadline is near, and resumes from it', async () => {
    const config = await loadOrders();
    const fake = await createWorld(config, 'a');
    const step = createPresetHookStep(config, 'AfterAllowTraffic', {
      clients: fake.clients,
      now: fake.now,
      sleep: fake.sleep,
    });
    const first = await step(context({ deadline: fake.now() + 1 }));
    expect(first).toMatchObject({ status: 'continue', state: { v: 1, runId: 'd-XYZ', target: 'b' } });
    const state = first.status === 'continue' ? first.state : undefined;
    const second = await step(context({ continuation: state }));
    expect(second).toMatchObject({ status: 'Succeeded' });
  });

  it('fails without a call when the deployment is of the other platform or the AppSpec wires another event', async () => {
    const config = await loadOrders();
    const fake = await createWorld(config, 'a');
    const step = createPresetHookStep(config, 'AfterAllowTraffic', { clients: fake.clients });
    const lambda = await step(context({ deployment: { deploymentId: 'd-1', computePlatform: 'Lambda' } }));
    expect(lambda).toEqual({
      status: 'Failed',
      reason: 'the deployment is Lambda but the stacks config (service orders) is for ecs',
      actions: [],
    });
    const wrong = await step(
      context({
        deployment: { deploymentId: 'd-1', computePlatform: 'ECS', lifecycleEvents: ['BeforeInstall'] },
      }),
    );
    expect(wrong).toMatchObject({
      status: 'Failed',
      reason: expect.stringMatching(/names it under BeforeInstall/),
    });
    expect(fake.calls).toEqual([]);
  });

  it('throws a configuration error for a hook the platform has no preset for (the runtime reports Failed)', async () => {
    const config = await loadOrders();
    const step = createPresetHookStep(config, 'BeforeAllowTraffic', {
      clients: (await createWorld(config)).clients,
    });
    await expect(step(context())).rejects.toThrow(/stacks config is for ecs/);
  });
});
