/**
 * `@bg-replay/codedeploy`: bg-replay on CodeDeploy. A hook runtime that always reports its status
 * (`createHookHandler`), the validation hook (`createValidationHook` with `loadValidationHookConfig`), the CI
 * wait (`waitForDeployment`) and deployment creation (`buildAppSpec`, `createDeployment`). The sharded
 * validation on Step Functions is `@bg-replay/codedeploy/step-functions`. What the CLI and the ready-made
 * functions share beyond that is in `@bg-replay/codedeploy/internal`, which semver does not cover.
 *
 * @example
 * import { createHookHandler, createValidationHook, loadValidationHookConfig } from '@bg-replay/codedeploy';
 *
 * export const handler = createHookHandler(
 *   createValidationHook(loadValidationHookConfig({ env: process.env, optionalFiles: ['bg-replay.config.json'] })),
 *   { name: 'validate' },
 * );
 *
 * @packageDocumentation
 */

export type { HookStep, HookStepContext, StepResult } from '@bg-replay/core/hooks';
export type { AwsSdkImporters } from './_loadAwsSdk.js';
export {
  type AppSpec,
  type BuiltAppSpec,
  buildAppSpec,
  type EcsAppSpecInput,
  type EcsServiceProperties,
  type LambdaAppSpecInput,
  type LambdaFunctionProperties,
} from './appSpec.js';
export type { AwsClientOptions, AwsClients } from './createAwsClients.js';
export {
  type CreateDeploymentOptions,
  type CreatedDeployment,
  createDeployment,
} from './createDeployment.js';
export {
  createHookHandler,
  type HookHandlerOptions,
  type HookOutcome,
  type LambdaHookRuntime,
} from './createHookHandler.js';
export { createLambdaInvoker } from './createLambdaInvoker.js';
export {
  createValidationHook,
  type ValidateFn,
  type ValidationHookDeps,
  type ValidationReportLike,
  type ValidationRunOptions,
} from './createValidationHook.js';
export type { DeploymentContext } from './resolveDeploymentContext.js';
export type { HandOffContext, HandOffDecision } from './stepFunctions/createStateMachineHandOff.js';
export type {
  ContinuationPayload,
  HookEvent,
  HookPlatform,
  HookStatus,
  LambdaContextLike,
  LambdaHandler,
  LifecycleEventName,
  NowFn,
  SleepFn,
} from './types.js';
export {
  type HookRunValidateOptions,
  type LoadValidationHookConfigOptions,
  loadValidationHookConfig,
  type ValidationHookConfig,
  type ValidationHookConfigInput,
  validationHookConfigSchema,
} from './validationHookConfig.js';
export {
  type DeploymentOutcome,
  type WaitEvent,
  type WaitForDeploymentOptions,
  type WaitResult,
  type WaitStage,
  waitForDeployment,
} from './waitForDeployment.js';
