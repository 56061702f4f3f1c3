import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import MarkdownIt from 'markdown-it';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayCommand } from '../../src/commands/replay.js';
import { reportCommand } from '../../src/commands/report.js';
import { tuneCommand } from '../../src/commands/tune.js';
import { LOOPBACK_REPLAY_FLAGS, runCommand } from '../_runCommand.js';
import { type HostileServers, SECRETS, startHostile, writeHostileLog } from './_hostile.js';

const FIXTURE = fileURLToPath(new URL('../../../../fixtures/reports/hostile.json', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
// Anything a terminal would act on: C0 but LF, DEL, C1, line/paragraph separators, bidi overrides.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are what must not be printed
const TERMINAL_CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

let servers: HostileServers;
let dir: string;
let run: { code: number; stdout: string; stderr: string };
const read = (name: string) => readFile(join(dir, name), 'utf8');

beforeAll(async () => {
  servers = await startHostile();
  ({ dir } = await writeHostileLog());
  run = await runCommand(
    replayCommand,
    [
      'replay',
      '--logs',
      join(dir, 'hostile.jsonl'),
      '--live',
      servers.live.url,
      '--candidate',
      servers.candidate.url,
      ...LOOPBACK_REPLAY_FLAGS,
      '--min-samples',
      '3',
      '--report-json',
      'run.json',
      '--report-md',
      'run.md',
      '--report-html',
      'run.html',
      '--report-junit',
      'junit.xml',
    ],
    { cwd: dir },
  );
});
afterAll(() => servers.close());

/** HTML tags in rendered Markdown; content may add none of its own. */
const tagsOf = (html: string) =>
  new Set([...html.matchAll(/<([a-zA-Z][\w-]*)/g)].map((m) => (m[1] ?? '').toLowerCase()));
const MARKDOWN_TAGS = new Set([
  'h2',
  'h3',
  'p',
  'strong',
  'ul',
  'li',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'code',
  'pre',
  'details',
  'summary',
  'sub',
]);

function checkMarkdown(markdown: string, routes: number): void {
  const renderings = [
    micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] }),
    new MarkdownIt({ html: true, linkify: true }).render(markdown),
  ];
  for (const html of renderings) {
    expect([...tagsOf(html)].filter((t) => !MARKDOWN_TAGS.has(t))).toEqual([]);
    expect(html).not.toMatch(/<a |<img|<script|javascript:/i);
    // The route table keeps one row per route: no CR, pipe or U+2028 in a route ended or split a row.
    const table = html.slice(html.indexOf('<table'), html.indexOf('</table>'));
    expect([...table.matchAll(/<tr>/g)]).toHaveLength(routes + 1);
    for (const row of table.split('<tr>').slice(2)) expect([...row.matchAll(/<td/g)]).toHaveLength(8);
    // Every other table (coverage, sources, strata, safety, ...) keeps its shape too: each row as many cells as its header.
    const tables = html.split('<table').slice(1);
    expect(tables.length).toBeGreaterThanOrEqual(5);
    for (const other of tables) {
      const [head, ...rows] = other.slice(0, other.indexOf('</table>')).split('<tr>').slice(1);
      const columns = [...(head ?? '').matchAll(/<th/g)].length;
      for (const row of rows) expect([...row.matchAll(/<td/g)]).toHaveLength(columns);
    }
  }
}

describe('reports of a run whose logs and answers are hostile', () => {
  it('fails the run and prints a console summary free of control characters', () => {
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/verdict: FAIL/);
    expect(run.stdout).not.toMatch(TERMINAL_CONTROLS);
    expect(run.stdout).toContain('GET /x?| [a](https://evil.example/r)');
    expect(run.stdout).toContain(
      'coverage: replayable 100.0% of safe lines (12/12), at least the minimum 90.0%',
    );
  });

  it('carries no secret of the answers into any report under the default --report-bodies redacted', async () => {
    const outputs = [
      run.stdout,
      ...(await Promise.all(['run.json', 'run.md', 'run.html', 'junit.xml'].map(read))),
    ];
    for (const output of outputs) for (const secret of SECRETS) expect(output).not.toContain(secret);
    const json = await read('run.json');
    expect(json).toContain('[redacted:aws-key]');
    expect(json).toContain('postgres://[redacted]@db.internal:5432/shop');
    expect(json).toContain('[redacted:email]');
    expect(JSON.parse(json).limits.bodies).toBe('redacted');
  });

  it('renders Markdown that a GFM renderer turns into no link, image or HTML from the content', async () => {
    checkMarkdown(await read('run.md'), 2);
  });

  it('writes JUnit that an XML parser reads, with the hostile route as plain text', async () => {
    const xml = await read('junit.xml');
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(xml);
    const cases = parsed.testsuites.testsuite.testcase as Array<Record<string, string>>;
    const names = cases.map((c) => c['@_name']);
    expect(names).toContain('verdict');
    expect(names.find((n) => n?.startsWith('GET /x'))).toContain('<script>alert(1)</script>');
  });
});

