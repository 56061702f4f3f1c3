import { BgReplayError } from '@bg-replay/core';

/** Placeholders left in the definition when no ARN is given (CloudFormation, CDK and Terraform substitute `${Name}`). */
export function placeholderOf(name: string): string {
  return `\${${name}}`;
}
export const SHARD_FUNCTION_PLACEHOLDER = placeholderOf('ShardFunctionArn');
export const MERGE_FUNCTION_PLACEHOLDER = placeholderOf('MergeFunctionArn');

/**
 * Most iterations an inline Map runs at once; more shards than this need a Distributed Map
 * (Step Functions developer guide, "Map state": inline concurrency is limited to 40).
 */
export const INLINE_MAP_MAX_CONCURRENCY = 40;

/** CodeDeploy fails a hook it hears nothing from within one hour; the machine must report well before. */
export const HOOK_WINDOW_SECONDS = 3600;

/** Options of {@link createStateMachineDefinition}. */
export interface StateMachineDefinitionOptions {
  /** ARN of the shard function (default: the `${ShardFunctionArn}` placeholder). */
  shardFunctionArn?: string;
  /** ARN of the function that resolves the window and merges (default: the `${MergeFunctionArn}` placeholder). */
  mergeFunctionArn?: string;
  /** Most shards one execution runs (default 10); above 40 the Map runs in Distributed mode. */
  maxShards?: number;
  /** Time one shard may run (default 840 s; Lambda stops at 900 s). */
  shardTimeoutSeconds?: number;
  /** Budget of the whole execution, inside the hook's hour (default 3300 s: 55 minutes). */
  budgetSeconds?: number;
}

/** Seconds the states around the Map may take at most: resolve, merge, and two attempts at reporting. */
const RESOLVE_TIMEOUT = 60;
const MERGE_TIMEOUT = 300;
const REPORT_TIMEOUT = 30;

/** The Lambda errors Step Functions recommends retrying (transient service faults, not the function's own). */
const LAMBDA_TRANSIENT = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** An Amazon States Language document (the subset this module writes). */
export type AslDefinition = {
  Comment: string;
  StartAt: string;
  TimeoutSeconds: number;
  States: Record<string, Record<string, unknown>>;
};

/** The definition and what it promises about time. */
export interface StateMachineDefinition {
  definition: AslDefinition;
  /** Whether the shard Map runs inline or as a Distributed Map. */
  mapMode: 'INLINE' | 'DISTRIBUTED';
  /** Longest any path takes to reach the status report (so a hook can check it fits its remaining hour). */
  worstCaseSeconds: number;
}

/**
 * A Lambda task naming the function itself as the resource: the state gets the function's result as is
 * (`arn:aws:states:::lambda:invoke` would wrap it in `Payload`, which a `ResultPath` cannot unwrap).
 */
function lambdaTask(
  functionArn: string,
  payload: Record<string, unknown>,
  timeoutSeconds: number,
  rest: Record<string, unknown>,
): Record<string, unknown> {
  return {
    Type: 'Task',
    Resource: functionArn,
    Parameters: payload,
    TimeoutSeconds: timeoutSeconds,
    Retry: [{ ErrorEquals: LAMBDA_TRANSIENT, IntervalSeconds: 2, MaxAttempts: 2, BackoffRate: 2 }],
    ...rest,
  };
}

/** A status report through the Step Functions AWS SDK integration for CodeDeploy. */
function reportTask(status: string | { path: string }, next: string): Record<string, unknown> {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::aws-sdk:codedeploy:putLifecycleEventHookExecutionStatus',
    Parameters: {
      'DeploymentId.$': '$.deploymentId',
      'LifecycleEventHookExecutionId.$': '$.lifecycleEventHookExecutionId',
      ...(typeof status === 'string' ? { Status: status } : { 'Status.$': status.path }),
    },
    ResultPath: null,
    TimeoutSeconds: REPORT_TIMEOUT,
    Retry: [
      {
        ErrorEquals: ['CodeDeploy.ThrottlingException', 'States.Timeout'],
        IntervalSeconds: 1,
        MaxAttempts: 1,
        BackoffRate: 2,
      },
    ],
    // A duplicate report (the hook retried, or an operator reported by hand) is not a failure of this run.
    Catch: [
      { ErrorEquals: ['CodeDeploy.LifecycleEventAlreadyCompletedException'], Next: next, ResultPath: null },
      // Anything else (no permission, deployment gone) cannot be reported: the execution says so and ends.
      { ErrorEquals: ['States.ALL'], Next: 'ReportNotDelivered', ResultPath: '$.reportError' },
    ],
    Next: next,
  };
}

/**
 * Writes the Step Functions state machine a validation hook hands long runs to: resolve the window and the
 * shard plan → a Map over the shards (each a Lambda running the engine on `shard i/N`, writing its report to
 * S3; a shard that fails or times out is recorded, not fatal) → an exact merge → the status reported to
 * CodeDeploy with `PutLifecycleEventHookExecutionStatus`. Every state has a timeout and every failure is
 * caught into a `Failed` report, so each path reports within `worstCaseSeconds`, inside the hook's hour.
 *
 * @example
 * const { definition } = createStateMachineDefinition({ maxShards: 8 });
 * writeFileSync('bg-replay-validation.asl.json', JSON.stringify(definition, null, 2));
 */
