import { createHash } from 'node:crypto';
import type { TestServer } from '@bg-replay/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { deployCommand } from '../src/commands/deploy.js';
import { startAwsStandIn } from './_awsFaults.js';
import { runCommand } from './_runCommand.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** CreateDeployment answers d-NEW000001; GetDeployment walks through `statuses` (the last one repeats). */
function codedeploy(statuses: Array<Record<string, unknown>>): Promise<TestServer> {
  let polls = 0;
  return startAwsStandIn((operation) => {
    if (operation === 'CreateDeployment') return { deploymentId: 'd-NEW000001' };
    if (operation === 'GetDeployment')
      return { deploymentInfo: statuses[Math.min(polls++, statuses.length - 1)] };
    return { type: 'UnknownOperationException', message: operation };
  });
}

/** A Lambda deployment of `api`: alias live from version 3 to 4. */
const LAMBDA = [
  '--function-name',
  'api',
  '--alias',
  'live',
  '--current-version',
  '3',
  '--target-version',
  '4',
];

/** The stand-in's endpoint and a region. */
const at = (s: TestServer) => ['--endpoint', s.url, '--region', 'us-east-1'];
/** `--wait`, polling every 5 ms. */
const WAIT = ['--wait', '--poll-interval', '5ms'];

const ECS = [
  '--application',
  'shop',
  '--deployment-group',
  'shop-bg',
  '--task-definition',
  'arn:aws:ecs:us-east-1:1:task-definition/shop:42',
  '--container-name',
  'web',
  '--container-port',
  '8080',
  '--hook',
  'AfterAllowTestTraffic=CodeDeployHook_validate',
];

describe('bg-replay deploy', () => {
  it('creates the deployment with the AppSpec content and sha256 and prints the id', async () => {
    server = await codedeploy([]);
    const r = await runCommand(deployCommand, ['deploy', ...ECS, ...at(server)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('d-NEW000001\n');
    const input = JSON.parse(server.requests[0]?.body ?? '{}');
    expect(input.applicationName).toBe('shop');
    expect(input.deploymentGroupName).toBe('shop-bg');
    expect(input.revision.revisionType).toBe('AppSpecContent');
    const { content, sha256 } = input.revision.appSpecContent;
    expect(sha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect(content).toContain('ContainerPort: 8080');
    expect(content).toContain('- AfterAllowTestTraffic: CodeDeployHook_validate');
  });

  for (const [final, code] of [
    ['Succeeded', 0],
    ['Failed', 1],
    ['Stopped', 1],
  ] as const) {
    it(`--wait exits ${code} when the deployment ends ${final}`, async () => {
      server = await codedeploy([{ status: 'InProgress' }, { status: final }]);
      const r = await runCommand(deployCommand, ['deploy', ...ECS, ...WAIT, ...at(server)]);
      expect(r.code).toBe(code);
      expect(r.stdout.split('\n')[0]).toBe('d-NEW000001');
      expect(r.stdout).toContain(`deployment d-NEW000001 ${final.toLowerCase()}`);
    });
  }

  it("--auto-rollback sends the events as the deployment's autoRollbackConfiguration", async () => {
    server = await codedeploy([]);
    const r = await runCommand(deployCommand, [
      'deploy',
      ...ECS,
      '--auto-rollback',
      'DEPLOYMENT_FAILURE',
      'DEPLOYMENT_STOP_ON_ALARM',
      ...at(server),
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(server.requests[0]?.body ?? '{}').autoRollbackConfiguration).toEqual({
      enabled: true,
      events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'],
    });
  });

  it('--wait exits 0 when production traffic is shifted and the original waits for termination', async () => {
    server = await codedeploy([
      { status: 'InProgress' },
      { status: 'InProgress', instanceTerminationWaitTimeStarted: true },
    ]);
    const r = await runCommand(deployCommand, ['deploy', ...ECS, ...WAIT, ...at(server)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'deployment d-NEW000001 production traffic shifted; the original is kept for the termination wait',
    );
    expect(r.stderr).toContain(
      'deployment d-NEW000001: InProgress (production traffic shifted; the original is kept for the termination wait)',
    );
  });

  it('--wait --until complete keeps polling through the termination wait', async () => {
    server = await codedeploy([
      { status: 'InProgress', instanceTerminationWaitTimeStarted: true },
      { status: 'InProgress', instanceTerminationWaitTimeStarted: true },
      { status: 'Succeeded' },
    ]);
    const r = await runCommand(deployCommand, [
      'deploy',
      ...ECS,
      ...WAIT,
      '--until',
      'complete',
      ...at(server),
    ]);
    expect(r.code).toBe(0);
    expect(
      server.requests.filter((q) => String(q.headers['x-amz-target']).endsWith('.GetDeployment')),
    ).toHaveLength(3);
    expect(r.stdout).toContain('deployment d-NEW000001 succeeded');
  });

  it('--wait waits for the rollback of a failed deployment', async () => {
    server = await codedeploy([
      { status: 'Failed', rollbackInfo: { rollbackDeploymentId: 'd-RB0000001' } },
      { status: 'Succeeded' },
    ]);
    const r = await runCommand(deployCommand, ['deploy', ...ECS, ...WAIT, ...at(server)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('rollback d-RB0000001 succeeded');
  });

  it('prints a Lambda AppSpec without calling AWS', async () => {
    const r = await runCommand(deployCommand, [
      'deploy',
      ...LAMBDA,
      '--hook',
      'BeforeAllowTraffic=CodeDeployHook_validate',
      '--print-appspec',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Type: AWS::Lambda::Function');
    expect(r.stdout).toContain('- BeforeAllowTraffic: CodeDeployHook_validate');
  });

  it('names the missing flags', async () => {
    await expect(
      runCommand(deployCommand, ['deploy', '--function-name', 'api', '--print-appspec']),
    ).rejects.toThrow('missing --alias, --current-version, --target-version for a Lambda deployment');
    await expect(
      runCommand(deployCommand, [
        'deploy',
        '--function-name',
        'api',
        '--container-name',
        'web',
        '--print-appspec',
      ]),
    ).rejects.toThrow(/not both/);
  });

  it('refuses a hook event the platform does not have', async () => {
    await expect(
      runCommand(deployCommand, [
        'deploy',
        ...LAMBDA,
        '--hook',
        'AfterInstall=CodeDeployHook_x',
        '--print-appspec',
      ]),
    ).rejects.toMatchObject({
      code: 'E_USAGE',
      message: expect.stringContaining('AfterInstall is not a lifecycle event of a Lambda deployment'),
    });
  });
});
