import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createHookHandler,
  createValidationHook,
  type HookHandlerOptions,
  loadValidationHookConfig,
  type ValidationHookDeps,
} from '@bg-replay/codedeploy';
import { memoizeLoad } from '@bg-replay/codedeploy/internal';

/** Config files looked for next to the bundle (first found wins; env and SSM override). */
export const CONFIG_FILES = ['bg-replay.config.json', 'bg-replay.config.yaml', 'bg-replay.config.yml'];

/** Options of {@link createValidateHandler} (tests inject clients and `validate`). */
export interface ValidateHandlerOptions {
  env: Record<string, string | undefined>;
  baseDir: string;
  handler?: Omit<HookHandlerOptions, 'name'>;
  deps?: ValidationHookDeps;
}

/**
 * The ready-made validation hook: configuration is loaded at cold start and kept once loaded (bundled file, SSM parameter
 * named by BG_REPLAY_CONFIG_SSM_PARAMETER, BG_REPLAY_* variables, later wins); a bad configuration is reported as
 * `Failed` with the message on every invocation instead of hanging the deployment. With `stateMachineArn` it
 * estimates the run and replays inline when it fits in this invocation, else starts the state machine, which
 * reports in its place. `handler.clients.s3` also writes the report.
 *
 * @example
 * export const handler = createValidateHandler({ env: process.env, baseDir: __dirname });
 */
export function createValidateHandler(options: ValidateHandlerOptions) {
  // A failed load is reported as Failed by the step, and tried again on the next invocation.
  const config = memoizeLoad(() =>
    loadValidationHookConfig({ env: options.env, baseDir: options.baseDir, optionalFiles: CONFIG_FILES }),
  );
  const s3 = options.handler?.clients?.s3;
  // With stateMachineArn set the step decides by itself: inline, or hand off to the state machine.
  const step = createValidationHook(config, {
    baseDir: options.baseDir,
    env: options.env,
    ...(s3 ? { s3 } : {}),
    ...options.deps,
  });
  return createHookHandler(step, {
    name: 'validate',
    ...options.handler,
  });
}

/** Lambda entry point (`index.handler`). */
export const handler = createValidateHandler({
  env: process.env,
  baseDir: dirname(fileURLToPath(import.meta.url)),
});
