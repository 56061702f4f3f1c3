import { S3Client } from '@aws-sdk/client-s3';
import {
  type FailedShard,
  type MergeTaskInput,
  type MergeTaskResult,
  mergeShardsTask,
  planShards,
  runShardTask,
  type ShardPlan,
  type ShardResult,
  type ShardTaskInput,
  type ValidationExecutionInput,
} from '@bg-replay/codedeploy/internal';
import { createStateMachineDefinition } from '@bg-replay/codedeploy/step-functions';
import type { Logger, ValidateOptions } from '@bg-replay/core';
import { silentLogger } from '@bg-replay/core/internal';
import type { HarnessClients, SimStateMachine } from './runLifecycle.js';
import type { LocalExecutionEvent } from './runStateMachineLocally.js';

/** Function names of the two bundles of `apps/hook-lambdas` the validation state machine invokes. */
export const VALIDATION_FUNCTIONS = {
  shard: 'CodeDeployHook_sfn_shard',
  merge: 'CodeDeployHook_sfn_merge',
} as const;

/** The state machine ARN of the simulated account. */
export const VALIDATION_STATE_MACHINE_ARN =
  'arn:aws:states:us-east-1:000000000000:stateMachine:bg-replay-validation';

/** Options of {@link createValidationStateMachine}. */
export interface ValidationStateMachineOptions {
  arn?: string;
  /** Most shards an execution runs (default 10; above 40 the Map is distributed). */
  maxShards?: number;
  /** Logger of the shard and merge functions (default silent). */
  logger?: Logger;
  /** Extra engine options of every shard (tests pass an undici dispatcher). */
  engine?: Partial<ValidateOptions>;
}

type MergeFunctionEvent =
  | { task: 'plan'; input: ValidationExecutionInput }
  | ({ task: 'merge' } & MergeTaskInput);

const percent = (rate: number | null): string => (rate === null ? 'n/a' : `${(rate * 100).toFixed(1)}%`);

/** Live's rate cap as each shard has it, and where it comes from. */
function rateShare(plan: ShardPlan): string {
  const rps = plan.shard.config.rps;
  if (!rps) return 'live rate uncapped (rps 0)';
  const total = Math.round(rps * plan.total * 1000) / 1000;
  return `live ≤ ${Math.round(rps * 1000) / 1000} rps per shard (${total} rps / ${plan.total})`;
}

/**
 * Timeline lines for the validation state machine's events: the plan, each shard (records compared,
 * verdict, live rate share, report), the merge verdict and the status it reports.
 *
 * @example
 * describeValidationEvent({ type: 'StateEntered', state: { name: 'ReportFailed', input: {} } }); // ['ReportFailed: …']
 */
export function describeValidationEvent(event: LocalExecutionEvent): string[] {
  const state = event.state;
  if (!state) return [];
  const input = (state.input ?? {}) as {
    plan?: ShardPlan;
    merged?: MergeTaskResult;
    failure?: { Error?: string; Cause?: string };
  };
  const output = (state.output ?? {}) as {
    plan?: ShardPlan;
    results?: Array<ShardResult | FailedShard>;
    merged?: MergeTaskResult;
  };
  if (event.type === 'StateExited' && state.name === 'ResolveWindow' && output.plan) {
    const { plan } = output;
    return [
      `ResolveWindow: ${plan.total} shard${plan.total === 1 ? '' : 's'}, sample ≤ ${plan.shard.config.sample ?? '?'} records each, ${rateShare(plan)}`,
    ];
  }
  if (event.type === 'StateExited' && state.name === 'Shards' && output.results && output.plan) {
    const { plan } = output;
    const perShard = plan.shard.config.rps
      ? `live ≤ ${Math.round(plan.shard.config.rps * 1000) / 1000} rps`
      : 'live uncapped';
    return [...output.results]
      .sort((a, b) => a.index - b.index)
      .map((r) =>
        'failed' in r
          ? `shard ${r.index}/${plan.total}: failed, ${r.error ?? 'error'}${r.cause ? ` ${r.cause.slice(0, 160)}` : ''}`
          : `shard ${r.index}/${plan.total}: ${r.compared} records compared, verdict ${r.verdict} (match ${percent(r.matchRate)}), ${perShard} → s3://${plan.bucket}/${r.key}`,
      );
  }
  if (event.type === 'StateExited' && state.name === 'Merge' && output.merged) {
    const m = output.merged;
    return [
      `Merge: ${m.shards.finished}/${m.shards.total} shards, verdict ${m.verdict} (match ${percent(m.matchRate)}) → ${m.status}${m.report ? `; merged report ${m.report}` : ''}`,
    ];
  }
  if (event.type === 'StateEntered' && state.name === 'ReportVerdict') {
    return [`ReportVerdict: PutLifecycleEventHookExecutionStatus ${input.merged?.status ?? '?'}`];
  }
  if (event.type === 'StateEntered' && state.name === 'ReportFailed') {
    const why = input.failure
      ? ` (${input.failure.Error ?? 'error'}: ${String(input.failure.Cause ?? '').slice(0, 200)})`
      : '';
    return [`ReportFailed: PutLifecycleEventHookExecutionStatus Failed${why}`];
  }
  return [];
}

