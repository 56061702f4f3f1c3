import type { ValidateFn } from '@bg-replay/codedeploy';
import { startServer, type TestServer } from '@bg-replay/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulateCommand, simulateCommand } from '../src/commands/simulate.js';
import { runCommand } from './_runCommand.js';

let closed = 0;
const targets = async () => ({
  live: 'http://127.0.0.1:1',
  candidate: 'http://127.0.0.1:2',
  logFile: '/tmp/demo.log',
  close: async () => {
    closed++;
  },
});
const verdict =
  (v: 'pass' | 'fail'): ValidateFn =>
  async () => ({
    verdict: v,
    reasons: v === 'pass' ? [] : [{ code: 'critical', message: 'GET /orders/:id /total changed type' }],
    matchRate: v === 'pass' ? 1 : 0.5,
  });

afterEach(() => {
  closed = 0;
});

describe('bg-replay simulate (injected targets)', () => {
  it('prints the ECS timeline and exits 0 when the validation hook passes', async () => {
    const r = await runCommand(createSimulateCommand({ targets, validate: verdict('pass') }), ['simulate']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.some((l) => /AfterAllowTestTraffic\s+→ CodeDeployHook_bg_replay_validate/.test(l))).toBe(
      true,
    );
    expect(lines.some((l) => /reported Succeeded/.test(l))).toBe(true);
    expect(lines.some((l) => /deployment Succeeded/.test(l))).toBe(true);
    expect(closed).toBe(1);
  });

  it('shows the failing hook and the rollback, exiting 1 with --strict-exit', async () => {
    const r = await runCommand(createSimulateCommand({ targets, validate: verdict('fail') }), [
      'simulate',
      '--strict-exit',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/AfterAllowTestTraffic\s+Failed after/);
    expect(r.stdout).toContain(
      'AfterAllowTestTraffic hook: verdict fail: GET /orders/:id /total changed type',
    );
    expect(r.stdout).toMatch(/roll back/);
    expect(r.stdout).not.toMatch(/AfterAllowTraffic /);
  });

  it('runs the Lambda lifecycle with BeforeAllowTraffic', async () => {
    const r = await runCommand(createSimulateCommand({ targets, validate: verdict('pass') }), [
      'simulate',
      '--platform',
      'Lambda',
    ]);
    expect(r.stdout).toMatch(/BeforeAllowTraffic\s+→ CodeDeployHook_bg_replay_validate/);
    expect(r.stdout).toContain('shift the alias to the target version');
  });
});

describe('bg-replay simulate (the demo, end to end)', () => {
  it("runs the demo ECS deployment with the real validator and catches green's bug", async () => {
    const r = await runCommand(simulateCommand, ['simulate']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/AfterAllowTestTraffic\s+Failed after/);
    // Failed for the right reason: the verdict, not an error on the way.
    expect(r.stdout).toMatch(/AfterAllowTestTraffic hook: verdict fail: /);
    expect(r.stdout).toMatch(/deployment Failed/);
  });

  it('refuses user-given targets without a local log file', async () => {
    let server: TestServer | undefined;
    try {
      server = await startServer((_req, res) => {
        res.end('{}');
      });
      await expect(
        runCommand(simulateCommand, ['simulate', '--live', server.url, '--candidate', server.url]),
      ).rejects.toThrow(/logGroup: give exactly one log source/);
    } finally {
      await server?.close();
    }
  });
});
