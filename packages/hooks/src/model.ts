import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Logger } from '@bg-replay/core';
import type { Dispatcher } from 'undici';
import type { StackId, StacksConfig } from './stacksConfig.js';
import type { StateStore } from './stateStore.js';

/** The AWS SDK v3 clients the steps use. Only `ssm` is always needed; a step names the client it lacks. */
export interface HookClients {
  ssm: SSMClient;
  autoScaling?: ApplicationAutoScalingClient;
  eventBridge?: EventBridgeClient;
  lambda?: LambdaClient;
  sns?: SNSClient;
  sqs?: SQSClient;
  dynamodb?: DynamoDBClient;
  rds?: RDSClient;
  ecs?: ECSClient;
}

/** Lifecycle events that have a preset. */
export type HookName = 'BeforeInstall' | 'AfterInstall' | 'BeforeAllowTraffic' | 'AfterAllowTraffic';

/** Kinds of step, in the words `bg-replay plan` prints. */
export type StepKind =
  | 'flip-active-stack'
  | 'raise-capacity'
  | 'restore-capacity'
  | 'park-capacity'
  | 'enable-event-source'
  | 'disable-event-source'
  | 'run-migration'
  | 'publish-seed'
  | 'wait-ready'
  | 'purge-queue'
  | 'delete-database';

/**
 * What a step did, or would do in a dry run, to one resource. `done` is true only when a call that changes
 * state was made; `skipped` says why nothing was needed or allowed.
 */
export interface Action {
  step: StepKind;
  stack: StackId;
  resource: string;
  /** The AWS operation (`EnableRule`, `PurgeQueue`...) or `none`. */
  action: string;
  done: boolean;
  skipped?: string;
  /** True when a dry run stopped before the call. */
  dryRun?: boolean;
  /** True when the live-stack guard refused the step. */
  refused?: boolean;
  /**
   * Why the step failed, when a failure after the pointer flip was recorded instead of failing the hook
   * (a `Failed` AfterAllowTraffic could roll traffic back onto the stack the step touched).
   */
  error?: string;
}

/**
 * What a preset adds to every `StepResult` of `@bg-replay/core/hooks` it returns, whether of one pass of a step
 * on one resource or of a whole run: the actions taken, the failures recorded after the pointer flip instead of
 * failing (see `DriveOptions.tolerateFrom`), and the stack the run acts on once it is known.
 *
 * One pass of a step is a `StepResult<undefined, PresetActions>`: `Succeeded` (nothing left to do), `continue`
 * (check again later: a table being deleted, a task running; running the step again is always safe, so it
 * carries no state) or `Failed`.
 */
export interface PresetActions {
  actions: Action[];
  problems?: string[];
  /** The stack the run acts on: the deployment's target, or the idle stack a teardown tears down. */
  target?: StackId;
}

/** Everything a step may use; built by the preset runner or by hand for a single step. */
export interface StepContext {
  config: StacksConfig;
  clients: HookClients;
  store: StateStore;
  /** Identifies one deployment (CodeDeploy's DeploymentId); per-run records are keyed by it. */
  runId: string;
  dryRun: boolean;
  logger: Logger;
  now: () => number;
  /** undici dispatcher for HTTP readiness probes (tests pass a MockAgent). */
  dispatcher?: Dispatcher;
  /**
   * In a dry run, the pointer value the flip would have written, so later steps are judged against the
   * stack that will be live rather than refused for the flip that did not happen.
   */
  assumedActive?: StackId;
}
