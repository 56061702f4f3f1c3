import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Report, renderJunit } from '@bg-replay/core';
import { sendJson, startServer, type TestServer } from '@bg-replay/test-utils';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeCommand } from '../../src/commands/merge.js';
import { replayCommand } from '../../src/commands/replay.js';
import { LOOPBACK_REPLAY_FLAGS, runCommand } from '../_runCommand.js';
import { validateJunit } from './junitSchema.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk';

/**
 * A JSONL log of 22 lines: 12 replayable GETs (3 with a routing header, 1 with `Expect`, 1 with a JWT in a
 * header), 2 whose path climbs above the root (refused), and 8 that are not JSON. Safe lines: 22 less the 2
 * refused = 20, of which 12 are replayable: 60% coverage.
 */
function logLines(): string[] {
  const lines: string[] = [];
  for (let i = 1; i <= 12; i += 1) {
    const headers: Record<string, string> = {};
    if (i <= 3) headers['x-forwarded-host'] = 'admin.internal';
    if (i === 4) headers.expect = '100-continue';
    if (i === 5) headers['x-trace'] = JWT;
    lines.push(JSON.stringify({ method: 'GET', path: `/orders/${i}`, headers, route: 'GET /orders/:id' }));
  }
  for (let i = 0; i < 2; i += 1)
    lines.push(JSON.stringify({ method: 'GET', path: `/a/../../etc/passwd${i}`, headers: {} }));
  for (let i = 0; i < 8; i += 1) lines.push(`not json ${i}`);
  return lines;
}

let live: TestServer;
let candidate: TestServer;
let dir: string;
const seen: string[] = [];
beforeAll(async () => {
  // Both sides answer alike: only coverage can keep this run from passing.
  const same =
    (side: string) =>
    (
      req: { url?: string | undefined; headers: Record<string, unknown> },
      res: Parameters<typeof sendJson>[0],
    ) => {
      seen.push(`${side} ${req.url} ${String(req.headers['x-forwarded-host'] ?? '-')}`);
      sendJson(res, 200, { id: req.url, ok: true });
    };
  live = await startServer(same('live'));
  candidate = await startServer(same('candidate'));
  dir = await mkdtemp(join(tmpdir(), 'bg-replay-coverage-'));
  await writeFile(join(dir, 'log.jsonl'), `${logLines().join('\n')}\n`);
});
afterAll(async () => {
  await Promise.all([live.close(), candidate.close()]);
});

const read = (name: string) => readFile(join(dir, name), 'utf8');
const replay = (...more: string[]) =>
  runCommand(
    replayCommand,
    [
      'replay',
      '--logs',
      'log.jsonl',
      '--live',
      live.url,
      '--candidate',
      candidate.url,
      ...LOOPBACK_REPLAY_FLAGS,
      '--threshold',
      '0.9',
      '--confidence',
      '0',
      '--min-samples',
      '3',
      ...more,
    ],
    { cwd: dir },
  );

const SAFETY = { refusedPaths: 2, stripped: { 'x-forwarded-host': 3 }, dropped: { expect: 1 }, masked: 1 };

