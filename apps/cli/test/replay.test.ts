import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DemoServices, startDemoServices } from '@bg-replay/demo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/bg-replay.js', import.meta.url));

function run(args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

let demo: DemoServices;

/** `bg-replay replay` of the demo log from live to `candidate`, with more flags. */
const replay = (candidate: string, ...more: string[]) =>
  run(['replay', '--logs', demo.logFile, '--live', demo.live, '--candidate', candidate, ...more]);
let dir: string;

beforeAll(async () => {
  demo = await startDemoServices();
  dir = await mkdtemp(join(tmpdir(), 'bg-replay-cli-'));
});
afterAll(() => demo.close());

describe('bg-replay replay (the built bin)', () => {
  it('exits 0 and writes the JSON report when candidate answers like live', async () => {
    const out = join(dir, 'pass.json');
    const result = await replay(demo.live, '--rules', demo.rulesFile, '--rps', '0', '--report-json', out);
    expect(result.stderr.replace(/^progress: .*\n/gm, '')).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/verdict: PASS/);
    const report = JSON.parse(await readFile(out, 'utf8'));
    expect(report).toMatchObject({ schemaVersion: 1, verdict: 'pass', tool: { name: 'bg-replay' } });
    expect(report.counts.skipped).toMatchObject({ malformed: 3, unsafeMethod: 42 });
  });

  it('exits 1 on a failing candidate and names the breaking pointer', async () => {
    const result = await replay(demo.candidate, '--rules', demo.rulesFile, '--rps', '0');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/GET \/orders\/:id\s+\/total\s+type/);
    expect(result.stdout).toMatch(/verdict: FAIL/);
  });

  it('exits 2 with a one-line message for an unknown flag', async () => {
    const result = await replay(demo.live, '--nope');
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/nope/);
  });

  it('exits 2 naming a missing log file', async () => {
    const result = await run(
      ['replay', '--logs', 'missing.log', '--live', demo.live, '--candidate', demo.live],
      dir,
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      `bg-replay: cannot read log file ${join(dir, 'missing.log')}: no such file`,
    );
  });

  it('exits 2 naming the file and line of a broken rules file', async () => {
    const rules = join(dir, 'rules.yaml');
    await writeFile(rules, 'rules:\n  - id: x\n    pointer: /a\n    ignroe: true\n');
    const result = await replay(demo.live, '--rules', rules);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`${rules}:4`);
    expect(result.stderr).toMatch(/ignroe/);
  });

  it('exits 2 before replaying anything when a report path cannot be written', async () => {
    const result = await replay(demo.live, '--report-html', '/dev/null/run.html');
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(
      /^bg-replay: --report-html \/dev\/null\/run\.html: cannot write there/,
    );
    expect(result.stdout).toBe('');
  });

  it('exits 2 when a required flag is missing, and 0 for --help', async () => {
    const missing = await run(['replay', '--logs', demo.logFile]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--live/);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/replay/);
  });
});

describe('bg-replay sample (the built bin)', () => {
  it('reads a log from stdin with --logs -, and keeps the last value of a flag given twice', async () => {
    const out = join(dir, 'from-stdin.jsonl');
    const log = (await readFile(demo.logFile, 'utf8')).split('\n').slice(0, 300).join('\n');
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        [bin, 'sample', '--logs', '-', '--sample', '7', '--out', join(dir, 'ignored.jsonl'), '--out', out],
        { timeout: 60_000 },
        (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
      );
      child.stdin?.end(log);
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(7);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ method: 'GET' });
  });
});

describe('bg-replay demo', () => {
  it("runs the embedded demo, catches green's bug and exits 0", async () => {
    const result = await run(['demo', '--report-json', join(dir, 'demo.json')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/verdict: FAIL/);
    expect(result.stdout).toMatch(/\/total/);
  });
});
