export type { HookStep, HookStepContext, StepResult } from '@bg-replay/core/hooks';
export type { AwsSdkImporters } from './_loadAwsSdk.js';
export {
  type AppSpec,
  type BuiltAppSpec,
  bareFunctionName,
  buildAppSpec,
  type EcsAppSpecInput,
  type EcsServiceProperties,
  findHookEvents,
  type LambdaAppSpecInput,
  type LambdaFunctionProperties,
  parseAppSpec,
} from './appSpec.js';
export { type AwsClientOptions, type AwsClients, createAwsClients } from './createAwsClients.js';
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
export { createJsonLogger, type JsonLogger, type JsonLoggerOptions } from './createJsonLogger.js';
export { createLambdaInvoker } from './createLambdaInvoker.js';
export {
  createValidationHook,
  type ValidateFn,
  type ValidationHookDeps,
  type ValidationReportLike,
  type ValidationRunOptions,
} from './createValidationHook.js';
export { memoizeLoad } from './memoizeLoad.js';
export { readSsmText } from './readSsmText.js';
export {
  type DeploymentContext,
  type ResolveDeploymentContextOptions,
  resolveDeploymentContext,
} from './resolveDeploymentContext.js';
export {
  type ContinuationPayload,
  ECS_LIFECYCLE_EVENTS,
  type HookEvent,
  type HookPlatform,
  type HookStatus,
  LAMBDA_LIFECYCLE_EVENTS,
  type LambdaContextLike,
  type LambdaHandler,
  type LifecycleEventName,
  type NowFn,
  type SleepFn,
} from './types.js';
export {
  type LoadValidationHookConfigOptions,
  loadValidationHookConfig,
  type ValidationHookConfig,
  type ValidationHookConfigInput,
  validationHookConfigSchema,
} from './validationHookConfig.js';
export {
  type DeploymentOutcome,
  describeDeploymentStatus,
  readDeploymentStatus,
  type WaitEvent,
  type WaitForDeploymentOptions,
  type WaitResult,
  type WaitStage,
  waitForDeployment,
} from './waitForDeployment.js';
