import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EntryExport, listEntryExports } from './listEntryExports.js';

describe('listEntryExports', () => {
  let dir: string;
  let found: EntryExport[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bg-replay-entry-'));
    await writeFile(
      join(dir, 'lib.ts'),
      [
        '/**',
        ' * Adds one.',
        ' *',
        ' * @example',
        ' * addOne(1) // 2',
        ' */',
        'export function addOne(n: number): number { return n + 1; }',
        '/** Without an example. */',
        'export const ZERO = 0;',
        'export interface Bare { n: number }',
        '/** A documented type. */',
        'export type Named = { name: string };',
        'export function hidden(): void {}',
      ].join('\n'),
    );
    await writeFile(
      join(dir, 'index.ts'),
      "export { addOne, type Bare, type Named, ZERO } from './lib.js';\n",
    );
    await writeFile(join(dir, 'internal.ts'), "export { hidden } from './lib.js';\n");
    found = listEntryExports([join(dir, 'index.ts'), join(dir, 'internal.ts')]);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lists what each entry re-exports, with the kind and the file that declares it', () => {
    const shown = found.map((e) => `${e.entry.replace(dir, '')} ${e.name} ${e.kind} ${e.declaredIn}`);
    expect(shown.sort()).toEqual([
      '/index.ts Bare type lib.ts',
      '/index.ts Named type lib.ts',
      '/index.ts ZERO value lib.ts',
      '/index.ts addOne value lib.ts',
      '/internal.ts hidden value lib.ts',
    ]);
  });

  it('tells a declaration with TSDoc and an @example from one without', () => {
    const byName = Object.fromEntries(found.map((e) => [e.name, [e.documented, e.hasExample]]));
    expect(byName).toEqual({
      addOne: [true, true],
      ZERO: [true, false],
      Bare: [false, false],
      Named: [true, false],
      hidden: [false, false],
    });
  });
});
