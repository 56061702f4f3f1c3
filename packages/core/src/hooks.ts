/**
 * `@bg-replay/core/hooks`: the one vocabulary of lifecycle hooks — {@link HookStep}, its context and its
 * {@link StepResult} — and the one deadline engine ({@link planInvocation}), shared by the Lambda runtime of
 * `@bg-replay/codedeploy`, the presets of `@bg-replay/hooks` and the ready-made hook Lambdas.
 *
 * @example
 * import type { HookStep } from '@bg-replay/core/hooks';
 * const step: HookStep = async ({ deployment }) => ({ status: 'Succeeded', message: deployment.deploymentId });
 */

export type { HookDeployment, HookStep, HookStepContext, StepResult } from './hooks/hookStep.js';
export {
  canContinue,
  DEFAULT_HOOK_BUDGET,
  fitsBefore,
  type HookBudget,
  type InvocationPlan,
  type InvocationStart,
  planInvocation,
  remainingBefore,
} from './hooks/planInvocation.js';
export type { Logger } from './logger.js';
