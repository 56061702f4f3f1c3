import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { listEntryExports } from '@bg-replay/test-utils/listEntryExports';
import { describe, expect, it } from 'vitest';

const file = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const PUBLIC_ENTRIES = ['src/index.ts', 'src/cloudwatch.ts', 'src/errors.ts', 'src/hooks.ts'];

describe('the public API of @bg-replay/core', () => {
  // One compiler program over every entry, built once while the file is collected (seconds on a busy machine).
  const all = listEntryExports([...PUBLIC_ENTRIES, 'src/internal.ts'].map(file));
  const exports = all.filter((e) => !e.entry.endsWith('internal.ts'));
  const internal = all.filter((e) => e.entry.endsWith('internal.ts')).map((e) => e.name);
  const rootNames = new Set(exports.filter((e) => e.entry.endsWith('index.ts')).map((e) => e.name));

  it('documents every function, class and constant of a public entry with TSDoc that has an @example', () => {
    const missing = exports.filter((e) => e.kind === 'value' && !e.hasExample);
    expect(missing.map((e) => `${e.name} (${e.declaredIn})`)).toEqual([]);
  });

  it('documents every exported type with TSDoc', () => {
    const missing = exports.filter((e) => e.kind === 'type' && !e.documented);
    expect(missing.map((e) => `${e.name} (${e.declaredIn})`)).toEqual([]);
  });

  it('exports what a user needs from the root: validate, the report, rules, renderers, errors and the option schema', () => {
    for (const name of [
      'validate',
      'parseReport',
      'mergeReports',
      'loadRules',
      'renderMarkdown',
      'BgReplayError',
      'runOptionsSchema',
      'toValidateOptions',
      'resolveOptionLayers',
    ]) {
      expect(rootNames.has(name), name).toBe(true);
    }
  });

  it('keeps the names shared with the sibling packages out of every public entry', () => {
    const publicNames = new Set(exports.map((e) => e.name));
    expect(internal.filter((name) => publicNames.has(name))).toEqual([]);
    expect(internal).toEqual(expect.arrayContaining(['describeAwsError', 'silentLogger', 'planInvocation']));
  });

  it('publishes ./internal in the exports map, so the packed siblings resolve it', () => {
    const manifest = JSON.parse(readFileSync(file('package.json'), 'utf8'));
    expect(manifest.exports['./internal']).toEqual({
      types: './dist/internal.d.ts',
      default: './dist/internal.js',
    });
  });
});
