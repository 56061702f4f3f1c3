import type { SFNClient } from '@aws-sdk/client-sfn';
import { loadAwsSdk } from '../_loadAwsSdk.js';
import type { ValidationHookConfig } from '../validationHookConfig.js';
import type { ValidationExecutionInput } from './planShards.js';

/** Options of {@link startValidationStateMachine}. */
export interface StartValidationStateMachineOptions {
  sfn: Pick<SFNClient, 'send'>;
  stateMachineArn: string;
  deploymentId: string;
  lifecycleEventHookExecutionId: string;
  lifecycleEvent?: string;
  config: ValidationHookConfig;
  shards: number;
  now?: () => number;
}

/** The execution that now owns the hook's report. */
export interface StartedExecution {
  name: string;
  executionArn?: string;
  /** True when a duplicate hook invocation found the execution already started. */
  alreadyStarted: boolean;
}

/** Execution names allow 1..80 of `[A-Za-z0-9-_]`. */
export function executionNameOf(deploymentId: string, hookExecutionId: string): string {
  return `bg-replay-${deploymentId}-${hookExecutionId}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80);
}

/**
 * Starts the validation state machine for one hook execution. The execution is named after the deployment
 * and the hook execution, so a duplicate hook invocation finds it (`ExecutionAlreadyExists`) instead of
 * starting a second replay against live.
 *
 * @example
 * await startValidationStateMachine({ sfn: new SFNClient({}), stateMachineArn, deploymentId, lifecycleEventHookExecutionId, config, shards: 8 });
 */
export async function startValidationStateMachine(
  options: StartValidationStateMachineOptions,
): Promise<StartedExecution> {
  const { StartExecutionCommand } = await loadAwsSdk(
    'sfn',
    `handing off to state machine ${options.stateMachineArn}`,
  );
  const name = executionNameOf(options.deploymentId, options.lifecycleEventHookExecutionId);
  const input: ValidationExecutionInput = {
    deploymentId: options.deploymentId,
    lifecycleEventHookExecutionId: options.lifecycleEventHookExecutionId,
    ...(options.lifecycleEvent ? { lifecycleEvent: options.lifecycleEvent } : {}),
    config: options.config,
    shards: options.shards,
    requestedAt: new Date((options.now ?? Date.now)()).toISOString(),
  };
  try {
    const out = await options.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: options.stateMachineArn,
        name,
        input: JSON.stringify(input),
      }),
    );
    return { name, ...(out.executionArn ? { executionArn: out.executionArn } : {}), alreadyStarted: false };
  } catch (error) {
    if ((error as { name?: string } | null)?.name === 'ExecutionAlreadyExists') {
      return { name, alreadyStarted: true };
    }
    throw error;
  }
}
