import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { listEntryExports } from '@bg-replay/test-utils/listEntryExports';
import { describe, expect, it } from 'vitest';

const file = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const ROOT = file('src/index.ts');
const INTERNAL = file('src/internal.ts');

describe('the public API of @bg-replay/hooks', () => {
  // One compiler program over both entries, built once while the file is collected (seconds on a busy machine).
  const all = listEntryExports([ROOT, INTERNAL]);
  const exports = all.filter((e) => e.entry === ROOT);
  const internal = all.filter((e) => e.entry === INTERNAL).map((e) => e.name);

  it('documents every function and constant with TSDoc that has an @example', () => {
    const missing = exports.filter((e) => e.kind === 'value' && !e.hasExample);
    expect(missing.map((e) => `${e.name} (${e.declaredIn})`)).toEqual([]);
  });

  it('documents every exported type with TSDoc', () => {
    const missing = exports.filter((e) => e.kind === 'type' && !e.documented);
    expect(missing.map((e) => `${e.name} (${e.declaredIn})`)).toEqual([]);
  });

  it('exports the presets and the single steps of docs/ab-stacks.md', () => {
    const names = new Set(exports.map((e) => e.name));
    for (const name of [
      'loadStacksConfig',
      'planHook',
      'runHook',
      'createPresetStep',
      'createPresetHookStep',
      'flipActiveStack',
      'raiseCapacity',
      'purgeQueue',
      'driveSteps',
    ]) {
      expect(names.has(name), name).toBe(true);
    }
  });

  it('keeps what only the CLI shares out of the public entry', () => {
    const publicNames = new Set(exports.map((e) => e.name));
    expect(internal.sort()).toEqual(['buildTeardownSteps', 'otherStack']);
    expect(internal.filter((name) => publicNames.has(name))).toEqual([]);
  });

  it('publishes ./internal in the exports map, so the packed CLI resolves it', () => {
    const manifest = JSON.parse(readFileSync(file('package.json'), 'utf8'));
    expect(manifest.exports['./internal']).toEqual({
      types: './dist/internal.d.ts',
      default: './dist/internal.js',
    });
  });
});
