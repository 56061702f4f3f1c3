import { execFile } from 'node:child_process';
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildAppSpec } from '@bg-replay/codedeploy';
import { loadStacksConfig } from '@bg-replay/hooks';
import { createAwsStandInServices, seedStandInAccount, startCodeDeployStandIn } from '@bg-replay/simulator';
import { describe, expect, it } from 'vitest';
// @ts-expect-error build.mjs is plain JavaScript without types
import { buildHooks } from '../build.mjs';

// Generous, and under the test's timeout: a plain node that starts the SDK on a busy machine may take a while;
// one that hangs is killed and its stderr shown.
const CHILD_TIMEOUT_MS = 90_000;

describe('the esbuild bundle (plain node, no vitest interop)', { timeout: 120_000 }, () => {
  it('builds CodeDeployHook_validate/index.mjs, and the bundled handler reports Failed for a bad config', async () => {
    const outdir = await mkdtemp(join(tmpdir(), 'bgr-bundle-'));
    const [built] = (await buildHooks({
      outdir,
      measure: false,
      only: ['validate'],
      log: () => {},
    })) as Array<{
      name: string;
      file: string;
      bytes: number;
    }>;
    expect(built?.name).toBe('CodeDeployHook_validate');
    expect(built?.file).toBe(join(outdir, 'CodeDeployHook_validate', 'index.mjs'));

    const spec = buildAppSpec({
      platform: 'Lambda',
      functionName: 'api',
      alias: 'live',
      currentVersion: '1',
      targetVersion: '2',
      hooks: { BeforeAllowTraffic: 'CodeDeployHook_validate' },
    });
    const standIn = await startCodeDeployStandIn({
      deployment: {
        deploymentId: 'd-BUNDLE001',
        applicationName: 'api',
        deploymentGroupName: 'api-bg',
        computePlatform: 'Lambda',
        appSpecContent: spec.content,
        appSpecSha256: spec.sha256,
        status: 'InProgress',
      },
    });
    try {
      const execution = standIn.openHookExecution('BeforeAllowTraffic');
      const script = `
        const { handler } = await import(${JSON.stringify(pathToFileURL(built?.file ?? '').href)});
        const context = { functionName: 'CodeDeployHook_validate', getRemainingTimeInMillis: () => 60000 };
        const outcome = await handler({ DeploymentId: 'd-BUNDLE001', LifecycleEventHookExecutionId: ${JSON.stringify(execution.id)} }, context);
        process.stdout.write(JSON.stringify(outcome) + String.fromCharCode(10));
        process.exit(0); // the SDK's keep-alive socket to the stand-in would hold the process open`;
      const stdout = await new Promise<string>((resolve, reject) => {
        execFile(
          process.execPath,
          ['--input-type=module', '-e', script],
          {
            cwd: outdir,
            timeout: CHILD_TIMEOUT_MS,
            env: {
              PATH: process.env.PATH ?? '',
              AWS_REGION: 'us-east-1',
              AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
              AWS_SECRET_ACCESS_KEY: 'local',
              AWS_ENDPOINT_URL: standIn.url,
              BG_REPLAY_LOG_GROUP: '/aws/apigw/api',
              BG_REPLAY_LIVE: 'https://api.example.com',
            },
          },
          (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
        );
      });
      const lines = stdout.trim().split('\n');
      const outcome = JSON.parse(lines.at(-1) ?? '{}');
      expect(outcome.status).toBe('Failed');
      expect(outcome.reason).toMatch(/candidate \(.*\)?: is required|candidate: is required/);
      expect(await execution.reported).toBe('Failed');
      expect(standIn.operations).toEqual([
        'GetDeployment',
        'GetApplicationRevision',
        'PutLifecycleEventHookExecutionStatus',
      ]);
      // The JSON log lines are the function's CloudWatch output.
      expect(
        lines.some((l) => l.includes('"message":"hook reported"') && l.includes('"status":"Failed"')),
      ).toBe(true);
    } finally {
      await standIn.close();
    }
  });
});

/** Runs a bundled handler in a fresh plain `node` and returns its stdout lines. */
function runBundle(
  file: string,
  functionName: string,
  event: Record<string, string>,
  env: Record<string, string>,
): Promise<string[]> {
  const script = `
    const { handler } = await import(${JSON.stringify(pathToFileURL(file).href)});
    const context = { functionName: ${JSON.stringify(functionName)}, getRemainingTimeInMillis: () => 60000 };
    const outcome = await handler(${JSON.stringify(event)}, context);
    process.stdout.write(JSON.stringify(outcome) + String.fromCharCode(10));
    process.exit(0);`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { timeout: CHILD_TIMEOUT_MS, env: { PATH: process.env.PATH ?? '', ...env } },
      (error, out, err) =>
        error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out.trim().split('\n')),
    );
  });
}

describe('the preset bundles', { timeout: 120_000 }, () => {
  it('CodeDeployHook_after_allow_traffic reads its bundled stacks file, flips the pointer and parks the old stack, deleting nothing', async () => {
    const outdir = await mkdtemp(join(tmpdir(), 'bgr-preset-bundle-'));
    const [built] = (await buildHooks({
      outdir,
      measure: false,
      only: ['after_allow_traffic'],
      log: () => {},
    })) as Array<{ name: string; file: string }>;
    expect(built?.name).toBe('CodeDeployHook_after_allow_traffic');
    const stacksFile = fileURLToPath(new URL('../../../fixtures/stacks/demo-ecs.yaml', import.meta.url));
    await copyFile(stacksFile, join(outdir, 'CodeDeployHook_after_allow_traffic', 'bg-replay.stacks.yaml'));

    const services = createAwsStandInServices();
    services.onPublish = seedStandInAccount(services.state, await loadStacksConfig(stacksFile), 'a');
    const spec = buildAppSpec({
      platform: 'ECS',
      taskDefinition: 'arn:aws:ecs:us-east-1:000000000000:task-definition/shop:7',
      containerName: 'app',
      containerPort: 8080,
      hooks: { AfterAllowTraffic: 'CodeDeployHook_after_allow_traffic' },
    });
    const standIn = await startCodeDeployStandIn({
      services,
      deployment: {
        deploymentId: 'd-BUNDLE002',
        applicationName: 'shop',
        deploymentGroupName: 'shop-bg',
        computePlatform: 'ECS',
        appSpecContent: spec.content,
        appSpecSha256: spec.sha256,
        status: 'InProgress',
      },
    });
    try {
      const execution = standIn.openHookExecution('AfterAllowTraffic');
      const lines = await runBundle(
        built?.file ?? '',
        'CodeDeployHook_after_allow_traffic',
        { DeploymentId: 'd-BUNDLE002', LifecycleEventHookExecutionId: execution.id },
        {
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
          AWS_SECRET_ACCESS_KEY: 'local',
          AWS_ENDPOINT_URL: standIn.url,
        },
      );
      expect(JSON.parse(lines.at(-1) ?? '{}')).toMatchObject({ status: 'Succeeded' });
      expect(await execution.reported).toBe('Succeeded');
      expect(services.state.parameters.get('/shop/active-stack')).toBe('b');
      // A rollback may still need a: parked, not deleted (bg-replay teardown deletes it later).
      expect(services.state.tables.get('shop-orders-a')?.status).toBe('ACTIVE');
      expect(services.state.rules.get('default/shop-nightly-reconcile-a')).toBe('DISABLED');
      expect(lines.some((l) => l.includes('"message":"preset actions"'))).toBe(true);
    } finally {
      await standIn.close();
    }
  });
});
