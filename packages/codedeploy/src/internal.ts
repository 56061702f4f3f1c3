/**
 * `@bg-replay/codedeploy/internal`: what the CLI, the ready-made hook functions and the simulator share with
 * this package beyond its public entries. **Not covered by semver**: any release may change or remove these
 * names, and no API report records them. Its callers depend on this package's exact version (the public
 * packages are released together), so they always run against the internals they were built with. Users
 * import from `@bg-replay/codedeploy` and `@bg-replay/codedeploy/step-functions`.
 *
 * @example
 * // inside a bg-replay package only
 * import { mergeShardsTask } from '@bg-replay/codedeploy/internal';
 *
 * @packageDocumentation
 */

export { bareFunctionName } from './appSpec.js';
export { createAwsClients } from './createAwsClients.js';
export { createJsonLogger, type JsonLogger, type JsonLoggerOptions } from './createJsonLogger.js';
export { memoizeLoad } from './memoizeLoad.js';
export { readSsmText } from './readSsmText.js';
export { placeholderOf } from './stepFunctions/createStateMachineDefinition.js';
export {
  type FailedShard,
  type MergeTaskDeps,
  type MergeTaskInput,
  type MergeTaskResult,
  mergeShardsTask,
} from './stepFunctions/mergeShardsTask.js';
export {
  planShards,
  type ShardItem,
  type ShardPlan,
  type ShardSettings,
  type ShardTaskInput,
  type ValidationExecutionInput,
} from './stepFunctions/planShards.js';
export { runShardTask, type ShardResult, type ShardTaskDeps } from './stepFunctions/runShardTask.js';
export { ECS_LIFECYCLE_EVENTS, LAMBDA_LIFECYCLE_EVENTS } from './types.js';
export { readDeploymentStatus } from './waitForDeployment.js';
