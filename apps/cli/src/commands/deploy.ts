import {
  buildAppSpec,
  createDeployment,
  type EcsAppSpecInput,
  type LambdaAppSpecInput,
  type LifecycleEventName,
} from '@bg-replay/codedeploy';
import { BgReplayError } from '@bg-replay/core';
import { defineCommand } from '../command.js';
import { EXIT, writeLine } from '../io.js';
import { awsClientsFrom, waitAndReport, waitTimingFrom, withAwsFlags, withWaitFlags } from './wait.js';

interface DeployArgs {
  'task-definition'?: string;
  'container-name'?: string;
  'container-port'?: number;
  'function-name'?: string;
  alias?: string;
  'current-version'?: string;
  'target-version'?: string;
  hook?: string[];
}

/** Builds the AppSpec input from the flags; throws `E_USAGE` naming the missing or mixed flags. */
export function appSpecInputFrom(args: DeployArgs): EcsAppSpecInput | LambdaAppSpecInput {
  const ecsFlags = ['task-definition', 'container-name', 'container-port'] as const;
  const lambdaFlags = ['function-name', 'alias', 'current-version', 'target-version'] as const;
  const has = (f: keyof DeployArgs) => args[f] !== undefined;
  const isEcs = ecsFlags.some(has);
  const isLambda = lambdaFlags.some(has);
  if (isEcs && isLambda) {
    throw new BgReplayError(
      'E_USAGE',
      'give either the ECS flags (--task-definition ...) or the Lambda flags (--function-name ...), not both',
    );
  }
  if (!isEcs && !isLambda) {
    throw new BgReplayError(
      'E_USAGE',
      'say what to deploy: --task-definition, --container-name and --container-port (ECS), or --function-name, --alias, --current-version and --target-version (Lambda)',
    );
  }
  const needed = isEcs ? ecsFlags : lambdaFlags;
  const missing = needed.filter((f) => !has(f));
  if (missing.length)
    throw new BgReplayError(
      'E_USAGE',
      `missing ${missing.map((f) => `--${f}`).join(', ')} for ${isEcs ? 'an ECS' : 'a Lambda'} deployment`,
    );
  const hooks: Partial<Record<LifecycleEventName, string>> = {};
  for (const entry of args.hook ?? []) {
    const m = /^([A-Za-z]+)=(.+)$/.exec(entry);
    if (!m?.[1] || !m[2])
      throw new BgReplayError(
        'E_USAGE',
        `--hook ${entry} must look like AfterAllowTestTraffic=CodeDeployHook_validate`,
      );
    const event = m[1] as LifecycleEventName;
    // An AppSpec runs one function per lifecycle event: a second one would silently replace the first.
    if (hooks[event]) {
      throw new BgReplayError(
        'E_USAGE',
        `--hook ${event} is given twice (${hooks[event]}, ${m[2]}); an AppSpec runs one function per event`,
      );
    }
    hooks[event] = m[2];
  }
  if (isEcs) {
    const port = Number(args['container-port']);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new BgReplayError(
        'E_USAGE',
        `--container-port ${args['container-port']} must be a port number 1..65535`,
      );
    }
    return {
      platform: 'ECS',
      taskDefinition: args['task-definition'] as string,
      containerName: args['container-name'] as string,
      containerPort: port,
      hooks,
    };
  }
  return {
    platform: 'Lambda',
    functionName: args['function-name'] as string,
    alias: args.alias as string,
    currentVersion: String(args['current-version']),
    targetVersion: String(args['target-version']),
    hooks: hooks as LambdaAppSpecInput['hooks'],
  };
}

type RollbackEvent = 'DEPLOYMENT_FAILURE' | 'DEPLOYMENT_STOP_ON_ALARM' | 'DEPLOYMENT_STOP_ON_REQUEST';

/**
 * The `autoRollbackConfiguration` of `--auto-rollback`: the events given, or disabled with `none`; nothing
 * (the deployment group's setting applies) when the flag is absent.
 */
