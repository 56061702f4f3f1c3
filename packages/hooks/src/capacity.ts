import type { ApplicationAutoScalingClient, ScalableTarget } from '@aws-sdk/client-application-auto-scaling';
import type { StepResult } from '@bg-replay/core/hooks';
import { loadHookSdk } from './loadHookSdk.js';
import type { Action, PresetActions, StepContext } from './model.js';
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
  const { DescribeScalableTargetsCommand } = await loadHookSdk('autoScaling', 'a scalable target');
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
export async function raiseCapacity(
  ctx: StepContext,
  stack: StackId,
  index: number,
): Promise<StepResult<undefined, PresetActions>> {
  const idle = ctx.config.stacks[stack].scalableTargets[index];
  const live = ctx.config.stacks[otherStack(stack)].scalableTargets[index];
  if (!idle || !live) throw new RangeError(`no scalable target ${index} in stack ${stack}`);
  const base = { step: 'raise-capacity', stack, resource: scalableTargetKey(idle) } as const;
  const client = requireClient(ctx, 'autoScaling');
  const { RegisterScalableTargetCommand } = await loadHookSdk('autoScaling', 'a scalable target');
  const [idleNow, liveNow] = [await describeTarget(client, idle), await describeTarget(client, live)];
  if (!liveNow || !idleNow) {
    const missing = !liveNow ? live.resourceId : idle.resourceId;
    return {
      status: 'Failed',
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
    const note: Action = {
      ...base,
      action: 'none',
      done: false,
      skipped: `minimum ${idleMin} already ≥ live's ${liveMin}`,
    };
    return ctx.dryRun ? { status: 'Succeeded', actions: [note] } : awaitCapacity(ctx, idle, idleMin, note);
  }
  if (ctx.dryRun) {
    return {
      status: 'Succeeded',
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
  return awaitCapacity(ctx, idle, liveMin, { ...base, action: 'RegisterScalableTarget', done: true });
}

/**
 * Done once `target` has at least `min` units in service, `pending` (with what is there) until then. The
 * check reads the resource itself; a dimension it cannot read is done with a note saying it was not checked.
 */
async function awaitCapacity(
  ctx: StepContext,
  target: ScalableTargetConfig,
  min: number,
  action: Action,
): Promise<StepResult<undefined, PresetActions>> {
  const reading = await readCapacity(ctx, target);
  if (reading === undefined) {
    return {
      status: 'Succeeded',
      actions: [
        {
          ...action,
          skipped: `${action.skipped ? `${action.skipped}; ` : ''}arrival not checked for ${target.scalableDimension}`,
        },
      ],
    };
  }
  if (reading.current >= min) {
    return {
      status: 'Succeeded',
      actions: [
        {
          ...action,
          skipped: `${action.skipped ? `${action.skipped}; ` : ''}${reading.current} in service (≥ ${min})`,
        },
      ],
    };
  }
  return {
    status: 'continue',
    state: undefined,
    actions: [action],
    reason: `${target.resourceId} has ${reading.current} of ${min} ${reading.unit} in service; waiting for the rest`,
  };
}

/**
 * The capacity of a scalable target that is in service now, read from the resource: ECS running tasks,
 * DynamoDB provisioned units of an ACTIVE table, available Aurora readers, ready Lambda provisioned
 * concurrency. Undefined for other dimensions.
 *
 * @example
 * await readCapacity(ctx, { serviceNamespace: 'rds', resourceId: 'cluster:orders-b', scalableDimension: 'rds:cluster:ReadReplicaCount' });
 * // { current: 2, unit: 'readers' }
 */
export async function readCapacity(
  ctx: StepContext,
  target: ScalableTargetConfig,
): Promise<{ current: number; unit: string } | undefined> {
  const dimension = target.scalableDimension;
  if (dimension === 'ecs:service:DesiredCount') {
    const [, cluster, service] = target.resourceId.split('/');
    if (!cluster || !service) return undefined;
    const { DescribeServicesCommand } = await loadHookSdk('ecs', dimension);
    const out = await requireClient(ctx, 'ecs').send(
      new DescribeServicesCommand({ cluster, services: [service] }),
    );
    return { current: out.services?.[0]?.runningCount ?? 0, unit: 'running tasks' };
  }
  if (dimension === 'dynamodb:table:ReadCapacityUnits' || dimension === 'dynamodb:table:WriteCapacityUnits') {
    const tableName = target.resourceId.replace(/^table\//, '');
    const { DescribeTableCommand } = await loadHookSdk('dynamodb', dimension);
    const out = await requireClient(ctx, 'dynamodb').send(new DescribeTableCommand({ TableName: tableName }));
    const throughput = out.Table?.ProvisionedThroughput;
    if (!throughput) return undefined;
    const units =
      dimension === 'dynamodb:table:ReadCapacityUnits'
        ? throughput?.ReadCapacityUnits
        : throughput?.WriteCapacityUnits;
    // An UPDATING table has not finished applying the new throughput.
    const current = out.Table?.TableStatus === 'ACTIVE' ? (units ?? 0) : 0;
    return { current, unit: 'capacity units' };
  }
  if (dimension === 'rds:cluster:ReadReplicaCount') {
    const id = target.resourceId.replace(/^cluster:/, '');
    const rds = requireClient(ctx, 'rds');
    const { DescribeDBClustersCommand, DescribeDBInstancesCommand } = await loadHookSdk('rds', dimension);
    const out = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }));
    const readers = (out.DBClusters?.[0]?.DBClusterMembers ?? []).filter(
      (m) => m.IsClusterWriter !== true && m.DBInstanceIdentifier,
    );
    let available = 0;
    for (const reader of readers) {
      const got = await rds.send(
        new DescribeDBInstancesCommand({ DBInstanceIdentifier: reader.DBInstanceIdentifier }),
      );
      if (got.DBInstances?.[0]?.DBInstanceStatus === 'available') available += 1;
    }
    return { current: available, unit: 'available readers' };
  }
  if (dimension === 'lambda:function:ProvisionedConcurrency') {
    const [, functionName, qualifier] = target.resourceId.split(':');
    if (!functionName || !qualifier) return undefined;
    const { GetProvisionedConcurrencyConfigCommand } = await loadHookSdk('lambda', dimension);
    const out = await requireClient(ctx, 'lambda').send(
      new GetProvisionedConcurrencyConfigCommand({ FunctionName: functionName, Qualifier: qualifier }),
    );
    return {
      current: out.Status === 'READY' ? (out.AvailableProvisionedConcurrentExecutions ?? 0) : 0,
      unit: 'provisioned executions',
    };
  }
  return undefined;
}

/**
 * Parks the `index`-th scalable target of the stack that just left service: puts back the idle minimum and
 * maximum it had before a deployment raised it (state key `capacity/<stack>/<index>`), or, when nothing was
 * saved for it (its first park), the idle values saved for the new live stack before its raise. The new live
 * stack keeps its production floor. Nothing known about idle capacity means no call, said in the action.
 *
 * @example
 * await parkCapacity(ctx, 'a', 0); // RegisterScalableTarget cluster:orders-a Min 1 Max 3
 */
export async function parkCapacity(
  ctx: StepContext,
  stack: StackId,
  index: number,
): Promise<StepResult<undefined, PresetActions>> {
  const own = await ctx.store.get<SavedCapacity>(`capacity/${stack}/${index}`);
  if (own) return restoreCapacity(ctx, stack, index, 'park-capacity');
  const target = ctx.config.stacks[stack].scalableTargets[index];
  if (!target) throw new RangeError(`no scalable target ${index} in stack ${stack}`);
  const base = { step: 'park-capacity', stack, resource: scalableTargetKey(target) } as const;
  const idle = await ctx.store.get<SavedCapacity>(`capacity/${otherStack(stack)}/${index}`);
  if (!idle) {
    return {
      status: 'Succeeded',
      actions: [{ ...base, action: 'none', done: false, skipped: 'no idle capacity saved for either stack' }],
    };
  }
  const client = requireClient(ctx, 'autoScaling');
  const { RegisterScalableTargetCommand } = await loadHookSdk('autoScaling', 'a scalable target');
  const now = await describeTarget(client, target);
  if (!now || (now.MinCapacity === idle.min && now.MaxCapacity === idle.max)) {
    return {
      status: 'Succeeded',
      actions: [
        { ...base, action: 'none', done: false, skipped: now ? 'already idle' : 'target not registered' },
      ],
    };
  }
  if (ctx.dryRun) {
    return {
      status: 'Succeeded',
      actions: [
        {
          ...base,
          action: 'RegisterScalableTarget',
          done: false,
          dryRun: true,
          skipped: `dry run: min → ${idle.min}`,
        },
      ],
    };
  }
  await client.send(
    new RegisterScalableTargetCommand({
      ServiceNamespace: target.serviceNamespace,
      ResourceId: target.resourceId,
      ScalableDimension: target.scalableDimension,
      MinCapacity: idle.min,
      MaxCapacity: idle.max,
    }),
  );
  return { status: 'Succeeded', actions: [{ ...base, action: 'RegisterScalableTarget', done: true }] };
}

/**
 * Puts back the minimum and maximum saved by {@link raiseCapacity} and forgets them. Nothing saved means
 * nothing was raised (or it was already restored): no call.
 *
 * @example
 * await restoreCapacity(ctx, 'b', 0);
 */
export async function restoreCapacity(
  ctx: StepContext,
  stack: StackId,
  index: number,
  kind: 'restore-capacity' | 'park-capacity' = 'restore-capacity',
): Promise<StepResult<undefined, PresetActions>> {
  const target = ctx.config.stacks[stack].scalableTargets[index];
  if (!target) throw new RangeError(`no scalable target ${index} in stack ${stack}`);
  const base = { step: kind, stack, resource: scalableTargetKey(target) } as const;
  const key = `capacity/${stack}/${index}`;
  const saved = await ctx.store.get<SavedCapacity>(key);
  if (!saved) {
    return {
      status: 'Succeeded',
      actions: [{ ...base, action: 'none', done: false, skipped: 'no saved capacity' }],
    };
  }
  const client = requireClient(ctx, 'autoScaling');
  const { RegisterScalableTargetCommand } = await loadHookSdk('autoScaling', 'a scalable target');
  const now = await describeTarget(client, target);
  const same = now && now.MinCapacity === saved.min && now.MaxCapacity === saved.max;
  if (ctx.dryRun) {
    return {
      status: 'Succeeded',
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
      status: 'Succeeded',
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
  return { status: 'Succeeded', actions: [{ ...base, action: 'RegisterScalableTarget', done: true }] };
}
