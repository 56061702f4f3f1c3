/**
 * `@bg-replay/core/hooks`: the one vocabulary of lifecycle hooks — {@link HookStep}, its context and its
 * {@link StepResult} — shared by the Lambda runtime of `@bg-replay/codedeploy`, the presets of
 * `@bg-replay/hooks` and the ready-made hook Lambdas. Write a `HookStep` against these types and hand it to
 * `createHookHandler` of `@bg-replay/codedeploy`.
 *
 * @example
 * import type { HookStep } from '@bg-replay/core/hooks';
 * const step: HookStep = async ({ deployment }) => ({ status: 'Succeeded', message: deployment.deploymentId });
 */

export type { HookDeployment, HookStep, HookStepContext, StepResult } from './hooks/hookStep.js';
export type { Logger } from './logger.js';
