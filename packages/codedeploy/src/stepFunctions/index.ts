/**
 * `@bg-replay/codedeploy/step-functions`: the sharded validation on AWS Step Functions. The state machine's
 * definition and IAM policies, for infrastructure code, and the hand-off that lets the validation hook start
 * it when a run would not fit one Lambda invocation. The shard and merge functions are ready-made bundles of
 * the repository (`apps/hook-lambdas`).
 *
 * @example
 * import { createStateMachineDefinition } from '@bg-replay/codedeploy/step-functions';
 *
 * const { definition } = createStateMachineDefinition({ maxShards: 8 });
 *
 * @packageDocumentation
 */

export type { ValidationHookConfig } from '../validationHookConfig.js';
export {
  type AslDefinition,
  createStateMachineDefinition,
  type StateMachineDefinition,
  type StateMachineDefinitionOptions,
} from './createStateMachineDefinition.js';
export {
  createStateMachineHandOff,
  type HandOffContext,
  type HandOffDecision,
  type StateMachineHandOffOptions,
} from './createStateMachineHandOff.js';
export {
  createStateMachinePolicy,
  type PolicyDocument,
  type StateMachinePolicies,
  type StateMachinePolicyOptions,
} from './createStateMachinePolicy.js';
export type { ExecutionMode } from './decideExecutionMode.js';
