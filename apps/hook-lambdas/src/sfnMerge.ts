import { S3Client } from '@aws-sdk/client-s3';
import {
  createJsonLogger,
  type MergeTaskDeps,
  type MergeTaskInput,
  type MergeTaskResult,
  mergeShardsTask,
  planShards,
  type ShardPlan,
  type ValidationExecutionInput,
} from '@bg-replay/codedeploy/internal';

/** The two states this function serves: ResolveWindow (`plan`) and Merge (`merge`). */
export type MergeFunctionEvent =
  | { task: 'plan'; input: ValidationExecutionInput }
  | ({ task: 'merge' } & MergeTaskInput);

/**
 * The plan-and-merge function of the validation state machine: resolves the window and the shard plan
 * before the Map, and merges the shard reports exactly after it.
 *
 * @example
 * export const handler = createMergeHandler({ s3: new S3Client({}) });
 */
export function createMergeHandler(
  deps: MergeTaskDeps,
): (event: MergeFunctionEvent) => Promise<ShardPlan | MergeTaskResult> {
  return async (event) => {
    if (event.task === 'plan') return planShards(event.input);
    if (event.task === 'merge') return mergeShardsTask(event, deps);
    throw new Error(
      `unknown task ${JSON.stringify((event as { task?: unknown }).task)}: expected plan or merge`,
    );
  };
}

/** Lambda entry point (`index.handler`). */
export const handler = createMergeHandler({ s3: new S3Client({}), logger: createJsonLogger() });
