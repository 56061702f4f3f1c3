import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { listEntryExports } from '@bg-replay/test-utils/listEntryExports';
import { describe, expect, it } from 'vitest';

const file = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const ROOT = file('src/index.ts');
const STEP_FUNCTIONS = file('src/stepFunctions/index.ts');
const INTERNAL = file('src/internal.ts');

describe('the public API of @bg-replay/codedeploy', () => {
  // One compiler program over every entry, built once while the file is collected (seconds on a busy machine).
  const all = listEntryExports([ROOT, STEP_FUNCTIONS, INTERNAL]);
  const exports = all.filter((e) => e.entry !== INTERNAL);
  const internal = all.filter((e) => e.entry === INTERNAL).map((e) => e.name);
  const namesOf = (entry: string) =>
    exports.filter((e) => e.entry === entry && e.kind === 'value').map((e) => e.name);

  it('documents every function and constant of a public entry with TSDoc that has an @example', () => {
    const missing = exports.filter((e) => e.kind === 'value' && !e.hasExample);
    expect(missing.map((e) => `${e.name} (${e.declaredIn})`)).toEqual([]);
  });

  it('documents every exported type with TSDoc', () => {
    const missing = exports.filter((e) => e.kind === 'type' && !e.documented);
    expect(missing.map((e) => `${e.name} (${e.declaredIn})`)).toEqual([]);
  });

  it('exports the hook runtime, the validation hook, the wait and deployment creation from the root', () => {
    expect(namesOf(ROOT).sort()).toEqual([
      'buildAppSpec',
      'createDeployment',
      'createHookHandler',
      'createLambdaInvoker',
      'createValidationHook',
      'loadValidationHookConfig',
      'validationHookConfigSchema',
      'waitForDeployment',
    ]);
  });

  it('exports the state machine, its policies and the hand-off from ./step-functions, not the shard tasks', () => {
    expect(namesOf(STEP_FUNCTIONS).sort()).toEqual([
      'createStateMachineDefinition',
      'createStateMachineHandOff',
      'createStateMachinePolicy',
    ]);
    expect(internal).toEqual(expect.arrayContaining(['planShards', 'runShardTask', 'mergeShardsTask']));
  });

  it('keeps the names shared with the CLI, the hook functions and the simulator out of the public entries', () => {
    const publicNames = new Set(exports.map((e) => e.name));
    expect(internal.filter((name) => publicNames.has(name))).toEqual([]);
  });

  it('publishes ./internal in the exports map, so the packed siblings resolve it', () => {
    const manifest = JSON.parse(readFileSync(file('package.json'), 'utf8'));
    expect(manifest.exports['./internal']).toEqual({
      types: './dist/internal.d.ts',
      default: './dist/internal.js',
    });
  });
});