describe('coverage and request safety in every report format', () => {
  let run: { code: number; stdout: string; stderr: string };
  beforeAll(async () => {
    run = await replay(
      '--report-json',
      'run.json',
      '--report-junit',
      'junit.xml',
      '--report-md',
      'run.md',
      '--report-html',
      'run.html',
    );
  });

  it('makes a run that matched every record but replayed 60% of its safe lines inconclusive, and says so on the console', async () => {
    expect(run.code).toBe(1);
    const report = JSON.parse(await read('run.json')) as Report;
    expect(report.verdict).toBe('inconclusive');
    expect(report.counts.matched).toBe(12);
    expect(report.reasons[0]?.code).toBe('low-coverage');
    expect(report.safety).toEqual(SAFETY);
    // What the servers received: the 12 replayable records, routing header stripped.
    expect(seen.filter((s) => s.startsWith('live ')).length).toBe(12);
    expect(seen.some((s) => s.endsWith(' admin.internal'))).toBe(false);
    const lines = run.stdout.split('\n');
    expect(lines).toContain('coverage: replayable 60.0% of safe lines (12/20), below the minimum 90.0%');
    const cause = report.coverage?.malformedCauses[0];
    expect([cause?.reason, cause?.count]).toEqual(['not valid JSON', 8]);
    expect(lines).toContain(
      `  top malformed cause: ${cause?.reason} ×8 (e.g. ${join(dir, 'log.jsonl')}:${cause?.example.line})`,
    );
    expect(lines).toContain(
      'safety: 2 path(s) refused; stripped x-forwarded-host ×3; dropped expect ×1; 1 credential(s) masked',
    );
    expect(run.stdout).toMatch(/verdict: INCONCLUSIVE/);
  });

  it('fails a coverage test case in JUnit, and skips it when inconclusive is allowed', async () => {
    const xml = await read('junit.xml');
    expect(validateJunit(xml)).toEqual([]);
    const doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (n) => n === 'testcase' || n === 'property',
    }).parse(xml);
    const suite = doc.testsuites.testsuite;
    const coverage = suite.testcase.find((c: { name: string }) => c.name === 'coverage');
    expect(coverage.classname).toBe('bg-replay.run');
    expect(coverage.failure.type).toBe('low-coverage');
    expect(coverage.failure.message).toMatch(
      /^only 60\.0% of safe lines \(12\/20\) could be replayed, below --min-coverage 90\.0%/,
    );
    expect(coverage.failure['#text']).toContain(
      'replayable 60.0% of safe lines (12/20), below the minimum 90.0%',
    );
    const properties = Object.fromEntries(
      suite.properties.property.map((p: { name: string; value: string }) => [p.name, p.value]),
    );
    expect(properties.coverage).toBe('0.6');
    expect(properties.minCoverage).toBe('0.9');
    expect(properties.safety).toBe(
      '2 path(s) refused; stripped x-forwarded-host ×3; dropped expect ×1; 1 credential(s) masked',
    );
    expect(suite.failures).toBe('2'); // the verdict and coverage; the route matched
    const allowed = renderJunit(JSON.parse(await read('run.json')) as Report, { allowInconclusive: true });
    expect(validateJunit(allowed)).toEqual([]);
    expect(allowed).toMatch(
      /<testcase name="coverage" classname="bg-replay.run">\n {6}<skipped message="only 60\.0% of safe lines/,
    );
    expect(allowed).not.toContain('<failure');
  });

  it('shows a coverage table, strata per route and the safety counts in Markdown and HTML', async () => {
    const md = await read('run.md');
    expect(md).toContain('### Coverage');
    expect(md).toContain('| 20 | 12 | ⚠️ 60.0% | 90.0% | 8 | 0 | 0 (0.0%) | 0 |');
    expect(md).toContain(`| \`${join(dir, 'log.jsonl')}\` | 12 | 0 | unknown |`);
    expect(md).toContain('| `GET /orders/:id` | `GET /orders/:id` | 12 | 12 |');
    expect(md).toContain('| 2 | `x-forwarded-host` ×3 | `expect` ×1 | 1 |');
    const html = await read('run.html');
    expect(html).toContain(
      '<tbody><tr><td class="n">20</td><td class="n">12</td><td class="n">60.0%</td><td class="n">90.0%</td><td class="n">8</td>',
    );
    expect(html).toContain(
      '<table id="safety"><thead><tr><th class="n">Paths refused</th><th>Stripped</th><th>Dropped</th><th class="n">Credentials masked</th></tr></thead><tbody><tr><td class="n">2</td><td><code>x-forwarded-host</code> ×3</td><td><code>expect</code> ×1</td><td class="n">1</td></tr></tbody></table>',
    );
    expect(html).toContain('<table id="strata">');
  });

  it('keeps coverage and safety when shards are merged: the sums of one run over the whole log', async () => {
    for (const i of [1, 2]) {
      const part = await replay('--shard', `${i}/2`, '--report-json', `shard-${i}.json`);
      expect(part.code).toBe(1);
    }
    const shards = await Promise.all(
      [1, 2].map(async (i) => JSON.parse(await read(`shard-${i}.json`)) as Report),
    );
    // Each shard owns some of the lines, so neither alone holds all the counts.
    expect(shards.map((s) => s.safety?.refusedPaths ?? 0).reduce((a, b) => a + b)).toBe(2);
    const merged = await runCommand(
      mergeCommand,
      ['merge', 'shard-1.json', 'shard-2.json', '--report-json', 'merged.json', '--report-md', 'merged.md'],
      { cwd: dir },
    );
    expect(merged.code).toBe(1);
    const whole = JSON.parse(await read('run.json')) as Report;
    const report = JSON.parse(await read('merged.json')) as Report;
    expect(report.safety).toEqual(SAFETY);
    expect(report.coverage?.safeLines).toBe(20);
    expect(report.coverage?.replayable).toBe(12);
    // Every coverage fact but the example line of a malformed cause (the shard's first) is the whole run's.
    const facts = (c: Report['coverage']) => ({ ...c, malformedCauses: c?.malformedCauses.length });
    expect(facts(report.coverage)).toEqual(facts(whole.coverage));
    expect(report.coverage?.malformedCauses.map((c) => [c.reason, c.count])).toEqual([['not valid JSON', 8]]);
    expect(report.verdict).toBe('inconclusive');
    expect(merged.stdout).toContain(
      'coverage: replayable 60.0% of safe lines (12/20), below the minimum 90.0%',
    );
    expect(merged.stdout).toContain(
      'safety: 2 path(s) refused; stripped x-forwarded-host ×3; dropped expect ×1; 1 credential(s) masked',
    );
    expect(await read('merged.md')).toContain('| 2 | `x-forwarded-host` ×3 | `expect` ×1 | 1 |');
  });
});