export function autoRollbackFrom(events: string[] | undefined): {
  autoRollbackConfiguration?: { enabled: boolean; events?: RollbackEvent[] };
} {
  if (!events || events.length === 0) return {};
  if (events.includes('none')) {
    if (events.length > 1)
      throw new BgReplayError('E_USAGE', '--auto-rollback none cannot be combined with events');
    return { autoRollbackConfiguration: { enabled: false } };
  }
  return { autoRollbackConfiguration: { enabled: true, events: [...new Set(events)] as RollbackEvent[] } };
}

export const deployCommand = defineCommand({
  command: 'deploy',
  describe: 'Start a CodeDeploy blue/green deployment with an AppSpec built from flags (ECS or Lambda)',
  builder: (yargs) =>
    withWaitFlags(withAwsFlags(yargs))
      .option('application', { type: 'string', describe: 'CodeDeploy application name' })
      .option('deployment-group', { type: 'string', describe: 'CodeDeploy deployment group name' })
      .option('task-definition', { type: 'string', describe: 'ECS: task definition ARN of the new version' })
      .option('container-name', { type: 'string', describe: 'ECS: container behind the load balancer' })
      .option('container-port', { type: 'number', describe: 'ECS: its port' })
      .option('function-name', { type: 'string', describe: 'Lambda: function name' })
      .option('alias', { type: 'string', describe: 'Lambda: alias to shift' })
      .option('current-version', { type: 'string', describe: 'Lambda: version the alias points at now' })
      .option('target-version', { type: 'string', describe: 'Lambda: version to shift to' })
      .option('hook', {
        type: 'string',
        array: true,
        describe: 'Event=FunctionName, repeatable (e.g. AfterAllowTestTraffic=CodeDeployHook_validate)',
      })
      .option('description', { type: 'string', describe: 'Deployment description' })
      .option('deployment-config', { type: 'string', describe: 'Deployment configuration name' })
      .option('auto-rollback', {
        type: 'string',
        array: true,
        choices: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST', 'none'],
        describe:
          "Roll back automatically on these events (overrides the group's setting); 'none' turns it off",
      })
      .option('print-appspec', {
        type: 'boolean',
        default: false,
        describe: 'Print the AppSpec and stop (no AWS call)',
      })
      .option('wait', {
        type: 'boolean',
        default: false,
        describe: 'Wait for the deployment (and its rollback) like bg-replay wait',
      })
      .usage(
        '$0 deploy --application <app> --deployment-group <group> (ECS flags | Lambda flags) [--hook Event=Fn ...] [--wait]',
      )
      .example(
        '$0 deploy --application shop --deployment-group shop-bg --task-definition arn:...:task-definition/shop:42 --container-name web --container-port 8080 --hook AfterAllowTestTraffic=CodeDeployHook_validate --wait',
        'ECS',
      )
      .example(
        '$0 deploy --application api --deployment-group api-bg --function-name api --alias live --current-version 3 --target-version 4 --hook BeforeAllowTraffic=CodeDeployHook_validate --auto-rollback DEPLOYMENT_FAILURE DEPLOYMENT_STOP_ON_ALARM',
        'Lambda',
      ),
  async run(args, io) {
    const built = buildAppSpec(appSpecInputFrom(args));
    for (const warning of built.warnings) writeLine(io.stderr, `warning: ${warning}`);
    if (args['print-appspec']) {
      io.stdout.write(built.content);
      return EXIT.pass;
    }
    const missing = (['application', 'deployment-group'] as const).filter((f) => !args[f]);
    if (missing.length)
      throw new BgReplayError('E_USAGE', `missing ${missing.map((f) => `--${f}`).join(', ')}`);
    const timing = waitTimingFrom(args);
    const aws = awsClientsFrom(args, io);
    try {
      const { deploymentId } = await createDeployment({
        codedeploy: aws.codedeploy,
        applicationName: args.application as string,
        deploymentGroupName: args['deployment-group'] as string,
        appSpec: built,
        ...(args.description ? { description: args.description } : {}),
        ...(args['deployment-config'] ? { deploymentConfigName: args['deployment-config'] } : {}),
        ...autoRollbackFrom(args['auto-rollback']),
      });
      writeLine(io.stdout, deploymentId);
      if (!args.wait) return EXIT.pass;
      return await waitAndReport(io, aws.codedeploy, deploymentId, timing, args.json);
    } finally {
      aws.destroy();
    }
  },
});
