import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import {
  createJsonLogger,
  runShardTask,
  type ShardResult,
  type ShardTaskDeps,
  type ShardTaskInput,
} from '@bg-replay/codedeploy/internal';

/**
 * The shard function of the validation state machine: one `shard i/N` of the replay, its report to S3.
 *
 * @example
 * export const handler = createShardHandler({ s3: new S3Client({}), baseDir: __dirname });
 */
export function createShardHandler(deps: ShardTaskDeps): (event: ShardTaskInput) => Promise<ShardResult> {
  return (event) => runShardTask(event, deps);
}

/** Lambda entry point (`index.handler`). */
export const handler = createShardHandler({
  s3: new S3Client({}),
  baseDir: dirname(fileURLToPath(import.meta.url)),
  env: process.env,
  logger: createJsonLogger(),
});
