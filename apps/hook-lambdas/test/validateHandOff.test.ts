import { mkdtemp, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Report } from '@bg-replay/core';
import { createDemoService, type DemoServices, startDemoServices } from '@bg-replay/demo';
import {
  type AwsStandInServices,
  createAwsStandInServices,
  createValidationStateMachine,
  createVirtualClock,
  type LifecycleResult,
  runLifecycle,
  VALIDATION_STATE_MACHINE_ARN,
} from '@bg-replay/simulator';
import { listenOnLoopback } from '@bg-replay/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createValidateHandler } from '../src/validate.js';

const BUCKET = 'shop-bg-replay-reports';

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

/** The function's folder with its bundled config file: the state machine and the report bucket. */
async function functionDir(config: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bgr-handoff-'));
  await writeFile(join(dir, 'bg-replay.config.json'), JSON.stringify(config));
  return dir;
}

interface Run {
  result: LifecycleResult;
  services: AwsStandInServices;
  logs: Array<{ message: string; data?: Record<string, unknown> }>;
}

/**
 * An ECS deployment whose AfterAllowTestTraffic runs the ready-made CodeDeployHook_validate handler as the
 * bundle does (config file beside it, BG_REPLAY_* variables over it), with the CodeDeploy, Lambda, S3 and Step
 * Functions stand-ins of the simulator; the state machine's shard and merge functions run in-process.
 */
async function deploy(
  candidate: string,
  env: Record<string, string>,
  options: { timeoutMs: number },
): Promise<Run> {
  const dir = await functionDir({
    stateMachineArn: VALIDATION_STATE_MACHINE_ARN,
    report: { s3: { bucket: BUCKET, prefix: 'bg-replay/' } },
    rules: demo.rulesFile,
    versionHeader: demo.versionHeader,
    rps: 100,
  });
  const clock = createVirtualClock(Date.parse('2026-11-30T12:00:00Z'));
  const services = createAwsStandInServices({ now: clock.now });
  services.state.buckets.add(BUCKET);
  const logs: Run['logs'] = [];
  const record = (message: string, data?: Record<string, unknown>) =>
    logs.push({ message, ...(data ? { data } : {}) });
  const result = await runLifecycle({
    platform: 'ECS',
    clock,
    services,
    stateMachines: [createValidationStateMachine({ maxShards: 4 })],
    hooks: {
      AfterAllowTestTraffic: {
        functionName: 'CodeDeployHook_validate',
        timeoutMs: options.timeoutMs,
        handler: (h) => {
          const handler = createValidateHandler({
            env: {
              BG_REPLAY_LOG_FILE: demo.logFile,
              BG_REPLAY_LIVE: demo.live,
              BG_REPLAY_CANDIDATE: candidate,
              ...env,
            },
            baseDir: dir,
            handler: {
              // The harness's clients, and an S3 client on the stand-in for the report (path-style URLs).
              clients: {
                ...h,
                s3: h.clock.instrument(
                  new S3Client({
                    endpoint: h.endpoint,
                    region: h.region,
                    credentials: h.credentials,
                    forcePathStyle: true,
                  }),
                ),
              },
              logger: { debug: record, info: record, warn: record, error: record },
              now: h.clock.now,
              sleep: h.clock.sleep,
              reserveMs: 1000,
            },
            deps: {
              sfn: h.clock.instrument(
                new SFNClient({ endpoint: h.endpoint, region: h.region, credentials: h.credentials }),
              ),
            },
          });
          // An inline replay is real HTTP: the virtual clock waits for it.
          return (event, context) => h.clock.track(handler(event as never, context));
        },
      },
    },
  });
  return { result, services, logs };
}

function s3Report(services: AwsStandInServices, key: string): Report {
  const object = services.state.objects.get(`${BUCKET}/bg-replay/${key}`);
  if (!object) throw new Error(`no object ${key}`);
  return JSON.parse(object.body.toString('utf8')) as Report;
}

