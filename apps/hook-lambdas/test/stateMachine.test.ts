import type { Server } from 'node:http';
import { CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import {
  type AwsStandIn,
  createStandInClient,
  createStandInDeployment,
  startAwsStandIn,
} from '@bg-replay/aws-stand-in';
import { createHookHandler, createValidationHook, validationHookConfigSchema } from '@bg-replay/codedeploy';
import type {
  MergeTaskResult,
  ShardTaskInput,
  ValidationExecutionInput,
} from '@bg-replay/codedeploy/internal';
import {
  createStateMachineDefinition,
  createStateMachineHandOff,
} from '@bg-replay/codedeploy/step-functions';
import { type Report, validate } from '@bg-replay/core';
import { silentLogger } from '@bg-replay/core/internal';
import { createDemoService, type DemoServices, startDemoServices } from '@bg-replay/demo';
import { runStateMachineLocally } from '@bg-replay/simulator';
import { fakeLambdaContext, listenOnLoopback } from '@bg-replay/test-utils';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMergeHandler } from '../src/sfnMerge.js';
import { createShardHandler } from '../src/sfnShard.js';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function';
const { definition, worstCaseSeconds } = createStateMachineDefinition({
  shardFunctionArn: `${ARN}:CodeDeployHook_sfn_shard`,
  mergeFunctionArn: `${ARN}:CodeDeployHook_sfn_merge`,
  maxShards: 3,
});

/** The stand-in account of each test: bucket `reports`, deployment d-SFN0001 with hook execution hook-exec-1 open. */
let standIn: AwsStandIn;
beforeEach(async () => {
  standIn = await startAwsStandIn();
  standIn.services.state.buckets.add('reports');
  standIn.addDeployment(
    createStandInDeployment({ deploymentId: 'd-SFN0001', appSpecContent: 'version: 0.0' }),
  );
  standIn.openHookExecution('AfterAllowTestTraffic', 'hook-exec-1');
});
afterEach(async () => {
  await standIn.close();
});

/** The stand-in's S3 behind the real SDK client. */
function stubS3() {
  const { objects } = standIn.services.state;
  return {
    s3: createStandInClient(S3Client, standIn.url),
    objects,
    report: (key: string) =>
      JSON.parse(objects.get(`reports/${key}`)?.body.toString('utf8') ?? 'null') as Report,
  };
}

/**
 * The stand-in's CodeDeploy, recording every status it is told after this call; with `alreadyCompleted`, a
 * duplicate invocation has reported the hook execution first.
 */
async function stubCodeDeploy(options: { alreadyCompleted?: boolean } = {}) {
  const codedeploy = createStandInClient(CodeDeployClient, standIn.url);
  if (options.alreadyCompleted)
    await codedeploy.send(
      new PutLifecycleEventHookExecutionStatusCommand({
        deploymentId: 'd-SFN0001',
        lifecycleEventHookExecutionId: 'hook-exec-1',
        status: 'Succeeded',
      }),
    );
  const before = standIn.services.callsOf('PutLifecycleEventHookExecutionStatus').length;
  const reported = () =>
    standIn.services
      .callsOf('PutLifecycleEventHookExecutionStatus')
      .slice(before)
      .map(
        (c) => c.input as { deploymentId?: string; lifecycleEventHookExecutionId?: string; status?: string },
      );
  return { codedeploy, reported };
}

let demo: DemoServices;
let secondBlue: Server;
let secondBlueUrl: string;
beforeAll(async () => {
  demo = await startDemoServices();
  secondBlue = createDemoService('blue');
  secondBlueUrl = await listenOnLoopback(secondBlue);
});
afterAll(async () => {
  secondBlue.closeAllConnections();
  await new Promise((r) => secondBlue.close(r));
  await demo.close();
});

function demoConfig(candidate: string, extra: Record<string, unknown> = {}) {
  return {
    logFile: demo.logFile,
    live: demo.live,
    candidate,
    rules: demo.rulesFile,
    versionHeader: demo.versionHeader,
    // Larger than the log: every record is replayed, so shards and a single run see the same records.
    sample: 5000,
    rps: 0,
    // Counts must match a single run exactly: a generous timeout keeps a busy machine from dropping records.
    timeoutMs: 30_000,
    report: { s3: { bucket: 'reports', prefix: 'bg-replay/' } },
    ...extra,
  };
}

function executionInput(config: unknown, shards = 3): ValidationExecutionInput {
  return {
    deploymentId: 'd-SFN0001',
    lifecycleEventHookExecutionId: 'hook-exec-1',
    lifecycleEvent: 'AfterAllowTestTraffic',
    config,
    shards,
    requestedAt: '2026-11-30T12:00:00.000Z',
  };
}