function s3Of(h: HarnessClients): S3Client {
  // Path-style URLs (`/<bucket>/<key>`): the stand-in is one loopback host, not a bucket's virtual host.
  return h.clock.instrument(
    new S3Client({
      endpoint: h.endpoint,
      region: h.region,
      credentials: h.credentials,
      forcePathStyle: true,
    }),
  );
}

/**
 * The validation state machine of `bg-replay state-machine`, ready for `runLifecycle({ stateMachines })`: the
 * generated definition, its shard and merge functions bound to core's engine and the real task handlers of
 * `@bg-replay/codedeploy/step-functions` (the same ones the Lambda bundles run) with an S3 client on the
 * stand-in, and timeline lines for each step.
 *
 * @example
 * const machine = createValidationStateMachine({ maxShards: 4 });
 * await runLifecycle({ platform: 'ECS', stateMachines: [machine], hooks });
 */
export function createValidationStateMachine(
  options: ValidationStateMachineOptions = {},
): SimStateMachine & { worstCaseSeconds: number; mapMode: 'INLINE' | 'DISTRIBUTED' } {
  const arn = options.arn ?? VALIDATION_STATE_MACHINE_ARN;
  const [, , , region = 'us-east-1', account = '000000000000'] = arn.split(':');
  const functionArn = (name: string) => `arn:aws:lambda:${region}:${account}:function:${name}`;
  const { definition, worstCaseSeconds, mapMode } = createStateMachineDefinition({
    shardFunctionArn: functionArn(VALIDATION_FUNCTIONS.shard),
    mergeFunctionArn: functionArn(VALIDATION_FUNCTIONS.merge),
    ...(options.maxShards !== undefined ? { maxShards: options.maxShards } : {}),
  });
  const logger = options.logger ?? silentLogger;
  return {
    arn,
    definition,
    worstCaseSeconds,
    mapMode,
    functions: {
      [VALIDATION_FUNCTIONS.shard]: (h) => {
        const s3 = s3Of(h);
        return (event: ShardTaskInput) =>
          runShardTask(event, { s3, logger, ...(options.engine ? { engine: options.engine } : {}) });
      },
      [VALIDATION_FUNCTIONS.merge]: (h) => {
        const s3 = s3Of(h);
        // As apps/hook-lambdas' merge function: one function resolves the window (plan) and merges.
        return async (event: MergeFunctionEvent) => {
          if (event.task === 'plan') return planShards(event.input);
          if (event.task === 'merge') return mergeShardsTask(event, { s3, logger });
          throw new Error(
            `unknown task ${JSON.stringify((event as { task?: unknown }).task)}: expected plan or merge`,
          );
        };
      },
    },
    describe: describeValidationEvent,
  };
}
