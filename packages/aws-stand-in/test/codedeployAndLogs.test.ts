import { CloudWatchLogsClient, paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs';
import {
  CodeDeployClient,
  CreateDeploymentCommand,
  GetApplicationRevisionCommand,
  GetDeploymentCommand,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AwsStandIn,
  CONNECTION_RESET,
  createAwsStandInServices,
  createStandInClient,
  createStandInDeployment,
  startAwsStandIn,
} from '../src/index.js';

let standIn: AwsStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

async function start(options: Parameters<typeof startAwsStandIn>[0] = {}) {
  standIn = await startAwsStandIn(options);
  return {
    standIn,
    codedeploy: createStandInClient(CodeDeployClient, standIn.url),
    lambda: createStandInClient(LambdaClient, standIn.url),
    logs: createStandInClient(CloudWatchLogsClient, standIn.url),
  };
}

const APPSPEC = 'version: 0.0\nResources: []\n';
const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: { name: string; message: string; $metadata?: { httpStatusCode?: number } }) => e,
  );

describe('the CodeDeploy model', () => {
  it('creates a deployment in a known group, and refuses an unknown group or a sha256 that does not match', async () => {
    const { standIn, codedeploy } = await start();
    standIn.services.state.deploymentGroups.set('shop/shop-bg', { computePlatform: 'ECS' });
    const revision = (sha256?: string) => ({
      revisionType: 'AppSpecContent' as const,
      appSpecContent: { content: APPSPEC, ...(sha256 ? { sha256 } : {}) },
    });
    const created = await codedeploy.send(
      new CreateDeploymentCommand({
        applicationName: 'shop',
        deploymentGroupName: 'shop-bg',
        revision: revision(),
      }),
    );
    expect(standIn.deployments.get(created.deploymentId ?? '')).toMatchObject({
      status: 'Created',
      computePlatform: 'ECS',
      appSpecContent: APPSPEC,
    });
    const wrongGroup = await errorOf(
      codedeploy.send(
        new CreateDeploymentCommand({
          applicationName: 'shop',
          deploymentGroupName: 'x',
          revision: revision(),
        }),
      ),
    );
    expect(wrongGroup?.name).toBe('DeploymentGroupDoesNotExistException');
    const wrongApp = await errorOf(
      codedeploy.send(
        new CreateDeploymentCommand({
          applicationName: 'nope',
          deploymentGroupName: 'x',
          revision: revision(),
        }),
      ),
    );
    expect(wrongApp?.name).toBe('ApplicationDoesNotExistException');
    const badSha = await errorOf(
      codedeploy.send(
        new CreateDeploymentCommand({
          applicationName: 'shop',
          deploymentGroupName: 'shop-bg',
          revision: revision('0'.repeat(64)),
        }),
      ),
    );
    expect(badSha?.name).toBe('InvalidRevisionException');
  });

  it('moves a deployment one progress step per GetDeployment and keeps the last', async () => {
    const deployment = createStandInDeployment({
      deploymentId: 'd-1',
      appSpecContent: APPSPEC,
      progress: [
        { status: 'InProgress' },
        { status: 'Failed', rollbackInfo: { rollbackDeploymentId: 'd-2' } },
      ],
    });
    const { codedeploy } = await start({ deployment });
    const statuses: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const { deploymentInfo } = await codedeploy.send(new GetDeploymentCommand({ deploymentId: 'd-1' }));
      statuses.push([deploymentInfo?.status, deploymentInfo?.rollbackInfo?.rollbackDeploymentId]);
    }
    expect(statuses).toEqual([
      ['InProgress', undefined],
      ['Failed', 'd-2'],
      ['Failed', 'd-2'],
    ]);
  });

  it('serves the revision by its sha256, and takes one report per hook execution', async () => {
    const deployment = createStandInDeployment({ deploymentId: 'd-1', appSpecContent: APPSPEC });
    const { standIn, codedeploy } = await start({ deployment });
    const execution = standIn.openHookExecution('AfterAllowTestTraffic', 'exec-1');
    const got = await codedeploy.send(
      new GetApplicationRevisionCommand({
        applicationName: 'shop',
        revision: { revisionType: 'AppSpecContent', appSpecContent: { sha256: deployment.appSpecSha256 } },
      }),
    );
    expect(got.revision?.appSpecContent?.content).toBe(APPSPEC);
    const report = (status: string) =>
      codedeploy.send(
        new PutLifecycleEventHookExecutionStatusCommand({
          deploymentId: 'd-1',
          lifecycleEventHookExecutionId: 'exec-1',
          status: status as 'Succeeded',
        }),
      );
    expect((await errorOf(report('Pending')))?.name).toBe(
      'InvalidLifecycleEventHookExecutionStatusException',
    );
    await report('Failed');
    expect((await errorOf(report('Succeeded')))?.name).toBe('LifecycleEventAlreadyCompletedException');
    expect(await execution.reported).toBe('Failed');
    expect(standIn.reports.map((r) => [r.status, r.accepted, r.error])).toEqual([
      ['Pending', false, 'InvalidLifecycleEventHookExecutionStatusException'],
      ['Failed', true, undefined],
      ['Succeeded', false, 'LifecycleEventAlreadyCompletedException'],
    ]);
    expect(standIn.operations).toEqual([
      'GetApplicationRevision',
      'PutLifecycleEventHookExecutionStatus',
      'PutLifecycleEventHookExecutionStatus',
      'PutLifecycleEventHookExecutionStatus',
    ]);
  });
});

