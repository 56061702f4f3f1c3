import { createHash } from 'node:crypto';
import type { StepResult } from '@bg-replay/core/hooks';
import { guardDestructive } from './activeStack.js';
import { loadHookSdk } from './loadHookSdk.js';
import type { PresetActions, StepContext } from './model.js';
import { requireClient } from './requireClient.js';
import { migrationKey, type StackId } from './stacksConfig.js';

/** What the run record `runs/<runId>/migration-<stack>` holds. */
export interface MigrationRecord {
  /** `starting`: written before `RunTask`, so a re-run sends the same client token instead of a new task. */
  status: 'starting' | 'running' | 'succeeded' | 'failed';
  taskArn?: string;
  reason?: string;
  /** The `RunTask` client token of the current attempt. */
  clientToken?: string;
  /** 1 for the first task of a run; a failed attempt is followed by attempt + 1 with a new token. */
  attempt?: number;
}

/**
 * The `RunTask` client token of an attempt: at most 64 ASCII characters (ECS), the same for every re-send of
 * one attempt, so ECS starts the task at most once within the token's 24 hours.
 */
function clientTokenOf(runId: string, stack: StackId, attempt: number): string {
  const token = `bg-replay-${runId}-${stack}-${attempt}`;
  if (token.length <= 64) return token;
  return `bg-replay-${createHash('sha256').update(token).digest('hex').slice(0, 40)}-${attempt}`;
}

/**
 * Runs the migration of `stack` once per run, one check at a time. ECS: look for a task this run started
 * (`ListTasks` by `startedBy`) and adopt it; else record `starting` with a client token, `RunTask` with that
 * token (a re-send after a crash returns the same task), remember the task ARN, then `DescribeTasks` until it
 * is `STOPPED` and every container exited 0 (`pending` meanwhile). Lambda:
 * `Invoke` with `RequestResponse`; a `FunctionError` fails the step. A succeeded record makes a re-run send
 * nothing; a failed one is retried by the next run. Refused on the live stack's database.
 *
 * @example
 * let outcome = await runMigration(ctx, 'b'); // RunTask → pending
 * outcome = await runMigration(ctx, 'b');     // DescribeTasks → pending, then done
 */
