import { BgReplayError, type Logger } from '@bg-replay/core';
import type { HookDeployment, HookStepContext, StepResult } from '@bg-replay/core/hooks';
import type { Action, HookClients, HookName, PresetActions } from './model.js';
import {
  createPresetStep,
  type HookDeps,
  isPresetHook,
  PRESET_HOOKS,
  type PresetState,
  type PresetStepContext,
} from './presets.js';
import type { StacksConfig } from './stacksConfig.js';

/** Options of {@link createPresetHookStep}: the runner's dependencies plus an observer of the actions. */
export interface PresetHookStepOptions extends Omit<HookDeps, 'runId' | 'logger' | 'clients'> {
  /**
   * The clients, or how to build them once the config is loaded (`(config) => createHookClients(config)`):
   * called once per cold start, and again on the next invocation after a failure (a package not installed).
   */
  clients: HookClients | ((config: StacksConfig) => Promise<HookClients>);
  /** Default: the runtime's logger. */
  logger?: Logger;
  /** Called after each invocation with the actions it took (the local harness prints them). */
  onActions?: (actions: Action[]) => void;
}

/**
 * A preset hook as a `HookStep` of `@bg-replay/core/hooks`, for `createHookHandler` of `@bg-replay/codedeploy`
 * (or any runtime of that vocabulary): it returns {@link createPresetStep}'s `Succeeded`, `Failed` or `continue`
 * (a wait that outlives this invocation, carried on in a fresh one). The run id is
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
): (
  ctx: PresetStepContext & Pick<HookStepContext, 'logger'> & { deployment: HookDeployment },
) => Promise<StepResult<PresetState, PresetActions>> {
  const { clients } = options;
  let built: Promise<HookClients> | undefined;
  const clientsFor = (cfg: StacksConfig): Promise<HookClients> => {
    if (typeof clients !== 'function') return Promise.resolve(clients);
    built ??= clients(cfg).catch((error: unknown) => {
      built = undefined;
      throw error;
    });
    return built;
  };
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
        actions: [],
      };
    }
    const wired = deployment.lifecycleEvents ?? [];
    if (wired.length > 0 && !wired.includes(hook)) {
      return {
        status: 'Failed',
        reason: `this function runs the ${hook} preset but the AppSpec names it under ${wired.join(', ')}: wire it to ${hook} only`,
        actions: [],
      };
    }
    const log = options.logger ?? logger;
    const { onActions, clients: _clients, ...deps } = options;
    const step = createPresetStep(cfg, hook, { ...deps, clients: await clientsFor(cfg), logger: log });
    const result = await step({
      continuation,
      ...(deadline !== undefined ? { deadline } : {}),
      deployment,
      ...(checkpoint ? { checkpoint } : {}),
    });
    log.info('preset actions', {
      hook,
      status: result.status,
      actions: result.actions.map(describeAction),
    });
    onActions?.(result.actions);
    if (result.status === 'Succeeded' && result.problems?.length) {
      // After the flip a Failed would send traffic back to the stack these steps touched: succeed, loudly.
      log.error(
        'AfterAllowTraffic: steps after the flip failed; reported Succeeded so traffic stays on the new stack',
        {
          problems: result.problems,
          remedy:
            'fix the cause, then run bg-replay teardown (it parks the idle stack again, then cleans it)',
        },
      );
    }
    return result;
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
