import {
  type ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
  type ScalableTarget,
} from '@aws-sdk/client-application-auto-scaling';
import type { StepContext, StepOutcome } from './model.js';
import { requireClient } from './requireClient.js';
import { otherStack, type ScalableTargetConfig, type StackId, scalableTargetKey } from './stacksConfig.js';

/** The minimum and maximum a target had before the hooks raised it. */
export interface SavedCapacity {
  min: number;
  max: number;
}

async function describeTarget(
  client: ApplicationAutoScalingClient,
  target: ScalableTargetConfig,
): Promise<ScalableTarget | undefined> {
  const out = await client.send(
    new DescribeScalableTargetsCommand({
      ServiceNamespace: target.serviceNamespace,
      ResourceIds: [target.resourceId],
      ScalableDimension: target.scalableDimension,
    }),
  );
  return out.ScalableTargets?.find((t) => t.ResourceId === target.resourceId);
}

/**
 * Raises the minimum of the `index`-th scalable target of `stack` to the minimum of the same target of the
 * other (live) stack: Aurora replicas, DynamoDB provisioned capacity, ECS DesiredCount. Saves the original
 * minimum and maximum first (state key `capacity/<stack>/<index>`, never overwritten), so a re-run after
 * the raise still restores the true original.
 *
 * @example
 * await raiseCapacity(ctx, 'b', 0); // RegisterScalableTarget cluster:orders-b MinCapacity = live's
 */
export async function raiseCapacity(ctx: StepContext, stack: StackId, index: number): Promise<StepOutcome> {
  const idle = ctx.config.stacks[stack].scalableTargets[index];
  const live = ctx.config.stacks[otherStack(stack)].scalableTargets[index];
  if (!idle || !live) throw new RangeError(`no scalable target ${index} in stack ${stack}`);
  const base = { step: 'raise-capacity', stack, resource: scalableTargetKey(idle) } as const;
  const client = requireClient(ctx, 'autoScaling');
  const [idleNow, liveNow] = [await describeTarget(client, idle), await describeTarget(client, live)];
  if (!liveNow || !idleNow) {
    const missing = !liveNow ? live.resourceId : idle.resourceId;
    return {
      status: 'failed',
      actions: [{ ...base, action: 'none', done: false, skipped: 'target not registered' }],
      reason: `scalable target ${missing} is not registered with Application Auto Scaling`,
    };
  }
  const liveMin = liveNow.MinCapacity ?? 0;
  const idleMin = idleNow.MinCapacity ?? 0;
  const idleMax = idleNow.MaxCapacity ?? idleMin;
  const key = `capacity/${stack}/${index}`;
  // Saved before the raise and never overwritten: after a raise, the current minimum is no longer the original.
  if (!ctx.dryRun && !(await ctx.store.get<SavedCapacity>(key))) {
    await ctx.store.put(key, { min: idleMin, max: idleMax } satisfies SavedCapacity, { ifAbsent: true });
  }
  if (idleMin >= liveMin) {
    return {
      status: 'done',
      actions: [
        { ...base, action: 'none', done: false, skipped: `minimum ${idleMin} already ≥ live's ${liveMin}` },
      ],
    };
  }
  if (ctx.dryRun) {
    return {
      status: 'done',
      actions: [
        {
          ...base,
          action: 'RegisterScalableTarget',
          done: false,
          dryRun: true,
          skipped: `dry run: min ${idleMin} → ${liveMin}`,
        },
      ],
    };
  }
  await client.send(
    new RegisterScalableTargetCommand({
      ServiceNamespace: idle.serviceNamespace,
      ResourceId: idle.resourceId,
      ScalableDimension: idle.scalableDimension,
      MinCapacity: liveMin,
      MaxCapacity: Math.max(idleMax, liveMin),
    }),
  );
  return { status: 'done', actions: [{ ...base, action: 'RegisterScalableTarget', done: true }] };
}

/**
 * Puts back the minimum and maximum saved by {@link raiseCapacity} and forgets them. Nothing saved means
 * nothing was raised (or it was already restored): no call.
 *
 * @example
 * await restoreCapacity(ctx, 'b', 0);
 */
export async function restoreCapacity(ctx: StepContext, stack: StackId, index: number): Promise<StepOutcome> {
  const target = ctx.config.stacks[stack].scalableTargets[index];
  if (!target) throw new RangeError(`no scalable target ${index} in stack ${stack}`);
  const base = { step: 'restore-capacity', stack, resource: scalableTargetKey(target) } as const;
  const key = `capacity/${stack}/${index}`;
  const saved = await ctx.store.get<SavedCapacity>(key);
  if (!saved) {
    return {
      status: 'done',
      actions: [{ ...base, action: 'none', done: false, skipped: 'no saved capacity' }],
    };
  }
  const client = requireClient(ctx, 'autoScaling');
  const now = await describeTarget(client, target);
  const same = now && now.MinCapacity === saved.min && now.MaxCapacity === saved.max;
  if (ctx.dryRun) {
    return {
      status: 'done',
      actions: [
        same || !now
          ? { ...base, action: 'none', done: false, skipped: 'already restored' }
          : {
              ...base,
              action: 'RegisterScalableTarget',
              done: false,
              dryRun: true,
              skipped: `dry run: min → ${saved.min}`,
            },
      ],
    };
  }
  if (!now || same) {
    await ctx.store.delete(key);
    return {
      status: 'done',
      actions: [
        { ...base, action: 'none', done: false, skipped: now ? 'already restored' : 'target not registered' },
      ],
    };
  }
  await client.send(
    new RegisterScalableTargetCommand({
      ServiceNamespace: target.serviceNamespace,
      ResourceId: target.resourceId,
      ScalableDimension: target.scalableDimension,
      MinCapacity: saved.min,
      MaxCapacity: saved.max,
    }),
  );
  await ctx.store.delete(key);
  return { status: 'done', actions: [{ ...base, action: 'RegisterScalableTarget', done: true }] };
}