let store: ReturnType<typeof stubS3>;
beforeEach(() => {
  store = stubS3();
});

function handlers(overrideShard?: (event: ShardTaskInput) => Promise<unknown>) {
  const shard = createShardHandler({ s3: store.s3, logger: silentLogger });
  return {
    functions: {
      CodeDeployHook_sfn_shard: (overrideShard ?? shard) as (event: never) => Promise<unknown>,
      CodeDeployHook_sfn_merge: createMergeHandler({ s3: store.s3, logger: silentLogger }) as (
        event: never,
      ) => Promise<unknown>,
    },
  };
}

describe('the validation state machine, run locally with the real shard and merge handlers', {
  timeout: 90_000,
}, () => {
  it('replays the failing demo in 3 shards, merges them into the counts and verdict of one run, and reports Failed', async () => {
    const { codedeploy, reported } = await stubCodeDeploy();
    const config = demoConfig(demo.candidate);
    const run = await runStateMachineLocally(definition, executionInput(config), {
      ...handlers(),
      codedeploy,
    });

    expect(run.entered.filter((s) => s === 'RunShard')).toHaveLength(3);
    expect(run.iterations).toEqual({ succeeded: 3, failed: 0 });
    expect(run.entered).toEqual(
      expect.arrayContaining(['ResolveWindow', 'Shards', 'Merge', 'ReportVerdict', 'VerdictFailed']),
    );
    expect(run.error?.name).toBe('BgReplay.VerdictFailed');
    expect(reported()).toEqual([
      { deploymentId: 'd-SFN0001', lifecycleEventHookExecutionId: 'hook-exec-1', status: 'Failed' },
    ]);
    for (const i of [1, 2, 3]) {
      const part = store.report(`bg-replay/d-SFN0001/AfterAllowTestTraffic/shard-${i}-of-3.json`);
      expect(part.shard).toEqual({ index: i, total: 3 });
      expect(part.counts.compared).toBeGreaterThan(0);
    }

    const merged = store.report('bg-replay/d-SFN0001/AfterAllowTestTraffic.json');
    const single = await validate({
      logs: [{ kind: 'file', path: demo.logFile }],
      live: demo.live,
      candidate: demo.candidate,
      rules: demo.rulesFile,
      versionHeader: demo.versionHeader,
      sample: 5000,
      rps: 0,
      timeoutMs: 30_000,
    });
    expect(merged.verdict).toBe('fail');
    expect(merged.verdict).toBe(single.verdict);
    expect(merged.counts.read).toBe(single.counts.read);
    expect(merged.counts.sampled).toBe(single.counts.sampled);
    expect(merged.counts.compared).toBe(single.counts.compared);
    expect(merged.counts.compared).toBeGreaterThan(1000);
    expect(merged.routes.map((r) => [r.route, r.total, r.matched])).toEqual(
      single.routes.map((r) => [r.route, r.total, r.matched]),
    );
  });

  it('runs the Distributed Map variant (more than 40 shards allowed) the same way', async () => {
    const { codedeploy, reported } = await stubCodeDeploy();
    const distributed = createStateMachineDefinition({
      shardFunctionArn: `${ARN}:CodeDeployHook_sfn_shard`,
      mergeFunctionArn: `${ARN}:CodeDeployHook_sfn_merge`,
      maxShards: 64,
    });
    expect(distributed.mapMode).toBe('DISTRIBUTED');
    const run = await runStateMachineLocally(
      distributed.definition,
      executionInput(demoConfig(secondBlueUrl), 4),
      {
        ...handlers(),
        codedeploy,
      },
    );
    expect(run.iterations).toEqual({ succeeded: 4, failed: 0 });
    expect(reported().map((r) => r.status)).toEqual(['Succeeded']);
    expect(store.report('bg-replay/d-SFN0001/AfterAllowTestTraffic.json').shard).toBeUndefined();
  });

  it('reports Succeeded when the candidate answers as live does', async () => {
    const { codedeploy, reported } = await stubCodeDeploy();
    const run = await runStateMachineLocally(definition, executionInput(demoConfig(secondBlueUrl)), {
      ...handlers(),
      codedeploy,
    });
    expect(run.error).toBeUndefined();
    expect(run.entered.at(-1)).toBe('Passed');
    expect(reported().map((r) => r.status)).toEqual(['Succeeded']);
    expect(store.report('bg-replay/d-SFN0001/AfterAllowTestTraffic.json').verdict).toBe('pass');
  });

  it('makes a run with a dead shard inconclusive and reports Failed, even when inconclusive runs are allowed', async () => {
    const { codedeploy, reported } = await stubCodeDeploy();
    const real = createShardHandler({ s3: store.s3, logger: silentLogger });
    const run = await runStateMachineLocally(
      definition,
      executionInput(demoConfig(secondBlueUrl, { allowInconclusive: true })),
      {
        ...handlers(async (event) => {
          if (event.item.index === 2) throw new Error('Runtime exited with error: signal: killed');
          return real(event);
        }),
        codedeploy,
      },
    );
    expect(run.iterations).toEqual({ succeeded: 3, failed: 0 }); // the failure is caught inside the iteration
    expect(run.entered).toContain('ShardFailed');
    expect(reported().map((r) => r.status)).toEqual(['Failed']);
    const merged = store.report('bg-replay/d-SFN0001/AfterAllowTestTraffic.json');
    expect(merged.verdict).toBe('inconclusive');
    expect(merged.reasons.map((r) => r.code)).toContain('missing-shards');
  });

  it('reports Failed with the reason when the window cannot be resolved (no report bucket)', async () => {
    const { codedeploy, reported } = await stubCodeDeploy();
    const config = { ...demoConfig(demo.candidate), report: { log: true } };
    const run = await runStateMachineLocally(definition, executionInput(config), {
      ...handlers(),
      codedeploy,
    });
    expect(run.entered).toEqual(['ResolveWindow', 'ReportFailed', 'RunFailed']);
    expect(run.error?.name).toBe('BgReplay.RunFailed');
    expect(reported().map((r) => r.status)).toEqual(['Failed']);
  });

  it('ends quietly when CodeDeploy already has a status for the hook', async () => {
    const { codedeploy, reported } = await stubCodeDeploy({ alreadyCompleted: true });
    const run = await runStateMachineLocally(definition, executionInput(demoConfig(secondBlueUrl)), {
      ...handlers(),
      codedeploy,
    });
    expect(reported()).toHaveLength(1);
    expect(run.error).toBeUndefined();
    expect((run.output as { merged: MergeTaskResult }).merged.status).toBe('Succeeded');
  });

  it('is started by the validation hook instead of replaying inline, and the machine, not the hook, reports', async () => {
    const { codedeploy, reported } = await stubCodeDeploy();
    const sfn = createStandInClient(SFNClient, standIn.url);
    standIn.services.state.stateMachines.set('arn:aws:states:us-east-1:123456789012:stateMachine:bg-replay', {
      definition,
    });
    const clock = () => Date.parse('2026-11-30T12:00:00Z');
    // A soak comparison: 90,000 records at 50 rps cannot fit in one 15-minute invocation.
    const config = demoConfig(demo.candidate, { sample: 90_000, rps: 50 });
    const hook = createHookHandler(
      createValidationHook(validationHookConfigSchema.parse(config), {
        handOff: createStateMachineHandOff({
          stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:bg-replay',
          shards: 3,
          worstCaseSeconds,
          sfn,
          now: clock,
        }),
        validate: async () => {
          throw new Error('the hook must not replay inline');
        },
      }),
      {
        clients: { codedeploy, lambda: createStandInClient(LambdaClient, standIn.url) },
        logger: silentLogger,
        resolveContext: false,
        lifecycleEvent: 'AfterAllowTestTraffic',
        now: clock,
      },
    );
    const outcome = await hook(
      { DeploymentId: 'd-SFN0001', LifecycleEventHookExecutionId: 'hook-exec-1' },
      fakeLambdaContext({ functionName: 'CodeDeployHook_validate', now: clock }),
    );
    expect(outcome.status).toBe('HandedOff');
    expect(outcome.reason).toMatch(
      /^validation handed off to 3 shards in state machine execution arn:aws:states:us-east-1:123456789012:execution:bg-replay:bg-replay-d-SFN0001-hook-exec-1: expected 1830 s/,
    );
    expect(reported()).toEqual([]);

    const started = standIn.services.callsOf('StartExecution')[0]?.input;
    const input = JSON.parse(String(started?.input ?? '{}')) as ValidationExecutionInput;
    // Shrink the soak back to the demo's size for the local run; everything else is what the hook sent.
    const run = await runStateMachineLocally(
      definition,
      { ...input, config: { ...(input.config as object), sample: 5000, rps: 0 } },
      { ...handlers(), codedeploy },
    );
    expect(run.iterations.succeeded).toBe(3);
    expect(reported()).toEqual([
      { deploymentId: 'd-SFN0001', lifecycleEventHookExecutionId: 'hook-exec-1', status: 'Failed' },
    ]);
  });
});
