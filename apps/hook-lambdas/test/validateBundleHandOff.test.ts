import { buildAppSpec } from '@bg-replay/codedeploy';
import { createStateMachineDefinition } from '@bg-replay/codedeploy/step-functions';
import { createAwsStandInServices, startCodeDeployStandIn } from '@bg-replay/simulator';
import { describe, expect, it } from 'vitest';
import { buildBundle, runBundle, standInAwsEnv } from './_bundle.js';

const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:bg-replay-validation';

describe('the esbuild bundle of CodeDeployHook_validate with BG_REPLAY_STATE_MACHINE_ARN (plain node)', {
  timeout: 120_000,
}, () => {
  it('loads the Step Functions client from its chunk and hands a run too long for the invocation off', async () => {
    const built = await buildBundle('validate');
    const services = createAwsStandInServices();
    services.state.stateMachines.set(ARN, { definition: createStateMachineDefinition().definition });
    const spec = buildAppSpec({
      platform: 'ECS',
      taskDefinition: 'arn:aws:ecs:us-east-1:000000000000:task-definition/shop:8',
      containerName: 'shop',
      containerPort: 8080,
      hooks: { AfterAllowTestTraffic: 'CodeDeployHook_validate' },
    });
    const standIn = await startCodeDeployStandIn({
      deployment: {
        deploymentId: 'd-BUNDLE002',
        applicationName: 'shop',
        deploymentGroupName: 'shop-bg',
        computePlatform: 'ECS',
        appSpecContent: spec.content,
        appSpecSha256: spec.sha256,
        status: 'InProgress',
      },
      services,
    });
    try {
      const execution = standIn.openHookExecution('AfterAllowTestTraffic');
      const lines = await runBundle(
        built.file,
        'CodeDeployHook_validate',
        { DeploymentId: 'd-BUNDLE002', LifecycleEventHookExecutionId: execution.id },
        {
          ...standInAwsEnv(standIn.url),
          BG_REPLAY_LOG_FILE: 'access.log',
          BG_REPLAY_LIVE: 'http://alb.internal',
          BG_REPLAY_CANDIDATE: 'http://alb.internal:8080',
          // A soak: 90,000 records at 50 rps cannot fit in the 60 s this invocation has.
          BG_REPLAY_SAMPLE: '90000',
          BG_REPLAY_RPS: '50',
          BG_REPLAY_STATE_MACHINE_ARN: ARN,
          BG_REPLAY_SHARDS: '5',
          BG_REPLAY_REPORT_BUCKET: 'shop-reports',
        },
        built.outdir,
      );
      const outcome = JSON.parse(lines.at(-1) ?? '{}');
      expect(outcome.status).toBe('HandedOff');
      expect(outcome.reason).toMatch(
        /^validation handed off to 5 shards in state machine execution arn:aws:states:us-east-1:000000000000:execution:bg-replay-validation:bg-replay-d-BUNDLE002-[\w-]+: expected 1830 s \(2196 s with margin\) exceeds the \d+ s this invocation has left$/,
      );
      // The state machine owns the report: the hook sent none.
      expect(standIn.operations).not.toContain('PutLifecycleEventHookExecutionStatus');
      const started = services.calls.filter((c) => c.operation === 'StartExecution');
      expect(started).toHaveLength(1);
      expect(started[0]?.input.stateMachineArn).toBe(ARN);
      const input = JSON.parse(String(started[0]?.input.input)) as {
        shards: number;
        config: { sample: number; rps: number; report: { s3: { bucket: string } } };
      };
      expect(input.shards).toBe(5);
      expect(input.config).toMatchObject({
        sample: 90_000,
        rps: 50,
        report: { s3: { bucket: 'shop-reports' } },
      });
      expect(lines.some((l) => l.includes('"message":"validation handed off to Step Functions"'))).toBe(true);
    } finally {
      await standIn.close();
    }
  });
});