export async function runMigration(
  ctx: StepContext,
  stack: StackId,
): Promise<StepResult<undefined, PresetActions>> {
  const migration = ctx.config.stacks[stack].migration;
  if (!migration) return { status: 'Succeeded', actions: [] };
  const base = { step: 'run-migration', stack, resource: migrationKey(migration) } as const;
  const refusal = await guardDestructive(ctx, base);
  if (refusal) return { status: 'Succeeded', actions: [refusal] };
  const key = `runs/${ctx.runId}/migration-${stack}`;
  const record = await ctx.store.get<MigrationRecord>(key);
  if (record?.status === 'succeeded') {
    return {
      status: 'Succeeded',
      actions: [{ ...base, action: 'none', done: false, skipped: 'already succeeded' }],
    };
  }

  if (migration.type === 'lambda') {
    if (ctx.dryRun) {
      return {
        status: 'Succeeded',
        actions: [{ ...base, action: 'Invoke', done: false, dryRun: true, skipped: 'dry run' }],
      };
    }
    const { InvokeCommand } = await loadHookSdk('lambda', 'migration (lambda)');
    const out = await requireClient(ctx, 'lambda').send(
      new InvokeCommand({
        FunctionName: migration.functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(migration.payload ?? { stack })),
      }),
    );
    if (out.FunctionError) {
      const payload = out.Payload ? new TextDecoder().decode(out.Payload).slice(0, 500) : '';
      const reason = `migration function ${migration.functionName} failed (${out.FunctionError}): ${payload}`;
      await ctx.store.put(key, { status: 'failed', reason } satisfies MigrationRecord);
      return { status: 'Failed', actions: [{ ...base, action: 'Invoke', done: true }], reason };
    }
    await ctx.store.put(key, { status: 'succeeded' } satisfies MigrationRecord);
    return { status: 'Succeeded', actions: [{ ...base, action: 'Invoke', done: true }] };
  }

  const ecs = requireClient(ctx, 'ecs');
  const { DescribeTasksCommand, ListTasksCommand, RunTaskCommand } = await loadHookSdk(
    'ecs',
    'migration (ecs-task)',
  );
  if (record?.status === 'running' && record.taskArn) {
    const out = await ecs.send(
      new DescribeTasksCommand({ cluster: migration.cluster, tasks: [record.taskArn] }),
    );
    const task = out.tasks?.find((t) => t.taskArn === record.taskArn);
    if (task && task.lastStatus !== 'STOPPED') {
      return {
        status: 'continue',
        state: undefined,
        actions: [
          { ...base, action: 'DescribeTasks', done: false, skipped: `task ${task.lastStatus ?? 'unknown'}` },
        ],
        reason: `migration task ${record.taskArn} is ${task.lastStatus ?? 'starting'}`,
      };
    }
    if (task) {
      const containers = (task.containers ?? []).filter(
        (c) => !migration.containerName || c.name === migration.containerName,
      );
      const bad = containers.filter((c) => c.exitCode !== 0);
      if (containers.length > 0 && bad.length === 0) {
        if (!ctx.dryRun)
          await ctx.store.put(key, {
            status: 'succeeded',
            taskArn: record.taskArn,
          } satisfies MigrationRecord);
        return {
          status: 'Succeeded',
          actions: [{ ...base, action: 'DescribeTasks', done: false, skipped: 'task exited 0' }],
        };
      }
      const exits = bad.map((c) => `${c.name ?? '?'}=${c.exitCode ?? 'none'}`).join(', ');
      const reason = `migration task ${record.taskArn} stopped (${task.stopCode ?? ''} ${task.stoppedReason ?? ''}) with exit codes ${exits || 'none'}`;
      if (!ctx.dryRun)
        await ctx.store.put(key, {
          status: 'failed',
          taskArn: record.taskArn,
          reason,
        } satisfies MigrationRecord);
      return {
        status: 'Failed',
        actions: [{ ...base, action: 'DescribeTasks', done: false, skipped: 'task failed' }],
        reason,
      };
    }
    // ECS forgets stopped tasks after about an hour: fall through and run it again.
  }
  const startedBy = `bg-replay-${ctx.runId}-${stack}`.slice(0, 128);
  if (!record) {
    // No record: maybe an earlier invocation started a task and died before writing it down.
    const listed = await ecs.send(new ListTasksCommand({ cluster: migration.cluster, startedBy }));
    const adopted = listed.taskArns?.[0];
    if (adopted) {
      if (!ctx.dryRun)
        await ctx.store.put(key, {
          status: 'running',
          taskArn: adopted,
          attempt: 1,
        } satisfies MigrationRecord);
      return {
        status: 'continue',
        state: undefined,
        actions: [
          { ...base, action: 'ListTasks', done: false, skipped: `found ${adopted} started by this run` },
        ],
        reason: `migration task ${adopted} (started by this run) is running`,
      };
    }
  }
  if (ctx.dryRun) {
    return {
      status: 'Succeeded',
      actions: [{ ...base, action: 'RunTask', done: false, dryRun: true, skipped: 'dry run' }],
    };
  }
  // The same attempt keeps its token (a re-send returns the task ECS already started); a failed or
  // forgotten one gets the next.
  const attempt =
    record?.status === 'starting' ? (record.attempt ?? 1) : record ? (record.attempt ?? 1) + 1 : 1;
  const clientToken =
    record?.status === 'starting' && record.clientToken
      ? record.clientToken
      : clientTokenOf(ctx.runId, stack, attempt);
  await ctx.store.put(key, { status: 'starting', clientToken, attempt } satisfies MigrationRecord);
  const out = await ecs.send(
    new RunTaskCommand({
      cluster: migration.cluster,
      taskDefinition: migration.taskDefinition,
      count: 1,
      launchType: migration.launchType,
      startedBy,
      clientToken,
      ...(migration.subnets
        ? {
            networkConfiguration: {
              awsvpcConfiguration: {
                subnets: migration.subnets,
                securityGroups: migration.securityGroups,
                assignPublicIp: migration.assignPublicIp ? 'ENABLED' : 'DISABLED',
              },
            },
          }
        : {}),
      ...(migration.command && migration.containerName
        ? {
            overrides: {
              containerOverrides: [{ name: migration.containerName, command: migration.command }],
            },
          }
        : {}),
    }),
  );
  const taskArn = out.tasks?.[0]?.taskArn;
  if (!taskArn) {
    const failure = out.failures?.[0];
    const reason =
      `RunTask started no migration task: ${failure?.reason ?? 'no reason given'} ${failure?.detail ?? ''}`.trim();
    return {
      status: 'Failed',
      actions: [{ ...base, action: 'RunTask', done: false, skipped: 'not started' }],
      reason,
    };
  }
  await ctx.store.put(key, { status: 'running', taskArn, clientToken, attempt } satisfies MigrationRecord);
  return {
    status: 'continue',
    state: undefined,
    actions: [{ ...base, action: 'RunTask', done: true }],
    reason: `migration task ${taskArn} started`,
  };
}
