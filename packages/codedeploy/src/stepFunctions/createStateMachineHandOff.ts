import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Logger } from '@bg-replay/core';
import { annotateAwsCalls, awsClientConfig, isLambdaTarget } from '@bg-replay/core/internal';
import { loadAwsSdk } from '../_loadAwsSdk.js';
import type { ValidationHookConfig } from '../validationHookConfig.js';
import { decideExecutionMode, type ExecutionMode, estimateValidationMs } from './decideExecutionMode.js';
import { startValidationStateMachine } from './startValidationStateMachine.js';

/** Options of {@link createStateMachineHandOff}. */
export interface StateMachineHandOffOptions {
  /** The validation state machine; without it every run stays inline (and says when it may not fit). */
  stateMachineArn?: string;
  /** Shards an execution runs (default 4). */
  shards?: number;
  /** `createStateMachineDefinition().worstCaseSeconds`, to check the machine fits the hook's hour. */
  worstCaseSeconds?: number;
  /** Default: a client from the optional `@aws-sdk/client-sfn`, made when the hook first hands off. */
  sfn?: Pick<SFNClient, 'send'>;
  now?: () => number;
}

/** What the validation hook passes when it asks. */
export interface HandOffContext {
  config: ValidationHookConfig;
  deploymentId: string;
  lifecycleEventHookExecutionId: string;
  lifecycleEvent?: string;
  /** Time this invocation has left (the step's `remainingMs()`). */
  remainingMs: number;
  /** When the hook execution started (the hour is counted from there). */
  startedAt: Date;
  logger: Logger;
}

/** `handedOff`: the state machine now owns the report, the hook must not report. `inline`: run here. */
export type HandOffDecision =
  | { status: 'inline'; mode: ExecutionMode }
  | { status: 'handedOff'; mode: ExecutionMode; message: string };

const HOUR_MS = 3_600_000;

/**
 * The decision the validation hook makes before it replays: estimate the run, and either replay inline or
 * start the Step Functions state machine (which then reports to CodeDeploy itself). The decision and its
 * reason are logged either way.
 *
 * @example
 * const handOff = createStateMachineHandOff({ stateMachineArn, shards: 8, sfn: new SFNClient({}) });
 * const decision = await handOff({ config, deploymentId, lifecycleEventHookExecutionId, remainingMs, startedAt, logger });
 * if (decision.status === 'handedOff') return; // nothing to report here
 */
export function createStateMachineHandOff(
  options: StateMachineHandOffOptions,
): (context: HandOffContext) => Promise<HandOffDecision> {
  const now = options.now ?? Date.now;
  let sfn = options.sfn;
  return async (context) => {
    const { config } = context;
    // Shards replay base URLs; a Lambda deployment compared by its two versions (no live/candidate, or
    // lambda:// targets) runs inline.
    const lambdaRun =
      !(config.live && config.candidate) || isLambdaTarget(config.live) || isLambdaTarget(config.candidate);
    const mode = decideExecutionMode({
      expectedMs: estimateValidationMs({
        ...(config.sample !== undefined ? { sample: config.sample } : {}),
        ...(config.rps !== undefined ? { rps: config.rps } : {}),
        ...(config.concurrency !== undefined ? { concurrency: config.concurrency } : {}),
        ...(config.noiseProbe !== undefined ? { noiseProbe: config.noiseProbe } : {}),
      }),
      remainingMs: context.remainingMs,
      hourRemainingMs: context.startedAt.getTime() + HOUR_MS - now(),
      stateMachineConfigured: Boolean(options.stateMachineArn) && !lambdaRun,
      ...(options.stateMachineArn && lambdaRun
        ? {
            stateMachineUnavailable:
              'the state machine (stateMachineArn) cannot take it: shards replay base URLs, and this run invokes Lambda versions',
          }
        : {}),
      ...(options.worstCaseSeconds ? { stateMachineWorstCaseMs: options.worstCaseSeconds * 1000 } : {}),
    });
    if (mode.mode === 'inline') {
      (mode.fits ? context.logger.info : context.logger.warn).call(context.logger, 'validation runs inline', {
        reason: mode.reason,
      });
      return { status: 'inline', mode };
    }
    const shards = options.shards ?? 4;
    if (!sfn) {
      const sdk = await loadAwsSdk(
        'sfn',
        `stateMachineArn ${options.stateMachineArn} (BG_REPLAY_STATE_MACHINE_ARN)`,
      );
      sfn = annotateAwsCalls(new sdk.SFNClient(awsClientConfig()), 'states');
    }
    const started = await startValidationStateMachine({
      sfn,
      stateMachineArn: options.stateMachineArn as string,
      deploymentId: context.deploymentId,
      lifecycleEventHookExecutionId: context.lifecycleEventHookExecutionId,
      ...(context.lifecycleEvent ? { lifecycleEvent: context.lifecycleEvent } : {}),
      config,
      shards,
      now,
    });
    const message = `validation handed off to ${shards} shards in state machine execution ${started.executionArn ?? started.name}${started.alreadyStarted ? ' (already started by an earlier invocation)' : ''}: ${mode.reason}`;
    context.logger.info('validation handed off to Step Functions', {
      reason: mode.reason,
      execution: started.executionArn ?? started.name,
      shards,
      alreadyStarted: started.alreadyStarted,
    });
    return { status: 'handedOff', mode, message };
  };
}
