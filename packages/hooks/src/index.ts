export { flipActiveStack, guardDestructive, readActiveStack, resolveTargetStack } from './activeStack.js';
export {
  parkCapacity,
  raiseCapacity,
  readCapacity,
  restoreCapacity,
  type SavedCapacity,
} from './capacity.js';
export { createHookClients, type HookClientOptions } from './createHookClients.js';
export { createPresetHookStep, describeAction, type PresetHookStepOptions } from './createPresetHookStep.js';
export {
  type DriveOptions,
  type DrivePosition,
  driveSteps,
  type PlannedStep,
  type PresetStep,
} from './driveSteps.js';
export { DISABLED_FILTER_POLICY, setEventSourceEnabled } from './eventSources.js';
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
  buildHookSteps,
  buildTeardownSteps,
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
  otherStack,
  type ScalableTargetConfig,
  type SeedConfig,
  type StackConfig,
  type StackId,
  type StacksConfig,
  stackResourceKeys,
  stacksConfigSchema,
  stateParameterPrefix,
} from './stacksConfig.js';
export { createMemoryStateStore, createSsmStateStore, type StateStore } from './stateStore.js';
export { deleteDatabase, PURGE_INTERVAL_MS, type PurgeRecord, purgeQueue } from './teardown.js';
