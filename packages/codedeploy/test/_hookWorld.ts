/**
 * The codedeploy tests' AWS account: the one in-memory model (`@bg-replay/aws-stand-in`) on loopback, with a
 * deployment whose AppSpec wires `CodeDeployHook_validate`, an open hook execution, and real SDK clients
 * (one attempt per call, so a test counts what the code under test sends). Closed after each test.
 */
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import {
  type AwsStandIn,
  type AwsStandInOptions,
  createStandInClient,
  createStandInDeployment,
  type StandInDeployment,
  type StandInLifecycleEvent,
  startAwsStandIn,
} from '@bg-replay/aws-stand-in';
import { afterEach } from 'vitest';
import { buildAppSpec } from '../src/appSpec.js';

const open: AwsStandIn[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** Starts a stand-in that is closed after the test. */
export async function startStandIn(options: AwsStandInOptions = {}): Promise<AwsStandIn> {
  const standIn = await startAwsStandIn(options);
  open.push(standIn);
  return standIn;
}

/** The AppSpec of an ECS deployment with the validation hook on `event`. */
export function ecsAppSpec(event: StandInLifecycleEvent = 'AfterAllowTestTraffic', extra = {}): string {
  return buildAppSpec({
    platform: 'ECS',
    taskDefinition: 'arn:aws:ecs:us-east-1:1:task-definition/shop:7',
    containerName: 'web',
    containerPort: 8080,
    hooks: { [event]: 'CodeDeployHook_validate', ...extra },
  }).content;
}

export interface HookWorldOptions {
  deploymentId?: string;
  executionId?: string;
  event?: StandInLifecycleEvent;
  /** Overrides of the deployment (`appSpecContent`, `computePlatform`...). */
  deployment?: Partial<StandInDeployment>;
}

/** Starts a stand-in serving one deployment with hook execution `executionId` open. */
export async function startHookWorld(options: HookWorldOptions = {}) {
  const event = options.event ?? 'AfterAllowTestTraffic';
  const deployment = createStandInDeployment({
    deploymentId: options.deploymentId ?? 'd-TEST0001',
    appSpecContent: options.deployment?.appSpecContent ?? ecsAppSpec(event),
    ...options.deployment,
  });
  const standIn = await startStandIn({ deployment });
  const execution = standIn.openHookExecution(event, options.executionId ?? 'exec-1');
  const { services } = standIn;
  return {
    standIn,
    services,
    deployment,
    execution,
    codedeploy: createStandInClient(CodeDeployClient, standIn.url),
    lambda: createStandInClient(LambdaClient, standIn.url),
    /** The inputs of every `PutLifecycleEventHookExecutionStatus` received, refused ones included. */
    reported: () => services.callsOf('PutLifecycleEventHookExecutionStatus').map((c) => c.input),
    /** How many times `operation` was called. */
    count: (operation: string) => services.callsOf(operation).length,
  };
}
