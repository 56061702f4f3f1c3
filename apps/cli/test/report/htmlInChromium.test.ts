import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderHtml } from '@bg-replay/core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Shop, saveRun, startShop } from './_savedRun.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const title = hasChromium
  ? 'the HTML report in real headless Chromium'
  : `the HTML report in real headless Chromium (SKIPPED: ${CHROMIUM} is missing; .ci/install-chromium installs Debian's chromium)`;

let shop: Shop;
let dir: string;
beforeAll(async () => {
  shop = await startShop();
  dir = await mkdtemp(join(tmpdir(), 'bg-replay-chromium-'));
});
afterAll(async () => {
  await shop.close();
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!hasChromium)(title, () => {
  it('shows the verdict and a side-by-side diff sample, draws the latency charts, and makes no network request', async () => {
    const { report } = await saveRun(shop);
    const file = join(dir, 'report.html');
    await writeFile(file, renderHtml(report));
    const pageUrl = pathToFileURL(file).href;

    const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await context.newPage();
      const requests: string[] = [];
      const problems: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(pageUrl, { waitUntil: 'load' });

      const verdict = page.locator('#verdict');
      expect(await verdict.isVisible()).toBe(true);
      expect(await verdict.textContent()).toBe('FAIL');
      const sample = page.locator('table.diff-sample').first();
      expect(await sample.isVisible()).toBe(true);
      const changed = sample.locator('tr.chg').first();
      expect(await changed.locator('td.l').textContent()).toMatch(/^[\d.]+$/);
      expect(await changed.locator('td.r').textContent()).toMatch(/^"[\d.]+"$/);
      expect(await page.locator('.chart svg rect').count()).toBeGreaterThan(10);
      expect((await page.locator('#routes tbody tr').allTextContents()).join('\n')).toMatch(
        /GET \/orders\/:id.*fail/,
      );

      // The inline script runs under the page's CSP: filtering hides the rows that do not match.
      await page.fill('input[data-filter="pointers"]', '/note');
      const visible = await page.locator('#pointers tbody tr:visible').allTextContents();
      expect(visible.length).toBe(1);
      expect(visible[0]).toContain('/note');

      expect(requests).toEqual([pageUrl]);
      expect(problems).toEqual([]);

      // The request listener would have seen a fetch: the same check on a page that makes one.
      const leaky = join(dir, 'leaky.html');
      await writeFile(leaky, '<!doctype html><img src="http://127.0.0.1:9/pixel.png">');
      const seen: string[] = [];
      const other = await context.newPage();
      other.on('request', (request) => seen.push(request.url()));
      await other.goto(pathToFileURL(leaky).href, { waitUntil: 'load' });
      expect(seen).toContain('http://127.0.0.1:9/pixel.png');
    } finally {
      await context.close();
    }
  });
});
