import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { SSMClient } from '@aws-sdk/client-ssm';
import { createHookHandler, type HookHandlerOptions } from '@bg-replay/codedeploy';
import { memoizeLoad, readSsmText } from '@bg-replay/codedeploy/internal';
import { BgReplayError } from '@bg-replay/core';
import { awsClientConfig } from '@bg-replay/core/internal';
import {
  createHookClients,
  createPresetHookStep,
  type HookName,
  loadStacksConfig,
  type PresetHookStepOptions,
  parseStacksConfig,
  type StacksConfig,
} from '@bg-replay/hooks';

/** Stacks files looked for next to the bundle when no variable names one (first found wins). */
export const STACKS_FILES = ['bg-replay.stacks.yaml', 'bg-replay.stacks.yml', 'bg-replay.stacks.json'];

/** Environment variables the preset hooks read. */
export const STACKS_ENV = {
  /** Name of an SSM parameter holding the stacks file (YAML or JSON); wins over a file. */
  ssmParameter: 'BG_REPLAY_STACKS_SSM_PARAMETER',
  /** Path of the stacks file, relative to the bundle's directory unless absolute. */
  file: 'BG_REPLAY_STACKS_FILE',
} as const;

/** Options of {@link loadPresetStacksConfig}. */
export interface LoadPresetStacksConfigOptions {
  env: Record<string, string | undefined>;
  baseDir: string;
  /** Client for the SSM parameter (default: a new `SSMClient`). */
  ssm?: SSMClient;
}

/**
 * Loads the a/b stacks file of a preset hook: from the SSM parameter named by
 * `BG_REPLAY_STACKS_SSM_PARAMETER`, else the file named by `BG_REPLAY_STACKS_FILE`, else
 * `bg-replay.stacks.yaml` (or `.yml`, `.json`) bundled next to the handler. Validated with the stacks schema.
 *
 * @example
 * const config = await loadPresetStacksConfig({ env: process.env, baseDir: __dirname });
 */
export async function loadPresetStacksConfig(options: LoadPresetStacksConfigOptions): Promise<StacksConfig> {
  const { env, baseDir } = options;
  const parameter = env[STACKS_ENV.ssmParameter];
  if (parameter) {
    const text = await readSsmText(
      options.ssm ?? new SSMClient(awsClientConfig()),
      parameter,
      STACKS_ENV.ssmParameter,
    );
    return parseStacksConfig(text, `ssm:${parameter}`);
  }
  const named = env[STACKS_ENV.file];
  if (named) return loadStacksConfig(isAbsolute(named) ? named : resolve(baseDir, named));
  const bundled = STACKS_FILES.map((f) => join(baseDir, f)).find((f) => existsSync(f));
  if (bundled) return loadStacksConfig(bundled);
  throw new BgReplayError(
    'E_CONFIG',
    `no stacks config: bundle ${STACKS_FILES[0]} next to index.mjs, or set ${STACKS_ENV.file} or ${STACKS_ENV.ssmParameter}`,
  );
}

/** Options of {@link createPresetHandler}; tests inject clients and the harness's options. */
export interface PresetHandlerOptions {
  hook: HookName;
  env: Record<string, string | undefined>;
  baseDir: string;
  /**
   * The clients, or how to build them for the loaded stacks file. Default: one client per service the stacks
   * file needs (`createHookClients`), with `AWS_ENDPOINT_URL` as their endpoint when it is set.
   */
  clients?: PresetHookStepOptions['clients'];
  /** A config to use instead of loading one (the local harness). */
  config?: StacksConfig | Promise<StacksConfig>;
  handler?: Omit<HookHandlerOptions, 'name' | 'lifecycleEvent'>;
  preset?: Omit<PresetHookStepOptions, 'clients'>;
}

/** Function-name suffix of each preset's bundle. */
export const PRESET_FUNCTION_SUFFIX: Record<HookName, string> = {
  BeforeInstall: 'before_install',
  AfterInstall: 'after_install',
  BeforeAllowTraffic: 'before_allow_traffic',
  AfterAllowTraffic: 'after_allow_traffic',
};

/**
 * A ready-made preset hook on the hook runtime: one function per lifecycle event, serving ECS and Lambda
 * alike (the platform comes from the stacks file and is checked against the deployment). The stacks file is
 * loaded once at cold start; a bad one is reported as `Failed` with the message on every invocation.
 * Waits longer than an invocation continue in a fresh invocation carrying the preset's position.
 *
 * @example
 * export const handler = createPresetHandler({ hook: 'AfterAllowTraffic', env: process.env, baseDir: __dirname });
 */
export function createPresetHandler(options: PresetHandlerOptions) {
  const { hook, env } = options;
  const clientOptions = {
    ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    // Set explicitly: SQS otherwise sends to the queue URL's host instead of AWS_ENDPOINT_URL.
    ...(env.AWS_ENDPOINT_URL ? { endpoint: env.AWS_ENDPOINT_URL } : {}),
  };
  // The stacks file says which clients to build (each optional SDK package is imported only if needed).
  const clients = options.clients ?? ((config: StacksConfig) => createHookClients(config, clientOptions));
  // A failed load is reported as Failed by the step, and tried again on the next invocation.
  const config =
    options.config ??
    memoizeLoad(() =>
      loadPresetStacksConfig({
        env,
        baseDir: options.baseDir,
        ssm:
          typeof options.clients === 'object'
            ? options.clients.ssm
            : new SSMClient(awsClientConfig(clientOptions)),
      }),
    );
  return createHookHandler(createPresetHookStep(config, hook, { ...options.preset, clients }), {
    name: PRESET_FUNCTION_SUFFIX[hook],
    ...options.handler,
    lifecycleEvent: hook,
  });
}
