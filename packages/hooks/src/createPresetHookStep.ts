import { BgReplayError, type Logger } from '@bg-replay/core';
import type { Action, HookName } from './model.js';
import { createPresetStep, type HookDeps, isPresetHook, PRESET_HOOKS, type PresetState } from './presets.js';
import type { StacksConfig } from './stacksConfig.js';

/**
 * The part of `@bg-replay/codedeploy`'s `HookStepContext` a preset uses. Declared here, not imported, so
 * the hooks package does not depend on the runtime; the function below is a valid `HookStep` for
 * `createHookHandler`.
 */
export interface PresetRuntimeContext {
  deployment: {
    deploymentId: string;
    /** `ECS` or `Lambda` from `GetDeployment`. */
    computePlatform?: string;
    /** Every lifecycle event whose hook names this function in the AppSpec. */
    lifecycleEvents?: readonly string[];
  };
  /** The state returned by the previous invocation (undefined on the first). */
  continuation: unknown;
  /** Epoch ms by which the step must return (the runtime keeps its own reserve after it). */
  deadline: number;
  logger: Logger;
  /** Where to resume if the runtime's deadline cuts a step off (the runtime then continues from there). */
  checkpoint?: (state: PresetState) => void;
}

/** What a preset tells the hook runtime: `done` → Succeeded, `failed` → Failed, `continue` → a new invocation. */
export type PresetRuntimeResult =
  | { status: 'Succeeded'; message?: string }
  | { status: 'Failed'; reason: string }
  | { status: 'continue'; state: PresetState };

/** Options of {@link createPresetHookStep}: the runner's dependencies plus an observer of the actions. */
export interface PresetHookStepOptions extends Omit<HookDeps, 'runId' | 'logger'> {
  /** Default: the runtime's logger. */
  logger?: Logger;
  /** Called after each invocation with the actions it took (the local harness prints them). */
  onActions?: (actions: Action[]) => void;
}

/**
 * A preset hook as a step for `createHookHandler` of `@bg-replay/codedeploy`: the preset's `done` reports
 * `Succeeded`, `failed` reports `Failed` with the reason, and `continue` (a wait that outlives this
 * invocation) returns the continuation state, so the runtime carries on in a fresh invocation. The run id is
 * the CodeDeploy DeploymentId. Before acting it checks that the deployment is of the config's platform and
 * that the AppSpec names this function under `hook` (a teardown wired into BeforeInstall fails, it does not
 * run). `config` may be a promise loaded at cold start: a configuration error then reports `Failed`.
 *
 * @example
 * const step = createPresetHookStep(loadStacksConfig('stacks.yaml'), 'AfterAllowTraffic', { clients: createHookClients() });
 * export const handler = createHookHandler(step, { name: 'after-allow-traffic', lifecycleEvent: 'AfterAllowTraffic' });
 */
export function createPresetHookStep(
  config: StacksConfig | Promise<StacksConfig> | (() => Promise<StacksConfig>),
  hook: HookName,
  options: PresetHookStepOptions,
): (ctx: PresetRuntimeContext) => Promise<PresetRuntimeResult> {
  return async ({ deployment, continuation, deadline, logger, checkpoint }) => {
    const cfg = typeof config === 'function' ? await config() : await config;
    if (!isPresetHook(cfg.platform, hook)) {
      throw new BgReplayError(
        'E_CONFIG',
        `the stacks config is for ${cfg.platform}, whose presets are ${PRESET_HOOKS[cfg.platform].join(', ')}; this function runs the ${hook} preset`,
      );
    }
    const platform = deployment.computePlatform?.toLowerCase();
    if (platform && platform !== cfg.platform) {
      return {
        status: 'Failed',
        reason: `the deployment is ${deployment.computePlatform} but the stacks config (service ${cfg.service}) is for ${cfg.platform}`,
      };
    }
    const wired = deployment.lifecycleEvents ?? [];
    if (wired.length > 0 && !wired.includes(hook)) {
      return {
        status: 'Failed',
        reason: `this function runs the ${hook} preset but the AppSpec names it under ${wired.join(', ')}: wire it to ${hook} only`,
      };
    }
    const log = options.logger ?? logger;
    const { onActions, ...deps } = options;
    const step = createPresetStep(cfg, hook, { ...deps, logger: log });
    const result = await step({
      state: continuation,
      deadline,
      deploymentId: deployment.deploymentId,
      ...(checkpoint ? { checkpoint } : {}),
    });
    log.info('preset actions', {
      hook,
      status: result.status,
      actions: result.actions.map(describeAction),
    });
    onActions?.(result.actions);
    const changed = result.actions.filter((a) => a.done).length;
    switch (result.status) {
      case 'done': {
        const message = `${hook}: ${changed} change${changed === 1 ? '' : 's'}`;
        if (!result.problems?.length) return { status: 'Succeeded', message };
        // After the flip a Failed would send traffic back to the stack these steps touched: succeed, loudly.
        log.error(
          'AfterAllowTraffic: steps after the flip failed; reported Succeeded so traffic stays on the new stack',
          {
            problems: result.problems,
            remedy:
              'fix the cause, then run bg-replay teardown (it parks the idle stack again, then cleans it)',
          },
        );
        return {
          status: 'Succeeded',
          message: `${message}; ${result.problems.length} problem(s) after the flip: ${result.problems.join('; ')}`,
        };
      }
      case 'failed':
        return { status: 'Failed', reason: result.reason };
      case 'continue':
        return { status: 'continue', state: result.state };
    }
  };
}

/**
 * One line for a person about an action: what was called on which resource of which stack, or why nothing was.
 *
 * @example
 * describeAction({ step: 'flip-active-stack', stack: 'b', resource: 'ssm:/shop/active-stack', action: 'PutParameter', done: true });
 * // '✓ flip-active-stack b: PutParameter ssm:/shop/active-stack'
 */
export function describeAction(action: Action): string {
  const mark = action.refused ? '✗' : action.done ? '✓' : '·';
  const call = action.action === 'none' ? '' : `${action.action} `;
  const why = action.skipped ? ` (${action.skipped})` : '';
  return `${mark} ${action.step} ${action.stack}: ${call}${action.resource}${why}`;
}
