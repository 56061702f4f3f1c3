import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendJson, startServer, type TestServer } from '@bg-replay/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { readDeploymentId, waitCommand } from '../src/commands/wait.js';
import { runCommand } from './_runCommand.js';

type Reply = { status?: string; extra?: Record<string, unknown>; error?: string };

/** A CodeDeploy stand-in that answers GetDeployment from a script per deployment id (last reply repeats). */
async function codedeploy(script: Record<string, Reply[]>): Promise<TestServer> {
  const seen: Record<string, number> = {};
  return startServer((req, res, body) => {
    expect(req.headers['x-amz-target']).toBe('CodeDeploy_20141006.GetDeployment');
    const { deploymentId } = JSON.parse(body) as { deploymentId: string };
    const replies = script[deploymentId];
    if (!replies)
      return sendJson(res, 400, { __type: 'DeploymentDoesNotExistException', message: `no ${deploymentId}` });
    const i = Math.min(seen[deploymentId] ?? 0, replies.length - 1);
    seen[deploymentId] = (seen[deploymentId] ?? 0) + 1;
    const reply = replies[i] as Reply;
    if (reply.error) return sendJson(res, 400, { __type: reply.error, message: 'Rate exceeded' });
    sendJson(res, 200, { deploymentInfo: { deploymentId, status: reply.status, ...reply.extra } });
  });
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const flags = (s: TestServer) => ['--endpoint', s.url, '--region', 'us-east-1', '--poll-interval', '5ms'];

describe('bg-replay wait', () => {
  it('exits 0 when the deployment succeeds', async () => {
    server = await codedeploy({ 'd-AAAAAAAA1': [{ status: 'InProgress' }, { status: 'Succeeded' }] });
    const r = await runCommand(waitCommand, ['wait', '--deployment-id', 'd-AAAAAAAA1', ...flags(server)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('deployment d-AAAAAAAA1 succeeded\n');
    expect(r.stderr).toContain('deployment d-AAAAAAAA1: InProgress');
    expect(server.requests[0]?.body).toBe('{"deploymentId":"d-AAAAAAAA1"}');
  });

  it('exits 1 on Failed, prints the error information and waits for the rollback', async () => {
    server = await codedeploy({
      'd-AAAAAAAA1': [
        {
          status: 'Failed',
          extra: {
            errorInformation: {
              code: 'HOOK_EXECUTION_FAILURE',
              message: 'The AfterAllowTestTraffic hook reported Failed',
            },
            rollbackInfo: { rollbackDeploymentId: 'd-RRRRRRRR1' },
          },
        },
      ],
      'd-RRRRRRRR1': [{ status: 'InProgress' }, { status: 'Succeeded' }],
    });
    const r = await runCommand(waitCommand, ['wait', '--deployment-id', 'd-AAAAAAAA1', ...flags(server)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'deployment d-AAAAAAAA1 failed: HOOK_EXECUTION_FAILURE: The AfterAllowTestTraffic hook reported Failed; rollback d-RRRRRRRR1 succeeded',
    );
    expect(r.stderr).toContain('waiting for rollback deployment d-RRRRRRRR1');
    expect(server.requests.at(-1)?.body).toBe('{"deploymentId":"d-RRRRRRRR1"}');
  });

  it('exits 1 on Stopped', async () => {
    server = await codedeploy({ 'd-AAAAAAAA1': [{ status: 'Stopped' }] });
    const r = await runCommand(waitCommand, [
      'wait',
      '--deployment-id',
      'd-AAAAAAAA1',
      ...flags(server),
      '--json',
    ]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, status: 'Stopped', timedOut: false });
  });

  it('rides out throttling', async () => {
    server = await codedeploy({
      'd-AAAAAAAA1': [
        { error: 'ThrottlingException' },
        { error: 'ThrottlingException' },
        { status: 'Succeeded' },
      ],
    });
    const r = await runCommand(waitCommand, ['wait', '--deployment-id', 'd-AAAAAAAA1', ...flags(server)]);
    expect(r.code).toBe(0);
    expect(server.requests).toHaveLength(3);
    expect(r.stderr).toMatch(/ThrottlingException: Rate exceeded; retrying/);
  });

  it('exits 1 with a clear message on timeout', async () => {
    server = await codedeploy({ 'd-AAAAAAAA1': [{ status: 'InProgress' }] });
    const r = await runCommand(waitCommand, [
      'wait',
      '--deployment-id',
      'd-AAAAAAAA1',
      ...flags(server),
      '--timeout',
      '60ms',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      'deployment d-AAAAAAAA1 did not finish within 60 ms (last status InProgress: in progress: installing, testing and shifting traffic)\n',
    );
  });

  it('reads the id from a CDK outputs file', async () => {
    server = await codedeploy({ 'd-AAAAAAAA1': [{ status: 'Succeeded' }] });
    const dir = await mkdtemp(join(tmpdir(), 'bgr-wait-'));
    await writeFile(
      join(dir, 'outputs.json'),
      JSON.stringify({ ShopStack: { DeploymentId: 'd-AAAAAAAA1', Url: 'x' } }),
    );
    const r = await runCommand(
      waitCommand,
      ['wait', '--deployment-id-from', 'outputs.json#DeploymentId', ...flags(server)],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
  });

  it('refuses an unknown deployment with E_INPUT', async () => {
    server = await codedeploy({});
    await expect(
      runCommand(waitCommand, ['wait', '--deployment-id', 'd-NOPE00000', ...flags(server)]),
    ).rejects.toMatchObject({
      code: 'E_INPUT',
      message: expect.stringContaining('deployment d-NOPE00000 was not found'),
    });
  });
});

describe('readDeploymentId', () => {
  it('reads plain text, create-deployment JSON and describe-stacks outputs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bgr-id-'));
    await writeFile(join(dir, 'id.txt'), 'd-ABCDEFGH1\n');
    await writeFile(join(dir, 'create.json'), '{"deploymentId":"d-ABCDEFGH2"}');
    await writeFile(
      join(dir, 'stacks.json'),
      JSON.stringify({
        Stacks: [
          {
            Outputs: [
              { OutputKey: 'Deployment', OutputValue: 'd-ABCDEFGH3' },
              { OutputKey: 'Other', OutputValue: 'd-ABCDEFGH4' },
            ],
          },
        ],
      }),
    );
    expect(await readDeploymentId('id.txt', dir)).toBe('d-ABCDEFGH1');
    expect(await readDeploymentId('create.json', dir)).toBe('d-ABCDEFGH2');
    expect(await readDeploymentId('stacks.json#Deployment', dir)).toBe('d-ABCDEFGH3');
    await expect(readDeploymentId('stacks.json', dir)).rejects.toThrow(
      /several deployment ids \(d-ABCDEFGH3, d-ABCDEFGH4\)/,
    );
    await expect(readDeploymentId('missing.json', dir)).rejects.toThrow(/cannot read .*missing.json: ENOENT/);
  });
});
