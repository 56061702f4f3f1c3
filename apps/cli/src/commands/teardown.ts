import { resolve } from 'node:path';
import { readDeploymentStatus } from '@bg-replay/codedeploy/internal';
import { BgReplayError } from '@bg-replay/core';
import { describeAction, type HookClients, loadStacksConfig, runTeardown } from '@bg-replay/hooks';
import { defineCommand } from '../command.js';
import { EXIT, writeLine } from '../io.js';
import { hookClientsFrom } from './plan.js';
import { awsClientsFrom } from './wait.js';

/** Deployment statuses after which no rollback can need the idle stack any more. */
const FINAL = new Set(['Succeeded', 'Failed', 'Stopped']);

interface TeardownArgs {
  config: string;
  'deployment-id'?: string;
  'skip-deployment-check': boolean;
  'dry-run': boolean;
  region?: string;
  endpoint?: string;
  json: boolean;
}

/**
 * `bg-replay teardown --config stacks.yaml --deployment-id d-X`: parks the idle stack (the one the
 * active-stack pointer does not name), purges its queues and deletes its database. It first checks that the
 * last deployment is final (after its termination wait no rollback can need the idle stack); every
 * destructive step re-reads the pointer and refuses the live stack.
 */
export const teardownCommand = defineCommand<TeardownArgs>({
  command: 'teardown',
  describe: 'Tear down the idle stack (purge its queues, delete its database) once no rollback can need it',
  builder: (yargs) =>
    yargs
      .option('config', { type: 'string', demandOption: true, describe: 'a/b stacks file (YAML or JSON)' })
      .option('deployment-id', {
        type: 'string',
        describe: 'the last deployment: teardown runs only once it is final (past its termination wait)',
      })
      .option('skip-deployment-check', {
        type: 'boolean',
        default: false,
        describe: 'run without checking a deployment (you know no rollback can need the idle stack)',
      })
      .option('dry-run', {
        type: 'boolean',
        default: false,
        describe: 'send only reads; say what would be done',
      })
      .option('region', { type: 'string', describe: 'AWS region (default: AWS_REGION)' })
      .option('endpoint', { type: 'string', describe: 'AWS endpoint override (local stand-ins and tests)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' })
      .example(
        '$0 teardown --config stacks.yaml --deployment-id d-ABCDEF123',
        'after the deployment succeeded (its termination wait is over)',
      )
      .example('$0 teardown --config stacks.yaml --deployment-id d-ABCDEF123 --dry-run', 'what it would do'),
  run: async (args, io) => {
    const config = await loadStacksConfig(resolve(io.cwd, args.config));
    if (!args['deployment-id'] && !args['skip-deployment-check']) {
      throw new BgReplayError(
        'E_USAGE',
        'name the last deployment with --deployment-id d-XXXXXXXXX (teardown waits until it is final), or pass --skip-deployment-check',
      );
    }
    const aws = awsClientsFrom(args, io);
    const region = (args.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION) as string;
    let clients: HookClients | undefined;
    try {
      // The clients the stacks file needs: an SDK package that is absent fails here, before any call.
      clients = await hookClientsFrom(
        { region, ...(args.endpoint ? { endpoint: args.endpoint } : {}) },
        io.env,
        config,
      );
      const deploymentId = args['deployment-id'];
      if (deploymentId) {
        const status = await readDeploymentStatus(aws.codedeploy, deploymentId);
        if (!status || !FINAL.has(status)) {
          throw new BgReplayError(
            'E_USAGE',
            `deployment ${deploymentId} is ${status ?? 'unknown'}: until it is final (after the termination wait) a rollback can still need the idle stack; run teardown then (bg-replay wait --deployment-id ${deploymentId} first)`,
          );
        }
      }
      const result = await runTeardown(config, {
        clients,
        dryRun: args['dry-run'],
        ...(deploymentId ? { runId: `teardown-${deploymentId}` } : {}),
      });
      if (args.json) writeLine(io.stdout, JSON.stringify(result, null, 2));
      else {
        writeLine(
          io.stdout,
          `teardown of ${config.service}: idle stack ${result.target}${args['dry-run'] ? ' (dry run: nothing was changed)' : ''}`,
        );
        for (const action of result.actions) writeLine(io.stdout, `  ${describeAction(action)}`);
        writeLine(io.stdout, result.status === 'Failed' ? `failed: ${result.reason}` : 'done');
      }
      return result.status === 'Succeeded' ? EXIT.pass : EXIT.fail;
    } finally {
      aws.destroy();
      for (const client of Object.values(clients ?? {})) client.destroy();
    }
  },
});
