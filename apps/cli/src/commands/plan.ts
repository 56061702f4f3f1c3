import { resolve } from 'node:path';
import { BgReplayError } from '@bg-replay/core';
import { awsErrorCode, describeAwsError } from '@bg-replay/core/internal';
import {
  createHookClients,
  type HookName,
  loadStacksConfig,
  type PlannedStep,
  PRESET_HOOKS,
  planHook,
  readActiveStack,
  type StackId,
  type StacksConfig,
} from '@bg-replay/hooks';
import { buildTeardownSteps, otherStack } from '@bg-replay/hooks/internal';
import { defineCommand } from '../command.js';
import { EXIT, writeLine } from '../io.js';
import { credentialsFrom } from './wait.js';

const HOOKS = [
  'BeforeInstall',
  'AfterInstall',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
  'Teardown',
] as const;

interface PlanArgs {
  config: string;
  hook: HookName | 'Teardown';
  active?: StackId;
  region?: string;
  endpoint?: string;
  json: boolean;
}

/**
 * `bg-replay plan --config stacks.yaml --hook AfterAllowTraffic [--active a|b]`: prints the ordered steps a
 * preset hook would take. Reads only the active-stack parameter from SSM (skipped with `--active`); changes
 * nothing.
 */
export const planCommand = defineCommand<PlanArgs>({
  command: 'plan',
  describe: 'Print the steps a lifecycle hook would take for the current active stack, changing nothing',
  builder: (yargs) =>
    yargs
      .option('config', { type: 'string', demandOption: true, describe: 'a/b stacks file (YAML or JSON)' })
      .option('hook', {
        choices: HOOKS,
        demandOption: true,
        describe: 'lifecycle event to plan, or Teardown (bg-replay teardown of the idle stack)',
      })
      .option('active', {
        choices: ['a', 'b'] as const,
        describe: 'live stack (default: read the activeStack.parameter from SSM)',
      })
      .option('region', { type: 'string', describe: 'AWS region for the SSM read (default: AWS_REGION)' })
      .option('endpoint', { type: 'string', describe: 'SSM endpoint URL (local stand-ins and tests)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the plan as JSON' })
      .example('$0 plan --config stacks.yaml --hook AfterAllowTraffic', 'what the teardown would do now')
      .example('$0 plan --config stacks.yaml --hook BeforeInstall --active b', 'plan without AWS access')
      .example('$0 plan --config stacks.yaml --hook Teardown --active b', 'what bg-replay teardown would do'),
  run: async (args, io) => {
    const file = resolve(io.cwd, args.config);
    const config = await loadStacksConfig(file);
    const hooks: readonly string[] = [...PRESET_HOOKS[config.platform], 'Teardown'];
    if (!hooks.includes(args.hook)) {
      throw new BgReplayError(
        'E_USAGE',
        `--hook ${args.hook}: the ${config.platform} preset of ${args.config} has no such hook; use one of ${hooks.join(', ')}`,
      );
    }
    let active: StackId;
    let activeFrom: string;
    if (args.active) {
      active = args.active;
      activeFrom = '--active';
    } else {
      active = await readActiveFromSsm(args, io.env, config.activeStack.parameter);
      activeFrom = `SSM ${config.activeStack.parameter}`;
    }
    const target = otherStack(active);
    // The teardown acts on the idle stack, the one the pointer does not name.
    const steps: PlannedStep[] =
      args.hook === 'Teardown'
        ? buildTeardownSteps(config, target).map(({ run: _run, ...planned }) => planned)
        : planHook(config, args.hook, active);
    if (args.json) {
      writeLine(
        io.stdout,
        JSON.stringify(
          {
            service: config.service,
            platform: config.platform,
            hook: args.hook,
            activeStack: active,
            activeFrom,
            targetStack: target,
            steps,
          },
          null,
          2,
        ),
      );
      return EXIT.pass;
    }
    writeLine(
      io.stdout,
      args.hook === 'Teardown'
        ? `Teardown of ${config.service} (${config.platform}): live stack ${active} (from ${activeFrom}), idle stack ${target} is torn down`
        : `${args.hook} of ${config.service} (${config.platform}): live stack ${active} (from ${activeFrom}), deployment moves to ${target}`,
    );
    writeLine(io.stdout, 'Plan only: nothing was changed.');
    writeLine(io.stdout);
    if (steps.length === 0) writeLine(io.stdout, '  (no steps: the config names nothing for this hook)');
    for (const [i, step] of steps.entries()) writeLine(io.stdout, formatStep(step, i + 1, steps.length));
    return EXIT.pass;
  },
});

function formatStep(step: PlannedStep, n: number, total: number): string {
  const width = String(total).length;
  const tags = [step.destructive ? 'guarded: refused on the live stack' : '', step.waits ? 'waits' : '']
    .filter(Boolean)
    .join(', ');
  const head = `${String(n).padStart(width)}. ${step.kind} [${step.stack}] ${step.resource}`;
  const pad = ' '.repeat(width + 2);
  const when = step.when ? `\n${pad}when: ${step.when}` : '';
  return `${head}\n${pad}${step.description}${tags ? `\n${pad}(${tags})` : ''}${when}`;
}

async function readActiveFromSsm(
  args: PlanArgs,
  env: Record<string, string | undefined>,
  parameter: string,
): Promise<StackId> {
  const region = args.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new BgReplayError(
      'E_USAGE',
      `to read ${parameter} from SSM, pass --region (or set AWS_REGION); or name the live stack with --active a|b`,
    );
  }
  const { ssm } = await hookClientsFrom({ ...args, region }, env);
  try {
    return await readActiveStack(ssm, parameter);
  } catch (error) {
    if (error instanceof BgReplayError) throw error;
    // One line: the AWS error, the call, what to fix, and the way around SSM.
    const where = `${region}${args.endpoint ? ` at ${args.endpoint}` : ''}`;
    throw new BgReplayError(
      awsErrorCode(error),
      `cannot read the active stack from SSM (${where}): ${describeAwsError(error, {
        action: 'ssm:GetParameter',
        resource: `parameter ${parameter}`,
        notFound: `check --region (and the parameter name in activeStack.parameter)`,
      })}; or name the live stack with --active a|b`,
      { cause: error },
    );
  } finally {
    ssm.destroy();
  }
}

/**
 * The hook clients for a command: SSM, and those the steps of `config` call when one is given; region given,
 * `--endpoint` for stand-ins, credentials from the environment when both keys are set (else the SDK's
 * provider chain).
 */
export function hookClientsFrom(
  args: { region: string; endpoint?: string },
  env: Record<string, string | undefined>,
  config?: StacksConfig,
) {
  // The environment's keys, else the SDK's chain (no fake keys: plan and teardown may touch a real account).
  const credentials = credentialsFrom(env, false);
  const maxAttempts = Number(env.AWS_MAX_ATTEMPTS) || undefined;
  return createHookClients(config, {
    region: args.region,
    ...(args.endpoint ? { endpoint: args.endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    ...(maxAttempts ? { maxAttempts } : {}),
  });
}
