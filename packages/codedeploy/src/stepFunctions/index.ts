export {
  type AslDefinition,
  createStateMachineDefinition,
  HOOK_WINDOW_SECONDS,
  INLINE_MAP_MAX_CONCURRENCY,
  MERGE_FUNCTION_PLACEHOLDER,
  placeholderOf,
  SHARD_FUNCTION_PLACEHOLDER,
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
export {
  decideExecutionMode,
  type ExecutionMode,
  type ExecutionModeInput,
  estimateValidationMs,
  type ValidationSizeInput,
} from './decideExecutionMode.js';
export {
  type FailedShard,
  type MergeTaskDeps,
  type MergeTaskInput,
  type MergeTaskResult,
  mergeShardsTask,
} from './mergeShardsTask.js';
export {
  planShards,
  type ShardItem,
  type ShardPlan,
  type ShardSettings,
  type ShardTaskInput,
  type ValidationExecutionInput,
} from './planShards.js';
export { runShardTask, type ShardResult, type ShardTaskDeps } from './runShardTask.js';
export {
  executionNameOf,
  type StartedExecution,
  type StartValidationStateMachineOptions,
  startValidationStateMachine,
} from './startValidationStateMachine.js';
