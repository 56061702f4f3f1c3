import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ValidateFn } from '@bg-replay/codedeploy';
import type { Report } from '@bg-replay/core';
import { loadStacksConfig } from '@bg-replay/hooks';
import type { AwsStandInServices } from '@bg-replay/simulator';
import { startServer, type TestServer } from '@bg-replay/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import {
  callsTouching,
  createSimulateCommand,
  DEMO_STACKS_FILE,
  simulateCommand,
} from '../src/commands/simulate.js';
import { simulateKeeping } from './_awsFaults.js';
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
    expect(lines.some((l) => /AfterAllowTestTraffic\s+→ CodeDeployHook_validate/.test(l))).toBe(true);
    expect(lines.some((l) => /reported Succeeded/.test(l))).toBe(true);
    expect(lines.some((l) => /deployment d-SIM\w+ Succeeded/.test(l))).toBe(true);
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
    expect(r.stdout).toMatch(/deployment (d-SIM\w+) Created \(rollback of d-SIM\w+\)/);
    expect(r.stdout).toMatch(
      /production traffic never left the original version; the rollback deployment d-SIM\w+/,
    );
    expect(r.stdout).not.toMatch(/AfterAllowTraffic /);
  });

  it('shows the Lambda versions it compares and the alias moving to version 2', async () => {
    const r = await runCommand(createSimulateCommand({ targets, validate: verdict('pass') }), [
      'simulate',
      '--platform',
      'Lambda',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Lambda function shop-demo: alias live → version 1 (blue, live); target version 2 (green). Invoke serves both on the stand-in (lambda://shop-demo:1, lambda://shop-demo:2)',
    );
    expect(r.stdout).toContain(
      'the validation invokes version 1 (blue) and version 2 (green) as the AppSpec names them (CurrentVersion, TargetVersion)',
    );
    // The hook resolved its targets from the AppSpec: the two versions, invoked, not the HTTP base URLs.
    expect(r.stdout).toContain(
      'the validation compared lambda://shop-demo:1?payload=1.0 with lambda://shop-demo:2?payload=1.0',
    );
    expect(r.stdout).toContain('production traffic ends on the new version (alias live → version 2)');
  });

  it('--platform Lambda --fail-after-shift: the rollback deployment shifts the alias back to version 1', async () => {
    const r = await runCommand(createSimulateCommand({ targets, validate: verdict('pass') }), [
      'simulate',
      '--platform',
      'Lambda',
      '--fail-after-shift',
      '--strict-exit',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'AfterAllowTraffic hook: simulated failure after the shift (--fail-after-shift)',
    );
    // The shift, then the failing hook, then the rollback's shift back.
    const shift = r.stdout.indexOf('· shift the alias to the target version');
    const hook = r.stdout.indexOf('AfterAllowTraffic      → CodeDeployHook_after_allow_traffic');
    expect(shift).toBeGreaterThan(-1);
    expect(hook).toBeGreaterThan(shift);
    expect(r.stdout.indexOf('· shift the alias back to version 1')).toBeGreaterThan(hook);
    expect(r.stdout).toMatch(
      /production traffic ends on the original version \(alias live → version 1\): the rollback deployment d-SIM\w+ moved it back/,
    );
  });

  it('runs the Lambda lifecycle with BeforeAllowTraffic', async () => {
    const r = await runCommand(createSimulateCommand({ targets, validate: verdict('pass') }), [
      'simulate',
      '--platform',
      'Lambda',
    ]);
    expect(r.stdout).toMatch(/BeforeAllowTraffic\s+→ CodeDeployHook_validate/);
    expect(r.stdout).toContain('shift the alias to the target version');
  });
});

describe('bg-replay simulate with the preset hooks (demo-ecs.yaml, in-memory AWS stand-ins)', () => {
  async function simulateWithPresets(v: 'pass' | 'fail', argv: string[] = []) {
    const run = await simulateKeeping({ targets, validate: verdict(v) }, argv);
    return { ...run, config: await loadStacksConfig(DEMO_STACKS_FILE) };
  }
  const destructive = (services: AwsStandInServices) =>
    services
      .mutations()
      .filter(
        (c) =>
          ['DeleteTable', 'PurgeQueue', 'DisableRule'].includes(c.operation) ||
          (c.operation === 'UpdateEventSourceMapping' && c.input.Enabled === false),
      );

  it('prepares b, validates, shifts, flips the pointer to b and only then parks a, deleting nothing', async () => {
    const { code, stdout, services, result, config } = await simulateWithPresets('pass');
    expect(code).toBe(0);
    expect(result.status).toBe('Succeeded');
    expect(result.reports.map((r) => `${r.event} ${r.status}`)).toEqual([
      'BeforeInstall Succeeded',
      'AfterInstall Succeeded',
      'AfterAllowTestTraffic Succeeded',
      'AfterAllowTraffic Succeeded',
    ]);
    expect(services.state.parameters.get('/shop/active-stack')).toBe('b');
    // The old stack a is parked (a rollback may still need it): nothing of it is purged or deleted...
    expect(services.state.tables.get('shop-orders-a')?.status).toBe('ACTIVE');
    const mutations = services.mutations();
    const flip = mutations.findIndex((c) => c.input.Name === '/shop/active-stack');
    expect(flip).toBeGreaterThan(-1);
    // ...b's queue was purged before b was reused, and a was disconnected only after the flip.
    expect(destructive(services).map((c) => c.operation)).toEqual([
      'PurgeQueue',
      'UpdateEventSourceMapping',
      'DisableRule',
    ]);
    expect(JSON.stringify(destructive(services)[0]?.input)).toContain('shop-ingest-b');
    expect(mutations.indexOf(destructive(services)[1] as never)).toBeGreaterThan(flip);
    expect(callsTouching(config, services, 'b').every((c) => !/Delete|Disable/.test(c))).toBe(true);
    expect(stdout).toMatch(/BeforeInstall\s+→ CodeDeployHook_before_install/);
    expect(stdout).toMatch(/✓ run-migration b: RunTask ecs-task:shop\/shop-migrate-b/);
    expect(stdout).toMatch(/✓ publish-seed b: PutEvents/);
    expect(stdout).toMatch(/AfterAllowTraffic\s+→ CodeDeployHook_after_allow_traffic/);
    expect(stdout).toMatch(/✓ flip-active-stack b: PutParameter ssm:\/shop\/active-stack/);
    expect(stdout).not.toMatch(/delete-database/);
    expect(stdout).toContain('active stack: b (/shop/active-stack)');
  });

  it('fails at AfterAllowTestTraffic, rolls back, tears nothing down and leaves the pointer on a', async () => {
    const { code, stdout, services, result, config } = await simulateWithPresets('fail', ['--strict-exit']);
    expect(code).toBe(1);
    expect(result.status).toBe('Failed');
    expect(result.failedEvent).toBe('AfterAllowTestTraffic');
    expect(result.reports.map((r) => `${r.event} ${r.status}`)).toEqual([
      'BeforeInstall Succeeded',
      'AfterInstall Succeeded',
      'AfterAllowTestTraffic Failed',
    ]);
    expect(services.state.parameters.get('/shop/active-stack')).toBe('a');
    // Only b's queue, purged before b was reused.
    expect(destructive(services).map((c) => c.operation)).toEqual(['PurgeQueue']);
    // Nothing of the live stack a was changed: every state-changing call was about b or the hooks' records.
    expect(callsTouching(config, services, 'a')).toEqual([]);
    expect(services.state.tables.get('shop-orders-a')).toMatchObject({ status: 'ACTIVE', items: 120 });
    expect(services.state.rules.get('default/shop-nightly-reconcile-a')).toBe('ENABLED');
    // b was prepared before the validation.
    expect(services.state.rules.get('default/shop-nightly-reconcile-b')).toBe('ENABLED');
    expect(stdout).not.toMatch(/AfterAllowTraffic\s+→/);
    expect(stdout).toContain('active stack: a (/shop/active-stack)');
    expect(stdout).toMatch(
      /rolled back: the pointer is unchanged and no call changed anything of the live stack a/,
    );
  });

  it('--fail-after-shift: the rollback deployment returns production traffic to a, but the pointer flip was skipped', async () => {
    const { code, stdout, result, services } = await simulateWithPresets('pass', [
      '--fail-after-shift',
      '--strict-exit',
    ]);
    expect(code).toBe(1);
    expect(result).toMatchObject({
      status: 'Failed',
      failedEvent: 'AfterAllowTraffic',
      production: 'original',
    });
    const statuses = result.timeline.flatMap((e) =>
      e.kind === 'deployment' ? [`${e.deploymentId} ${e.status}`] : [],
    );
    const rollback = result.rollbackDeploymentId as string;
    expect(statuses).toEqual([
      `${result.deploymentId} Created`,
      `${result.deploymentId} InProgress`,
      `${result.deploymentId} Failed`,
      `${rollback} Created`,
      `${rollback} InProgress`,
      `${rollback} Succeeded`,
    ]);
    expect(result.deployments[0]?.rollbackInfo?.rollbackDeploymentId).toBe(rollback);
    expect(services.state.parameters.get('/shop/active-stack')).toBe('a');
    // Only b's queue, purged before b was reused: nothing of a, where the rollback sends traffic, was touched.
    expect(destructive(services).map((c) => [c.operation, c.input.QueueUrl])).toEqual([
      ['PurgeQueue', 'https://sqs.us-east-1.amazonaws.com/000000000000/shop-ingest-b'],
    ]);
    expect(stdout).toMatch(/route production traffic back to the original task set/);
    expect(stdout).toContain(
      `production traffic ends on the original version: the rollback deployment ${rollback} moved it back`,
    );
  });

  it('--fail-after-shift --no-auto-rollback: production stays on the new stack b while the pointer still names a', async () => {
    const { code, stdout, result, services } = await simulateWithPresets('pass', [
      '--fail-after-shift',
      '--no-auto-rollback',
      '--strict-exit',
    ]);
    expect(code).toBe(1);
    expect(result).toMatchObject({
      status: 'Failed',
      failedEvent: 'AfterAllowTraffic',
      production: 'replacement',
    });
    expect(result.rollbackDeploymentId).toBeUndefined();
    expect(services.state.parameters.get('/shop/active-stack')).toBe('a');
    expect(stdout).toContain(
      "no rollback (the group's auto-rollback is off): production traffic stays on the replacement task set",
    );
    expect(stdout).toContain(
      'failed after the shift: the pointer names a, production traffic is on the new stack b',
    );
  });

  it('runs the validation alone with --no-presets', async () => {
    const r = await runCommand(createSimulateCommand({ targets, validate: verdict('pass') }), [
      'simulate',
      '--no-presets',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/BeforeInstall\s+→/);
    expect(r.stdout).toMatch(/AfterAllowTestTraffic\s+→ CodeDeployHook_validate/);
  });

  it('refuses --candidate-good with targets of your own', async () => {
    await expect(
      runCommand(simulateCommand, ['simulate', '--candidate-good', '--live', 'http://127.0.0.1:1']),
    ).rejects.toThrow(/--candidate-good applies to the demo run only/);
  });
});

describe('bg-replay simulate (the demo, end to end)', () => {
  it("runs the demo ECS deployment with the real validator and catches green's bug", async () => {
    const r = await runCommand(simulateCommand, ['simulate']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/AfterAllowTestTraffic\s+Failed after/);
    // Failed for the right reason: the verdict, not an error on the way.
    expect(r.stdout).toMatch(/AfterAllowTestTraffic hook: verdict fail: /);
    expect(r.stdout).toMatch(/deployment d-SIM\w+ Failed/);
    expect(r.stdout).toMatch(/BeforeInstall\s+Succeeded/);
    expect(r.stdout).toContain('active stack: a (/shop/active-stack)');
  });

  it('--platform Lambda invokes versions 1 and 2 on the stand-in, each answering as its own release, and fails on green', async () => {
    const r = await runCommand(simulateCommand, ['simulate', '--platform', 'Lambda', '--strict-exit']);
    expect(r.code).toBe(1);
    // The version header of each side's answers: Invoke reached blue (1.4.2) through version 1, green through 2.
    expect(r.stdout).toContain(
      'the validation compared lambda://shop-demo:1?payload=1.0 (answered as version 1.4.2) with lambda://shop-demo:2?payload=1.0 (answered as version 1.5.0)',
    );
    expect(r.stdout).toMatch(/BeforeAllowTraffic hook: verdict fail: GET \/orders\/:id/);
    expect(r.stdout).toContain('production traffic never left the original version (alias live → version 1)');
  }, 60_000);

  it('passes with --candidate-good: blue behind the test listener, then the flip and the teardown', async () => {
    const r = await runCommand(simulateCommand, ['simulate', '--candidate-good']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/AfterAllowTestTraffic\s+Succeeded after/);
    expect(r.stdout).toMatch(/AfterAllowTraffic\s+Succeeded after/);
    expect(r.stdout).toMatch(/deployment d-SIM\w+ Succeeded/);
    expect(r.stdout).toContain('active stack: b (/shop/active-stack)');
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

describe('bg-replay simulate --shards (the validation handed off to the state machine, run locally)', {
  timeout: 90_000,
}, () => {
  const simulateSharded = (argv: string[]) => simulateKeeping({}, argv);
  const report = (services: AwsStandInServices, key: string) =>
    JSON.parse(
      services.state.objects.get(`bg-replay-simulated-reports/bg-replay/${key}`)?.body.toString('utf8') ??
        'null',
    ) as Report;

  it('--shards 4 hands off, replays the failing demo in 4 shards, merges them and reports Failed from the state machine', async () => {
    const { code, stdout, services, result } = await simulateSharded(['--shards', '4', '--strict-exit']);
    expect(code).toBe(1);
    expect(result.failedEvent).toBe('AfterAllowTestTraffic');
    // One status for the validation event, sent by the state machine's ReportVerdict: the hook handed off.
    expect(result.reports.map((r) => `${r.event} ${r.status} ${r.accepted}`)).toContain(
      'AfterAllowTestTraffic Failed true',
    );
    expect(result.reports.filter((r) => r.event === 'AfterAllowTestTraffic')).toHaveLength(1);
    const validation = result.timeline.filter(
      (e) => (e.kind === 'note' || e.kind === 'execution') && e.event === 'AfterAllowTestTraffic',
    );
    const texts = validation.map((e) => (e.kind === 'note' || e.kind === 'execution' ? e.text : ''));
    expect(texts.find((t) => t.startsWith('handed off:'))).toMatch(
      /^handed off: validation handed off to 4 shards in state machine execution arn:aws:states:us-east-1:000000000000:execution:bg-replay-validation:bg-replay-d-SIM\w+-[\w-]+: expected 35 s \(42 s with margin\) exceeds the 29 s this invocation has left$/,
    );
    expect(texts).toContain(
      'ResolveWindow: 4 shards, sample ≤ 100 records each, live ≤ 100 rps per shard (400 rps / 4)',
    );
    for (const i of [1, 2, 3, 4]) {
      expect(
        texts.some((t) =>
          new RegExp(
            `^shard ${i}/4: 100 records compared, verdict fail \\(match [\\d.]+%\\), live ≤ 100 rps → s3://bg-replay-simulated-reports/bg-replay/d-SIM\\w+/AfterAllowTestTraffic/shard-${i}-of-4\\.json$`,
          ).test(t),
        ),
        texts.join('\n'),
      ).toBe(true);
    }
    expect(
      texts.some((t) =>
        /^Merge: 4\/4 shards, verdict fail \(match [\d.]+%\) → Failed; merged report s3:/.test(t),
      ),
      texts.join('\n'),
    ).toBe(true);
    expect(texts).toContain('ReportVerdict: PutLifecycleEventHookExecutionStatus Failed');
    expect(texts.at(-1)).toMatch(/^execution bg-replay-d-SIM\w+-[\w-]+ FAILED: BgReplay\.VerdictFailed/);
    expect(stdout).toMatch(
      /AfterAllowTestTraffic hook: the state machine reported Failed: verdict fail: GET \/orders\/:id/,
    );

    // What the in-memory account received: one execution with 4 shards and the demo's cap of 400 rps...
    const started = services.calls.filter((c) => c.operation === 'StartExecution');
    expect(started).toHaveLength(1);
    const input = JSON.parse(String(started[0]?.input.input)) as { shards: number; config: { rps: number } };
    expect(input.shards).toBe(4);
    expect(input.config.rps).toBe(400);
    const [execution] = [...services.state.executions.values()];
    expect(execution).toMatchObject({ status: 'FAILED', error: 'BgReplay.VerdictFailed' });
    // ...4 shard reports written, read back by the merge, and the merged report written last.
    const s3 = services.calls
      .filter((c) => c.service === 's3')
      .map((c) => `${c.operation} ${String(c.input.Key).split('/').at(-1)}`);
    expect(s3.slice(0, 4).sort()).toEqual([1, 2, 3, 4].map((i) => `PutObject shard-${i}-of-4.json`));
    expect(s3.slice(4, 8).sort()).toEqual([1, 2, 3, 4].map((i) => `GetObject shard-${i}-of-4.json`));
    expect(s3.slice(8)).toEqual(['PutObject AfterAllowTestTraffic.json']);
    const deploymentId = result.deploymentId;
    const parts = [1, 2, 3, 4].map((i) =>
      report(services, `${deploymentId}/AfterAllowTestTraffic/shard-${i}-of-4.json`),
    );
    expect(parts.map((p) => p.shard)).toEqual([1, 2, 3, 4].map((index) => ({ index, total: 4 })));
    const merged = report(services, `${deploymentId}/AfterAllowTestTraffic.json`);
    expect(merged.verdict).toBe('fail');
    expect(merged.shard).toBeUndefined();
    expect(merged.counts.compared).toBe(parts.reduce((n, p) => n + p.counts.compared, 0));
    expect(merged.counts.compared).toBe(400);
  });

  it('--candidate-good --shards 4 passes: every shard matches, the merge reports Succeeded and the deployment goes on', async () => {
    const { code, stdout, services, result } = await simulateSharded([
      '--candidate-good',
      '--shards',
      '4',
      '--no-presets',
    ]);
    expect(code).toBe(0);
    expect(result.status).toBe('Succeeded');
    expect(result.reports.map((r) => `${r.event} ${r.status}`)).toEqual(['AfterAllowTestTraffic Succeeded']);
    expect(
      stdout.match(/shard \d\/4: 100 records compared, verdict inconclusive \(match 100\.0%\)/g),
    ).toHaveLength(4);
    expect(stdout).toMatch(/Merge: 4\/4 shards, verdict pass \(match 100\.0%\) → Succeeded/);
    expect(stdout).toContain('ReportVerdict: PutLifecycleEventHookExecutionStatus Succeeded');
    expect(stdout).toMatch(/route production traffic to the replacement task set/);
    expect([...services.state.executions.values()].map((e) => e.status)).toEqual(['SUCCEEDED']);
  });

  it('refuses a number of shards it cannot run', async () => {
    await expect(runCommand(simulateCommand, ['simulate', '--shards', '0'])).rejects.toThrow(
      /--shards 0: expected a whole number of shards, 1\.\.100/,
    );
    await expect(runCommand(simulateCommand, ['simulate', '--shards', '2.5'])).rejects.toThrow(
      /--shards 2\.5/,
    );
    // A config without base URLs (a Lambda deployment compared by its versions) cannot be sharded.
    const dir = await mkdtemp(join(tmpdir(), 'bg-replay-simulate-'));
    try {
      await writeFile(join(dir, 'access.log'), '');
      await writeFile(join(dir, 'hook.json'), JSON.stringify({ logFile: join(dir, 'access.log') }));
      await expect(
        runCommand(simulateCommand, [
          'simulate',
          '--platform',
          'Lambda',
          '--shards',
          '2',
          '--config',
          join(dir, 'hook.json'),
        ]),
      ).rejects.toThrow(
        '--shards 2: shards replay base URLs; give live and candidate (--live, --candidate or the config)',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
