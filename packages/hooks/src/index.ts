/**
 * `@bg-replay/hooks`: the other lifecycle hooks of a blue/green deployment with paired ("a"/"b") stacks.
 * The presets (prepare the idle stack, flip the active-stack pointer, park, tear down) run from a stacks
 * file; the single steps they are made of can be driven on their own. What the CLI and the ready-made
 * functions share beyond that is in `@bg-replay/hooks/internal`, which semver does not cover.
 *
 * @example
 * import { createHookClients, loadStacksConfig, runHook } from '@bg-replay/hooks';
 *
 * const config = await loadStacksConfig('stacks.yaml');
 * await runHook(config, 'AfterAllowTraffic', { clients: createHookClients({ region: 'eu-west-1' }), runId: deploymentId, dryRun: true });
 *
 * @packageDocumentation
 */

export { flipActiveStack, readActiveStack } from './activeStack.js';
export { raiseCapacity, restoreCapacity, type SavedCapacity } from './capacity.js';
export { createHookClients, type HookClientOptions } from './createHookClients.js';
export { createPresetHookStep, describeAction, type PresetHookStepOptions } from './createPresetHookStep.js';
export {
  type DriveOptions,
  type DrivePosition,
  driveSteps,
  type PlannedStep,
  type PresetStep,
} from './driveSteps.js';
export { setEventSourceEnabled } from './eventSources.js';
export type { HookSdks, ImportHookSdk } from './loadHookSdk.js';
export { type MigrationRecord, runMigration } from './migration.js';
export type {
  Action,
  HookClients,
  HookName,
  PresetActions,
  StepContext,
  StepKind,
} from './model.js';
export { loadStacksConfig, parseStacksConfig } from './parseStacksConfig.js';
export {
  createPresetStep,
  type HookDeps,
  isPresetHook,
  PRESET_HOOKS,
  type PresetState,
  type PresetStepContext,
  planHook,
  runHook,
  runTeardown,
} from './presets.js';
export { checkReadiness, publishSeed } from './seed.js';
export {
  type DatabaseConfig,
  type EventSourceConfig,
  type MigrationConfig,
  type ScalableTargetConfig,
  type SeedConfig,
  type StackConfig,
  type StackId,
  type StacksConfig,
  stacksConfigSchema,
} from './stacksConfig.js';
export { createMemoryStateStore, createSsmStateStore, type StateStore } from './stateStore.js';
export { deleteDatabase, type PurgeRecord, purgeQueue } from './teardown.js';
