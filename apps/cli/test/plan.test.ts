import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { sendJson, startServer, type TestServer } from '@bg-replay/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { planCommand } from '../src/commands/plan.js';
import type { CliIo } from '../src/io.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function makeIo(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const io: CliIo = { stdout, stderr, env, cwd: root };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

/** Parses `argv` with the command's own builder, then runs it: what `runCli` does once it is registered. */
async function runPlan(argv: string[], io: CliIo): Promise<number> {
  const args = await planCommand
    .builder(
      yargs(argv)
        .exitProcess(false)
        .fail((msg, e) => {
          throw e ?? new Error(msg);
        }),
    )
    .parseAsync();
  return planCommand.run(args, io);
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('bg-replay plan', () => {
  it('prints the AfterAllowTraffic steps for the stack named by --active, without AWS', async () => {
    const { io, out } = makeIo();
    const code = await runPlan(
      ['--config', 'fixtures/stacks/catalog-lambda.yaml', '--hook', 'AfterAllowTraffic', '--active', 'a'],
      io,
    );
    expect(code).toBe(0);
    const text = out();
    expect(text).toContain(
      'AfterAllowTraffic of catalog (lambda): live stack a (from --active), deployment moves to b',
    );
    const kinds = [...text.matchAll(/^\s*\d+\. (\S+) \[(a|b)\]/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(kinds).toEqual([
      'flip-active-stack b',
      'disable-event-source a',
      'disable-event-source a',
      'disable-event-source a',
      'park-capacity a',
      'park-capacity a',
    ]);
    expect(text).toContain(
      '1. flip-active-stack [b] ssm:/shop/catalog/active-stack\n   set /shop/catalog/active-stack to "b" (first: nothing of a live stack is torn down)\n   (guarded: refused on the live stack)\n   when: first; a failure here fails the hook, which is safe: nothing has been touched yet',
    );
  });

  it('prints the teardown of the idle stack with when each step runs and why', async () => {
    const { io, out } = makeIo();
    const code = await runPlan(
      ['--config', 'fixtures/stacks/catalog-lambda.yaml', '--hook', 'Teardown', '--active', 'b'],
      io,
    );
    expect(code).toBe(0);
    const text = out();
    expect(text).toContain(
      'Teardown of catalog (lambda): live stack b (from --active), idle stack a is torn down',
    );
    expect(text).toContain(
      '7. delete-database [a] dynamodb:catalog-products-a\n   delete table catalog-products-a and wait until it is gone\n   (guarded: refused on the live stack, waits)\n   when: only by bg-replay teardown, after the termination wait: no rollback can need the idle stack any more',
    );
  });

  it('reads the live stack from SSM at --endpoint and sends only GetParameter', async () => {
    server = await startServer((_req, res) => {
      sendJson(
        res,
        200,
        { Parameter: { Name: '/shop/orders/active-stack', Value: 'b', Type: 'String', Version: 3 } },
        {
          'content-type': 'application/x-amz-json-1.1',
        },
      );
    });
    const { io, out } = makeIo({ AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
    const code = await runPlan(
      [
        '--config',
        'fixtures/stacks/orders-ecs.yaml',
        '--hook',
        'BeforeInstall',
        '--region',
        'eu-west-1',
        '--endpoint',
        server.url,
        '--json',
      ],
      io,
    );
    expect(code).toBe(0);
    expect(server.requests.map((r) => r.headers['x-amz-target'])).toEqual(['AmazonSSM.GetParameter']);
    expect(JSON.parse(server.requests[0]?.body ?? '{}')).toEqual({ Name: '/shop/orders/active-stack' });
    const plan = JSON.parse(out());
    expect(plan).toMatchObject({
      activeStack: 'b',
      activeFrom: 'SSM /shop/orders/active-stack',
      targetStack: 'a',
    });
    expect(plan.steps.map((s: { kind: string; resource: string }) => `${s.kind} ${s.resource}`)).toEqual([
      'purge-queue sqs:https://sqs.eu-west-1.amazonaws.com/123456789012/orders-ingest-a',
      'raise-capacity autoscaling:rds/cluster:orders-a/rds:cluster:ReadReplicaCount',
      'run-migration ecs-task:shop/orders-migrate-a',
    ]);
  });

  it('refuses a hook the platform has no preset for, naming the flag', async () => {
    const { io } = makeIo();
    await expect(
      runPlan(
        ['--config', 'fixtures/stacks/catalog-lambda.yaml', '--hook', 'BeforeInstall', '--active', 'a'],
        io,
      ),
    ).rejects.toMatchObject({
      code: 'E_USAGE',
      message: expect.stringContaining(
        '--hook BeforeInstall: the lambda preset of fixtures/stacks/catalog-lambda.yaml has no such hook',
      ),
    });
  });

  it('asks for --region or --active when it cannot read SSM', async () => {
    const { io } = makeIo();
    await expect(
      runPlan(['--config', 'fixtures/stacks/catalog-lambda.yaml', '--hook', 'AfterAllowTraffic'], io),
    ).rejects.toMatchObject({
      code: 'E_USAGE',
      message: expect.stringMatching(/pass --region .* or name the live stack with --active/),
    });
  });

  it('reports a missing config file as a configuration error', async () => {
    const { io } = makeIo();
    await expect(
      runPlan(['--config', 'nope.yaml', '--hook', 'AfterAllowTraffic', '--active', 'a'], io),
    ).rejects.toMatchObject({
      code: 'E_CONFIG',
      message: expect.stringContaining('nope.yaml: ENOENT; check the --config path'),
    });
  });
});
