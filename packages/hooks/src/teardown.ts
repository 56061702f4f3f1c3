import type { StepResult } from '@bg-replay/core/hooks';
import { awsErrorName } from '@bg-replay/core/internal';
import { guardDestructive } from './activeStack.js';
import { loadHookSdk } from './loadHookSdk.js';
import type { Action, PresetActions, StepContext } from './model.js';
import { requireClient } from './requireClient.js';
import { databaseKey, queueKey, type StackId } from './stacksConfig.js';

/** SQS accepts one `PurgeQueue` per queue per 60 seconds. */
export const PURGE_INTERVAL_MS = 60_000;

/** What `purge/<stack>/<index>` remembers of the last purge. */
export interface PurgeRecord {
  at: string;
  runId: string;
}

/**
 * Purges the `index`-th queue of `stack`, once per run. The last purge time is remembered (state key
 * `purge/<stack>/<index>`): a run that already purged, or any purge less than 60 s ago, sends nothing;
 * `PurgeQueueInProgress` means a purge is under way and counts as done; a missing queue is already empty.
 *
 * @example
 * await purgeQueue(ctx, 'a', 0); // PurgeQueue https://sqs…/orders-a
 */
export async function purgeQueue(
  ctx: StepContext,
  stack: StackId,
  index: number,
): Promise<StepResult<undefined, PresetActions>> {
  const queue = ctx.config.stacks[stack].queues[index];
  if (!queue) throw new RangeError(`no queue ${index} in stack ${stack}`);
  const base = { step: 'purge-queue', stack, resource: queueKey(queue) } as const;
  const refusal = await guardDestructive(ctx, base);
  if (refusal) return { status: 'Succeeded', actions: [refusal] };
  const key = `purge/${stack}/${index}`;
  const last = await ctx.store.get<PurgeRecord>(key);
  const skip = (why: string): StepResult<undefined, PresetActions> => ({
    status: 'Succeeded',
    actions: [{ ...base, action: 'none', done: false, skipped: why }],
  });
  if (last?.runId === ctx.runId) return skip(`purged by this run at ${last.at}`);
  if (last && ctx.now() - Date.parse(last.at) < PURGE_INTERVAL_MS)
    return skip(`purged less than 60 s ago (${last.at})`);
  if (ctx.dryRun) {
    return {
      status: 'Succeeded',
      actions: [{ ...base, action: 'PurgeQueue', done: false, dryRun: true, skipped: 'dry run' }],
    };
  }
  let action: Action = { ...base, action: 'PurgeQueue', done: true };
  try {
    const { PurgeQueueCommand } = await loadHookSdk('sqs', 'a queue');
    await requireClient(ctx, 'sqs').send(new PurgeQueueCommand({ QueueUrl: queue.url }));
  } catch (error) {
    const name = awsErrorName(error);
    if (name === 'QueueDoesNotExist' || name === 'AWS.SimpleQueueService.NonExistentQueue') {
      return skip('queue does not exist');
    }
    if (name !== 'PurgeQueueInProgress' && name !== 'AWS.SimpleQueueService.PurgeQueueInProgress')
      throw error;
    action = { ...base, action: 'PurgeQueue', done: false, skipped: 'a purge is already in progress' };
  }
  await ctx.store.put(key, { at: new Date(ctx.now()).toISOString(), runId: ctx.runId } satisfies PurgeRecord);
  return { status: 'Succeeded', actions: [action] };
}

/**
 * Deletes the database of `stack`, one check at a time, and reports `pending` until it is gone.
 * DynamoDB: `DescribeTable` (`ResourceNotFoundException` = done, `DELETING` = wait) then `DeleteTable`.
 * Aurora: `DescribeDBClusters` (`DBClusterNotFoundFault` = done, `deleting` = wait), then `DeleteDBInstance`
 * for each member, then `DeleteDBCluster` with a final snapshot unless `skipFinalSnapshot` is set.
 * Deletion protection fails the step: the hooks never turn it off. Refused on the live stack.
 *
 * @example
 * let outcome = await deleteDatabase(ctx, 'a'); // DeleteTable orders-a → pending
 * outcome = await deleteDatabase(ctx, 'a');     // DescribeTable → ResourceNotFound → done
 */