describe('CodeDeployHook_validate with stateMachineArn: it decides inline or hand-off by itself', {
  timeout: 120_000,
}, () => {
  it('hands the failing demo off to 4 shards, and the state machine reports Failed to CodeDeploy', async () => {
    const { result, services, logs } = await deploy(
      demo.candidate,
      { BG_REPLAY_SHARDS: '4' },
      { timeoutMs: 30_000 },
    );

    expect(result.status).toBe('Failed');
    expect(result.failedEvent).toBe('AfterAllowTestTraffic');
    // One status for the event, and it came from the state machine: the hook reported nothing itself.
    expect(result.reports.filter((r) => r.event === 'AfterAllowTestTraffic')).toEqual([
      expect.objectContaining({ status: 'Failed', accepted: true }),
    ]);
    expect(logs.map((l) => l.message)).toContain('validation handed off to Step Functions');
    expect(logs.map((l) => l.message)).toContain('handed off: the status is reported by the state machine');
    expect(logs.map((l) => l.message)).not.toContain('hook reported');

    const started = services.calls.filter((c) => c.operation === 'StartExecution');
    expect(started).toHaveLength(1);
    expect(started[0]?.input.stateMachineArn).toBe(VALIDATION_STATE_MACHINE_ARN);
    const input = JSON.parse(String(started[0]?.input.input)) as {
      shards: number;
      config: { rps: number; candidate: string; report: { s3: { bucket: string } } };
    };
    // shards from BG_REPLAY_SHARDS, the rest from the bundled file and the other variables.
    expect(input.shards).toBe(4);
    expect(input.config.rps).toBe(100);
    expect(input.config.candidate).toBe(demo.candidate);
    expect(input.config.report.s3.bucket).toBe(BUCKET);

    const deploymentId = result.deploymentId;
    for (const i of [1, 2, 3, 4]) {
      const part = s3Report(services, `${deploymentId}/AfterAllowTestTraffic/shard-${i}-of-4.json`);
      expect(part.shard).toEqual({ index: i, total: 4 });
    }
    const merged = s3Report(services, `${deploymentId}/AfterAllowTestTraffic.json`);
    expect(merged.verdict).toBe('fail');
    expect(merged.counts.compared).toBeGreaterThan(0);
    expect([...services.state.executions.values()][0]).toMatchObject({
      status: 'FAILED',
      error: 'BgReplay.VerdictFailed',
    });
  });

  it('hands the passing demo off, and the state machine reports Succeeded so the deployment goes on', async () => {
    const { result, services } = await deploy(
      secondBlueUrl,
      { BG_REPLAY_SHARDS: '2', BG_REPLAY_ALLOW_INCONCLUSIVE: 'true' },
      { timeoutMs: 30_000 },
    );
    expect(result.reports.filter((r) => r.event === 'AfterAllowTestTraffic')).toEqual([
      expect.objectContaining({ status: 'Succeeded', accepted: true }),
    ]);
    expect(result.status).toBe('Succeeded');
    const input = JSON.parse(
      String(services.calls.find((c) => c.operation === 'StartExecution')?.input.input),
    ) as { shards: number };
    expect(input.shards).toBe(2);
    expect([...services.state.executions.values()][0]?.status).toBe('SUCCEEDED');
  });

  it('replays inline when the run fits in the invocation, says so in its log and report, and starts nothing', async () => {
    const { result, services, logs } = await deploy(secondBlueUrl, {}, { timeoutMs: 900_000 });
    expect(services.calls.filter((c) => c.operation === 'StartExecution')).toEqual([]);
    const inline = logs.find((l) => l.message === 'validation runs inline');
    expect(inline?.data?.reason).toMatch(/^expected \d+ s \(\d+ s with margin\) fits in the \d+ s left$/);
    // The hook reported itself; its report in S3 says where it ran and why.
    expect(result.reports.filter((r) => r.event === 'AfterAllowTestTraffic')).toHaveLength(1);
    const report = s3Report(services, `${result.deploymentId}/AfterAllowTestTraffic.json`) as Report & {
      execution?: { mode: string; reason: string };
    };
    expect(report.execution).toEqual({ mode: 'inline', reason: inline?.data?.reason });
  });
});
