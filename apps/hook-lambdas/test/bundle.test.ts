import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAppSpec } from '@bg-replay/codedeploy';
import { loadStacksConfig } from '@bg-replay/hooks';
import { createAwsStandInServices, seedStandInAccount, startCodeDeployStandIn } from '@bg-replay/simulator';
import { describe, expect, it } from 'vitest';
import { buildBundle, runBundle, standInAwsEnv } from './_bundle.js';

describe('the esbuild bundle (plain node, no vitest interop)', { timeout: 120_000 }, () => {
  it('builds CodeDeployHook_validate/index.mjs, and the bundled handler reports Failed for a bad config', async () => {
    const built = await buildBundle('validate');
    expect(built.name).toBe('CodeDeployHook_validate');
    expect(built.file).toBe(join(built.outdir, 'CodeDeployHook_validate', 'index.mjs'));

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
      const lines = await runBundle(
        built.file,
        'CodeDeployHook_validate',
        { DeploymentId: 'd-BUNDLE001', LifecycleEventHookExecutionId: execution.id },
        {
          ...standInAwsEnv(standIn.url),
          BG_REPLAY_LOG_GROUP: '/aws/apigw/api',
          BG_REPLAY_LIVE: 'https://api.example.com',
        },
        built.outdir,
      );
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

describe('the preset bundles', { timeout: 120_000 }, () => {
  it('CodeDeployHook_after_allow_traffic reads its bundled stacks file, flips the pointer and parks the old stack, deleting nothing', async () => {
    const built = await buildBundle('after_allow_traffic');
    expect(built.name).toBe('CodeDeployHook_after_allow_traffic');
    const stacksFile = fileURLToPath(new URL('../../../fixtures/stacks/demo-ecs.yaml', import.meta.url));
    await copyFile(
      stacksFile,
      join(built.outdir, 'CodeDeployHook_after_allow_traffic', 'bg-replay.stacks.yaml'),
    );

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
        built.file,
        'CodeDeployHook_after_allow_traffic',
        { DeploymentId: 'd-BUNDLE002', LifecycleEventHookExecutionId: execution.id },
        standInAwsEnv(standIn.url),
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
