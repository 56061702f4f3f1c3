import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isUserError } from '@bg-replay/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/commands/report.js';
import { runCommand } from '../_runCommand.js';
import { type Shop, saveRun, startShop } from './_savedRun.js';

let shop: Shop;
let saved: Awaited<ReturnType<typeof saveRun>>;
beforeAll(async () => {
  shop = await startShop();
  saved = await saveRun(shop);
});
afterAll(() => shop.close());

describe('bg-replay report', () => {
  it('re-renders a saved run into every format at once and prints the console summary', async () => {
    const r = await runCommand(
      reportCommand,
      ['report', saved.file, '--html', 'r.html', '--junit', 'j.xml', '--md', 'r.md', '--json', 'copy.json'],
      {
        cwd: saved.dir,
      },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/verdict: FAIL/);
    expect(r.stdout).toMatch(/GET \/orders\/:id\s+36\s+36\s+18\/36/);
    // The first differing pointer is shown side by side.
    expect(r.stdout).toMatch(/live\s+│ candidate/);
    const html = await readFile(join(saved.dir, 'r.html'), 'utf8');
    expect(html).toContain('id="verdict" class="verdict fail"');
    expect(html).toContain('&lt;b&gt;rush&lt;/b&gt; &amp; \\&quot;fragile\\&quot;');
    expect(html).not.toContain('<b>rush');
    const md = await readFile(join(saved.dir, 'r.md'), 'utf8');
    expect(md).toMatch(/^## ❌ bg-replay: FAIL/);
    expect(md).toContain('```diff');
    const junit = await readFile(join(saved.dir, 'j.xml'), 'utf8');
    expect(junit).toContain('<testcase name="GET /orders/:id" classname="bg-replay.routes">');
    expect(JSON.parse(await readFile(join(saved.dir, 'copy.json'), 'utf8')).verdict).toBe('fail');
  });

  it('exits with the verdict only when asked to check it', async () => {
    const r = await runCommand(reportCommand, ['report', saved.file, '--quiet', '--check'], {
      cwd: saved.dir,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  });

  it('appends Markdown to $GITHUB_STEP_SUMMARY instead of overwriting it', async () => {
    const summary = join(saved.dir, 'step-summary.md');
    await writeFile(summary, '# earlier step\n');
    await runCommand(reportCommand, ['report', saved.file, '--quiet', '--md', summary], {
      cwd: saved.dir,
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    const text = await readFile(summary, 'utf8');
    expect(text.startsWith('# earlier step\n## ❌ bg-replay: FAIL')).toBe(true);
  });

  it('rejects a file that is not a run report as a user error (exit 2) naming the file and the field', async () => {
    const wrong = join(saved.dir, 'package.json');
    await writeFile(wrong, JSON.stringify({ name: 'x', version: '1.0.0' }));
    const notJson = join(saved.dir, 'notes.txt');
    await writeFile(notJson, 'hello');
    const broken = join(saved.dir, 'broken.json');
    await writeFile(broken, JSON.stringify({ ...saved.report, routes: [{ route: 'GET /x' }] }));
    const cases: Array<[string, RegExp]> = [
      ['package.json', /package\.json: not a bg-replay run report \(schemaVersion 1\): schemaVersion:/],
      ['notes.txt', /notes\.txt: not JSON/],
      ['broken.json', /broken\.json: not a bg-replay run report .*routes\.0\.total/],
      ['missing.json', /missing\.json: cannot read the report: no such file/],
    ];
    for (const [file, message] of cases) {
      const error = await runCommand(reportCommand, ['report', file], { cwd: saved.dir }).catch(
        (e: unknown) => e,
      );
      expect(isUserError(error), file).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });
});