export function createStateMachineDefinition(
  options: StateMachineDefinitionOptions = {},
): StateMachineDefinition {
  const maxShards = options.maxShards ?? 10;
  const shardTimeout = options.shardTimeoutSeconds ?? 840;
  const budget = options.budgetSeconds ?? 3300;
  if (!Number.isInteger(maxShards) || maxShards < 1 || maxShards > 10_000) {
    throw new BgReplayError('E_USAGE', `--max-shards ${maxShards}: expected an integer 1..10000`);
  }
  if (!Number.isInteger(shardTimeout) || shardTimeout < 10 || shardTimeout > 900) {
    throw new BgReplayError(
      'E_USAGE',
      `--shard-timeout ${shardTimeout}: expected whole seconds 10..900 (a Lambda runs at most 900 s)`,
    );
  }
  const mapMode = maxShards > INLINE_MAP_MAX_CONCURRENCY ? 'DISTRIBUTED' : 'INLINE';
  // Every shard runs at once (a Distributed Map up to its own concurrency), so the Map takes one shard's
  // time. A timeout is not retried; the retried Lambda errors are failed invokes, which add their waits.
  const lambdaRetrySeconds = 2 + 4;
  const worstCaseSeconds =
    RESOLVE_TIMEOUT + shardTimeout + MERGE_TIMEOUT + 3 * lambdaRetrySeconds + 2 * (REPORT_TIMEOUT + 1);
  if (worstCaseSeconds > budget || budget > HOOK_WINDOW_SECONDS - 60) {
    throw new BgReplayError(
      'E_USAGE',
      `the state machine can take ${worstCaseSeconds} s to report, more than its budget of ${budget} s ` +
        `(at most ${HOOK_WINDOW_SECONDS - 60} s inside CodeDeploy's hour): lower --shard-timeout`,
    );
  }
  const shardArn = options.shardFunctionArn ?? SHARD_FUNCTION_PLACEHOLDER;
  const mergeArn = options.mergeFunctionArn ?? MERGE_FUNCTION_PLACEHOLDER;

  const shardProcessor = {
    ...(mapMode === 'DISTRIBUTED'
      ? { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } }
      : { ProcessorConfig: { Mode: 'INLINE' } }),
    StartAt: 'RunShard',
    States: {
      RunShard: lambdaTask(shardArn, { 'item.$': '$.item', 'shard.$': '$.shard' }, shardTimeout, {
        // A shard that throws or runs out of time becomes a recorded failure: the merge turns it into
        // an inconclusive run and a Failed report, never a pass.
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'ShardFailed' }],
        End: true,
      }),
      ShardFailed: {
        Type: 'Pass',
        Parameters: {
          'index.$': '$.item.index',
          failed: true,
          'error.$': '$.error.Error',
          'cause.$': '$.error.Cause',
        },
        End: true,
      },
    },
  };

  const definition: AslDefinition = {
    Comment:
      'bg-replay validation: resolve the window, replay N shards, merge them exactly, report to CodeDeploy',
    StartAt: 'ResolveWindow',
    // A backstop only: every state below has its own timeout and reports before this is reached.
    TimeoutSeconds: HOOK_WINDOW_SECONDS - 60,
    States: {
      ResolveWindow: lambdaTask(mergeArn, { task: 'plan', 'input.$': '$' }, RESOLVE_TIMEOUT, {
        ResultPath: '$.plan',
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'ReportFailed' }],
        Next: 'Shards',
      }),
      Shards: {
        Type: 'Map',
        ItemsPath: '$.plan.items',
        // The settings every shard shares are kept once in the state and joined to each item here.
        ItemSelector: { 'item.$': '$$.Map.Item.Value', 'shard.$': '$.plan.shard' },
        MaxConcurrency: maxShards,
        ...(mapMode === 'DISTRIBUTED' ? { Label: 'Shards', ToleratedFailurePercentage: 100 } : {}),
        ItemProcessor: shardProcessor,
        ResultPath: '$.results',
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'ReportFailed' }],
        Next: 'Merge',
      },
      Merge: lambdaTask(
        mergeArn,
        {
          task: 'merge',
          'deploymentId.$': '$.deploymentId',
          'lifecycleEventHookExecutionId.$': '$.lifecycleEventHookExecutionId',
          'plan.$': '$.plan',
          'results.$': '$.results',
        },
        MERGE_TIMEOUT,
        {
          ResultPath: '$.merged',
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'ReportFailed' }],
          Next: 'ReportVerdict',
        },
      ),
      ReportVerdict: reportTask({ path: '$.merged.status' }, 'Reported'),
      Reported: {
        Type: 'Choice',
        Choices: [{ Variable: '$.merged.status', StringEquals: 'Succeeded', Next: 'Passed' }],
        Default: 'VerdictFailed',
      },
      Passed: { Type: 'Succeed' },
      VerdictFailed: {
        Type: 'Fail',
        Error: 'BgReplay.VerdictFailed',
        Cause:
          'the validation verdict did not pass; Failed was reported to CodeDeploy (see the merged report)',
      },
      ReportFailed: reportTask('Failed', 'RunFailed'),
      ReportNotDelivered: {
        Type: 'Fail',
        Error: 'BgReplay.ReportNotDelivered',
        Cause:
          'PutLifecycleEventHookExecutionStatus failed: check the role has codedeploy:PutLifecycleEventHookExecutionStatus; CodeDeploy fails the hook at its timeout',
      },
      RunFailed: {
        Type: 'Fail',
        Error: 'BgReplay.RunFailed',
        Cause: 'a step of the validation failed or timed out; Failed was reported to CodeDeploy',
      },
    },
  };
  return { definition, mapMode, worstCaseSeconds };
}