export async function deleteDatabase(
  ctx: StepContext,
  stack: StackId,
): Promise<StepResult<undefined, PresetActions>> {
  const database = ctx.config.stacks[stack].database;
  if (!database) return { status: 'Succeeded', actions: [] };
  const base = { step: 'delete-database', stack, resource: databaseKey(database) } as const;
  const refusal = await guardDestructive(ctx, base);
  if (refusal) return { status: 'Succeeded', actions: [refusal] };
  const note = (action: string, skipped: string): Action => ({ ...base, action, done: false, skipped });
  const pending = (action: Action, reason: string): StepResult<undefined, PresetActions> => ({
    status: 'continue',
    state: undefined,
    actions: [action],
    reason,
  });
  const dry = (action: string): StepResult<undefined, PresetActions> => ({
    status: 'Succeeded',
    actions: [{ ...base, action, done: false, dryRun: true, skipped: 'dry run' }],
  });

  if (database.type === 'dynamodb') {
    const client = requireClient(ctx, 'dynamodb');
    const { DeleteTableCommand, DescribeTableCommand } = await loadHookSdk('dynamodb', 'a dynamodb database');
    let status: string | undefined;
    let protectedTable = false;
    try {
      const out = await client.send(new DescribeTableCommand({ TableName: database.tableName }));
      status = out.Table?.TableStatus;
      protectedTable = out.Table?.DeletionProtectionEnabled === true;
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') {
        return { status: 'Succeeded', actions: [note('none', 'table does not exist')] };
      }
      throw error;
    }
    if (status === 'DELETING')
      return pending(note('none', 'deleting'), `table ${database.tableName} is being deleted`);
    if (protectedTable) {
      return {
        status: 'Failed',
        actions: [note('none', 'deletion protection')],
        reason: `table ${database.tableName} has deletion protection; turn it off or set teardown.deleteDatabase: false`,
      };
    }
    if (status !== 'ACTIVE' && status !== undefined) {
      return pending(
        note('none', status),
        `table ${database.tableName} is ${status}; it can be deleted once ACTIVE`,
      );
    }
    if (ctx.dryRun) return dry('DeleteTable');
    try {
      await client.send(new DeleteTableCommand({ TableName: database.tableName }));
    } catch (error) {
      const name = awsErrorName(error);
      if (name === 'ResourceNotFoundException')
        return { status: 'Succeeded', actions: [note('none', 'table does not exist')] };
      if (name !== 'ResourceInUseException') throw error;
      return pending(note('DeleteTable', 'table in use'), `table ${database.tableName} is busy; retrying`);
    }
    return pending(
      { ...base, action: 'DeleteTable', done: true },
      `table ${database.tableName} is being deleted`,
    );
  }

  const rds = requireClient(ctx, 'rds');
  const {
    DeleteDBClusterCommand,
    DeleteDBInstanceCommand,
    DescribeDBClustersCommand,
    DescribeDBInstancesCommand,
  } = await loadHookSdk('rds', 'an rds-cluster database');
  const id = database.clusterIdentifier;
  let cluster: {
    Status?: string;
    DeletionProtection?: boolean;
    DBClusterMembers?: { DBInstanceIdentifier?: string }[];
  };
  try {
    const out = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }));
    const found = out.DBClusters?.[0];
    if (!found) return { status: 'Succeeded', actions: [note('none', 'cluster does not exist')] };
    cluster = found;
  } catch (error) {
    if (awsErrorName(error) === 'DBClusterNotFoundFault') {
      return { status: 'Succeeded', actions: [note('none', 'cluster does not exist')] };
    }
    throw error;
  }
  if (cluster.Status === 'deleting')
    return pending(note('none', 'deleting'), `cluster ${id} is being deleted`);
  if (cluster.DeletionProtection) {
    return {
      status: 'Failed',
      actions: [note('none', 'deletion protection')],
      reason: `cluster ${id} has deletion protection; turn it off or set teardown.deleteDatabase: false`,
    };
  }
  const members = (cluster.DBClusterMembers ?? []).flatMap((m) =>
    m.DBInstanceIdentifier ? [m.DBInstanceIdentifier] : [],
  );
  if (members.length > 0) {
    // A cluster with instances cannot be deleted: remove the instances first, then wait for them.
    const actions: Action[] = [];
    for (const instance of members) {
      const instanceBase = { ...base, resource: `rds-instance:${instance}` };
      let status: string | undefined;
      try {
        const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instance }));
        status = out.DBInstances?.[0]?.DBInstanceStatus;
      } catch (error) {
        if (awsErrorName(error) !== 'DBInstanceNotFoundFault') throw error;
        status = 'gone';
      }
      if (status === 'deleting' || status === 'gone') {
        actions.push({ ...instanceBase, action: 'none', done: false, skipped: status });
      } else if (ctx.dryRun) {
        actions.push({
          ...instanceBase,
          action: 'DeleteDBInstance',
          done: false,
          dryRun: true,
          skipped: 'dry run',
        });
      } else {
        await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: instance }));
        actions.push({ ...instanceBase, action: 'DeleteDBInstance', done: true });
      }
    }
    if (ctx.dryRun) {
      actions.push({ ...base, action: 'DeleteDBCluster', done: false, dryRun: true, skipped: 'dry run' });
      return { status: 'Succeeded', actions };
    }
    return {
      status: 'continue',
      state: undefined,
      actions,
      reason: `waiting for the instances of cluster ${id} to be deleted`,
    };
  }
  if (cluster.Status !== 'available' && cluster.Status !== 'stopped') {
    return pending(
      note('none', cluster.Status ?? 'unknown'),
      `cluster ${id} is ${cluster.Status}; it can be deleted once available`,
    );
  }
  if (ctx.dryRun) return dry('DeleteDBCluster');
  const stamp = new Date(ctx.now())
    .toISOString()
    .replace(/[^0-9]/g, '')
    .slice(0, 14);
  try {
    await rds.send(
      new DeleteDBClusterCommand({
        DBClusterIdentifier: id,
        SkipFinalSnapshot: database.skipFinalSnapshot,
        ...(database.skipFinalSnapshot ? {} : { FinalDBSnapshotIdentifier: `${id}-final-${stamp}` }),
      }),
    );
  } catch (error) {
    const name = awsErrorName(error);
    if (name === 'DBClusterNotFoundFault')
      return { status: 'Succeeded', actions: [note('none', 'cluster does not exist')] };
    if (name !== 'InvalidDBClusterStateFault') throw error;
    return pending(note('DeleteDBCluster', 'cluster busy'), `cluster ${id} is busy; retrying`);
  }
  return pending({ ...base, action: 'DeleteDBCluster', done: true }, `cluster ${id} is being deleted`);
}