describe('faults', () => {
  it('refuses a chosen operation after the calls it lets through, as many times as asked', async () => {
    const deployment = createStandInDeployment({ deploymentId: 'd-1', appSpecContent: APPSPEC });
    const { standIn, codedeploy } = await start({ deployment });
    standIn.services.fail('GetDeployment', {
      type: 'ThrottlingException',
      message: 'Rate exceeded',
      after: 1,
      times: 2,
    });
    const outcomes: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      const error = await errorOf(codedeploy.send(new GetDeploymentCommand({ deploymentId: 'd-1' })));
      outcomes.push(error ? `${error.name}: ${error.message} (${error.$metadata?.httpStatusCode})` : 'ok');
    }
    expect(outcomes).toEqual([
      'ok',
      'ThrottlingException: Rate exceeded (400)',
      'ThrottlingException: Rate exceeded (400)',
      'ok',
    ]);
    expect(standIn.services.callsOf('GetDeployment').map((c) => c.error)).toEqual([
      undefined,
      'ThrottlingException',
      'ThrottlingException',
      undefined,
    ]);
  });

  it('closes the connection for ConnectionReset, and refuses an Invoke of a hook function with a REST status', async () => {
    const { standIn, codedeploy, lambda } = await start();
    standIn.services.fail('GetDeployment', { type: CONNECTION_RESET });
    const reset = await errorOf(codedeploy.send(new GetDeploymentCommand({ deploymentId: 'd-1' })));
    expect(reset?.$metadata?.httpStatusCode).toBeUndefined();
    expect(reset?.name).not.toBe('DeploymentDoesNotExistException');
    standIn.services.fail('Invoke', { type: 'TooManyRequestsException', message: 'Rate exceeded' });
    const throttled = await errorOf(
      lambda.send(new InvokeCommand({ FunctionName: 'CodeDeployHook_validate', InvocationType: 'Event' })),
    );
    expect([throttled?.name, throttled?.$metadata?.httpStatusCode]).toEqual([
      'TooManyRequestsException',
      429,
    ]);
    expect(standIn.invokes).toEqual([]);
    const accepted = await lambda.send(
      new InvokeCommand({
        FunctionName: 'CodeDeployHook_validate',
        InvocationType: 'Event',
        Payload: '{"a":1}',
      }),
    );
    expect(accepted.StatusCode).toBe(202);
    expect(standIn.invokes.map((i) => [i.functionName, i.payload])).toEqual([
      ['CodeDeployHook_validate', { a: 1 }],
    ]);
    expect(standIn.services.callsOf('Invoke').map((c) => c.error)).toEqual([
      'TooManyRequestsException',
      undefined,
    ]);
  });
});

describe('CloudWatch Logs FilterLogEvents', () => {
  it('pages the events of the window through empty pages, each with a nextToken, until a page has none', async () => {
    const services = createAwsStandInServices({ logEmptyPages: 1 });
    const { logs } = await start({ services });
    services.state.logGroups.set(
      '/ecs/shop',
      [1, 2, 3, 4, 5].map((n) => ({
        timestamp: n * 1000,
        message: `GET /orders/${n} ${n % 2 ? 'odd' : 'even'}`,
      })),
    );
    const pages: Array<{ messages: string[]; next: boolean }> = [];
    for await (const page of paginateFilterLogEvents(
      { client: logs },
      { logGroupName: '/ecs/shop', startTime: 2000, endTime: 5000, filterPattern: 'even', limit: 1 },
    ))
      pages.push({
        messages: (page.events ?? []).map((e) => e.message ?? ''),
        next: Boolean(page.nextToken),
      });
    expect(pages).toEqual([
      { messages: [], next: true },
      { messages: ['GET /orders/2 even'], next: true },
      { messages: [], next: true },
      { messages: ['GET /orders/4 even'], next: false },
    ]);
  });

  it('answers ResourceNotFoundException for a log group the account does not have', async () => {
    const { logs } = await start();
    const pages = paginateFilterLogEvents({ client: logs }, { logGroupName: '/nope' });
    const error = await errorOf(pages.next());
    expect([error?.name, error?.message]).toEqual([
      'ResourceNotFoundException',
      'The specified log group does not exist.',
    ]);
  });
});