describe('bg-replay report of a saved hostile report (fixtures/reports/hostile.json)', () => {
  it('masks the secrets the saved report holds, unless --report-bodies full', async () => {
    const saved = await readFile(FIXTURE, 'utf8');
    for (const secret of SECRETS) expect(saved).toContain(secret);
    const r = await runCommand(
      reportCommand,
      ['report', FIXTURE, '--md', 'f.md', '--json', 'f.json', '--junit', 'f.xml'],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(TERMINAL_CONTROLS);
    // Coverage and safety from the saved report, hostile names made inert.
    const lines = r.stdout.split('\n');
    expect(lines).toContain('coverage: replayable 92.3% of safe lines (12/13), at least the minimum 90.0%');
    expect(lines).toContain(
      '  top malformed cause: unparseable: <script>window.__pwned=3</script>[x](https://evil.example/m) ![p](https://evil.example/p.png)?|`? ×1 (e.g. logs/<script>window.__pwned=3</script>[x](https://evil.example/m) ![p](https://evil.example/p.png)?|`?.log:3)',
    );
    expect(lines).toContain(
      'safety: 1 path(s) refused; stripped x-forwarded-host ×2, _method ×1; dropped expect ×1; 2 credential(s) masked',
    );
    const xml = await read('f.xml');
    expect(XMLValidator.validate(xml)).toBe(true);
    const suite = new XMLParser({ ignoreAttributes: false }).parse(xml).testsuites.testsuite;
    const coverage = (suite.testcase as Array<Record<string, string>>).find(
      (c) => c['@_name'] === 'coverage',
    );
    expect(coverage?.['system-out']).toContain(
      'top malformed cause: unparseable: <script>window.__pwned=3</script>',
    );
    for (const output of [r.stdout, await read('f.md'), await read('f.json')])
      for (const secret of SECRETS) expect(output).not.toContain(secret);
    checkMarkdown(await read('f.md'), 2);
    const full = await runCommand(
      reportCommand,
      ['report', FIXTURE, '--quiet', '--md', 'full.md', '--report-bodies', 'full'],
      {
        cwd: dir,
      },
    );
    expect(full.code).toBe(0);
    expect(await read('full.md')).toContain(SECRETS[1]);
  });

  it('tunes on it without printing a control character', async () => {
    const r = await runCommand(tuneCommand, ['tune', FIXTURE], { cwd: dir });
    expect(r.stdout).toContain('GET /x?| [a](https://evil.example/r)');
    expect(r.stdout).not.toMatch(TERMINAL_CONTROLS);
  });

  it('keeps only pointers and kinds under --report-bodies none', async () => {
    await runCommand(
      reportCommand,
      ['report', FIXTURE, '--quiet', '--json', 'none.json', '--report-bodies', 'none'],
      {
        cwd: dir,
      },
    );
    const report = JSON.parse(await read('none.json'));
    const samples = report.fields.flatMap((f: { samples: object[] }) => f.samples);
    expect(samples.length).toBeGreaterThan(0);
    for (const sample of samples) expect(Object.keys(sample).sort()).toEqual(['method', 'path', 'pointer']);
    expect(report.limits.bodies).toBe('none');
  });

  it.each([
    [
      'a script as a latency budget',
      (r: Record<string, unknown>) => {
        r.latencyChecks = [
          { quantile: 'p95', budget: '<script>alert(1)</script>', live: 1, candidate: 1, ratio: 1, ok: true },
        ];
      },
      /latencyChecks\.0\.budget/,
    ],
    [
      'a huge latency bucket index',
      (r: Record<string, unknown>) => {
        (r.sketches as { live: { buckets: Record<string, number> } }).live.buckets = { '1000000000': 1 };
      },
      /sketches\.live\.buckets/,
    ],
    [
      'markup as a verdict',
      (r: Record<string, unknown>) => {
        r.verdict = '<img src=x onerror=alert(1)>';
      },
      /verdict/,
    ],
    [
      'a non-number count',
      (r: Record<string, unknown>) => {
        (r.counts as Record<string, unknown>).read = '<b>1</b>';
      },
      /counts\.read/,
    ],
    [
      'a script as a stratum count',
      (r: Record<string, unknown>) => {
        (r.coverage as { strata: Array<Record<string, unknown>> }).strata[0] = {
          route: 'GET /x',
          stratum: 'GET /x',
          seen: '<script>alert(1)</script>',
          sampled: 1,
        };
      },
      /coverage\.strata\.0\.seen/,
    ],
    [
      'markup as a query-string state',
      (r: Record<string, unknown>) => {
        (r.coverage as { sources: Array<Record<string, unknown>> }).sources[0] = {
          source: 'a.log',
          records: 1,
          withQuery: 0,
          queryStrings: '<img src=x onerror=alert(1)>',
        };
      },
      /coverage\.sources\.0\.queryStrings/,
    ],
    [
      'markup as a stripped-header count',
      (r: Record<string, unknown>) => {
        (r.safety as { stripped: Record<string, unknown> }).stripped['x-forwarded-host'] = '<b>2</b>';
      },
      /safety\.stripped\.x-forwarded-host/,
    ],
  ])('refuses a crafted report with %s, naming the field', async (_what, craft, field) => {
    const report = JSON.parse(await readFile(FIXTURE, 'utf8'));
    craft(report);
    const file = join(dir, 'crafted.json');
    await writeFile(file, JSON.stringify(report));
    const error = await runCommand(reportCommand, ['report', file, '--html', 'crafted.html'], {
      cwd: dir,
    }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/crafted\.json: not a bg-replay run report/);
    expect((error as Error).message).toMatch(field);
    expect(existsSync(join(dir, 'crafted.html'))).toBe(false);
  });
});

describe.skipIf(!existsSync(CHROMIUM))('the hostile HTML report in headless Chromium', () => {
  it('runs no script but its own, makes no network request, and still filters', async () => {
    const render = await runCommand(reportCommand, ['report', FIXTURE, '--quiet', '--html', 'f.html'], {
      cwd: dir,
    });
    expect(render.code).toBe(0);
    const html = await read('f.html');
    const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+';/);
    expect(csp).not.toContain("unsafe-inline'; img"); // style may be inline; script may not
    expect(csp.split(';').find((d) => d.trim().startsWith('script-src'))).not.toContain('unsafe-inline');
    const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
      ],
    });
    try {
      for (const name of ['f.html', 'run.html']) {
        const page = await context.newPage();
        const pageUrl = pathToFileURL(join(dir, name)).href;
        const requests: string[] = [];
        const dialogs: string[] = [];
        page.on('request', (request) => requests.push(request.url()));
        page.on('dialog', (dialog) => {
          dialogs.push(dialog.message());
          void dialog.dismiss();
        });
        await page.goto(pageUrl, { waitUntil: 'load' });
        expect(await page.title()).toBe('bg-replay: FAIL');
        expect(
          // The page's global object, named without DOM typings (this package compiles for Node).
          await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned),
        ).toBeUndefined();
        expect(await page.locator('script').count()).toBe(1);
        expect(await page.locator('img, iframe, object, embed, a[href]').count()).toBe(0);
        expect(dialogs).toEqual([]);
        // The page's own script runs under the hash: the filter hides rows that do not match.
        await page.fill('input[data-filter="pointers"]', 'accessKeyId');
        const visible = await page.locator('#pointers tbody tr:visible').allTextContents();
        expect(visible.length).toBe(2);
        // The strata filter too; the hostile route's stratum is shown as text, the one row left.
        expect(await page.locator('#strata tbody tr').count()).toBe(2);
        await page.fill('input[data-filter="strata"]', 'evil.example');
        const strata = await page.locator('#strata tbody tr:visible').allTextContents();
        expect(strata).toHaveLength(1);
        expect(strata[0]).toContain('GET /x');
        expect(requests).toEqual([pageUrl]);
        await page.close();
      }
    } finally {
      await context.close();
    }
  });
});
