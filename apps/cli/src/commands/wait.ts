import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type AwsClients, type WaitEvent, type WaitResult, waitForDeployment } from '@bg-replay/codedeploy';
import { createAwsClients } from '@bg-replay/codedeploy/internal';
import { BgReplayError } from '@bg-replay/core';
import { parseDuration } from '@bg-replay/core/internal';
import { FAKE_CREDENTIALS } from '@bg-replay/simulator';
import type { Argv } from 'yargs';
import { defineCommand } from '../command.js';
import { type CliIo, EXIT, writeLine } from '../io.js';

const DEPLOYMENT_ID = /^d-[A-Z0-9]{9}$/;

/** Adds `--region` and `--endpoint` (tests point the SDK at a loopback stand-in). */
export function withAwsFlags<T>(yargs: Argv<T>) {
  return yargs
    .option('region', { type: 'string', describe: 'AWS region (default: AWS_REGION)' })
    .option('endpoint', { type: 'string', describe: 'CodeDeploy endpoint override, e.g. a local stand-in' });
}

/**
 * The AWS clients for a command: region from `--region` or the environment; against a loopback
 * `--endpoint` without credentials in the environment, static fake ones (a stand-in checks no signature).
 */
export function awsClientsFrom(
  args: { region?: string; endpoint?: string },
  io: CliIo,
  maxAttempts?: number,
): AwsClients {
  const region = args.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (!region) throw new BgReplayError('E_USAGE', 'no AWS region: pass --region or set AWS_REGION');
  let loopback = false;
  if (args.endpoint) {
    let url: URL;
    try {
      url = new URL(args.endpoint);
    } catch {
      throw new BgReplayError(
        'E_USAGE',
        `--endpoint ${args.endpoint} is not a URL; give one like http://127.0.0.1:4566`,
      );
    }
    loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  }
  const credentials = credentialsFrom(io.env, loopback);
  // The SDK's AWS_MAX_ATTEMPTS, which the one client policy would otherwise replace.
  const attempts = maxAttempts ?? (Number(io.env.AWS_MAX_ATTEMPTS) || undefined);
  return createAwsClients({
    region,
    ...(args.endpoint ? { endpoint: args.endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    ...(attempts ? { maxAttempts: attempts } : {}),
  });
}

/**
 * Static credentials for the SDK: the environment's keys when both are set; against a loopback endpoint
 * without keys or a profile, fake ones (a stand-in checks no signature); else undefined (the SDK's chain).
 */
export function credentialsFrom(
  env: Record<string, string | undefined>,
  loopback: boolean,
): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  }
  return loopback && !env.AWS_PROFILE ? { ...FAKE_CREDENTIALS } : undefined;
}

/**
 * Reads a deployment id from a file: plain text (`d-XXXXXXXXX`), the JSON of `aws deploy create-deployment`,
 * a CDK `--outputs-file`, or `aws cloudformation describe-stacks` output. `file#OutputKey` picks a stack output.
 */
export async function readDeploymentId(spec: string, cwd: string): Promise<string> {
  const hash = spec.lastIndexOf('#');
  const [file, key] = hash > 0 ? [spec.slice(0, hash), spec.slice(hash + 1)] : [spec, undefined];
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = (await readFile(path, 'utf8')).trim();
  } catch (error) {
    throw new BgReplayError(
      'E_INPUT',
      `--deployment-id-from: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  if (DEPLOYMENT_ID.test(text)) return text;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new BgReplayError(
      'E_INPUT',
      `--deployment-id-from: ${path} holds neither a deployment id (d-XXXXXXXXX) nor JSON`,
    );
  }
  const found: Array<{ key: string; value: string }> = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    // describe-stacks: { OutputKey, OutputValue }
    if (typeof record.OutputKey === 'string' && typeof record.OutputValue === 'string') {
      found.push({ key: record.OutputKey, value: record.OutputValue });
    }
    for (const [k, v] of Object.entries(record)) {
      if (typeof v === 'string' && DEPLOYMENT_ID.test(v)) found.push({ key: k, value: v });
      else visit(v);
    }
  };
  visit(doc);
  const matches = found.filter((f) => (key ? f.key === key : DEPLOYMENT_ID.test(f.value)));
  const ids = [...new Set(matches.map((f) => f.value))];
  if (ids.length === 1 && ids[0]) return ids[0];
  if (ids.length === 0) {
    throw new BgReplayError(
      'E_INPUT',
      `--deployment-id-from: no ${key ? `output ${key}` : 'deployment id (d-XXXXXXXXX)'} in ${path}`,
    );
  }
  throw new BgReplayError(
    'E_INPUT',
    `--deployment-id-from: ${path} holds several deployment ids (${ids.join(', ')}); name one with ${file}#<OutputKey>`,
  );
}

/** Prints a wait's progress to stderr. */
export function printWaitEvent(io: CliIo, event: WaitEvent): void {
  switch (event.type) {
    case 'status':
      writeLine(
        io.stderr,
        `${event.rollback ? 'rollback ' : 'deployment '}${event.deploymentId}: ${event.status} (${event.where})`,
      );
      break;
    case 'retry':
      writeLine(
        io.stderr,
        `GetDeployment ${event.deploymentId}: ${event.error}; retrying in ${Math.round(event.delayMs / 1000)} s`,
      );
      break;
    case 'rollback':
      writeLine(io.stderr, `waiting for rollback deployment ${event.rollbackDeploymentId}`);
      break;
    default:
      break;
  }
}

/** How long and how often a wait polls, from `--timeout` and `--poll-interval` (checked before any call). */
export function waitTimingFrom(args: {
  timeout: string;
  'poll-interval': string;
  until?: 'traffic-shifted' | 'complete';
}) {
  const initialDelayMs = parseDuration(args['poll-interval'], '--poll-interval');
  // A zero interval would poll GetDeployment in a tight loop.
  if (initialDelayMs <= 0) {
    throw new BgReplayError(
      'E_USAGE',
      `--poll-interval ${args['poll-interval']}: give a positive interval, e.g. 5s`,
    );
  }
  return {
    timeoutMs: parseDuration(args.timeout, '--timeout'),
    initialDelayMs,
    ...(args.until ? { until: args.until } : {}),
  };
}

/** Waits for a deployment (and its rollback), printing progress, then the result; resolves to the exit code. */
export async function waitAndReport(
  io: CliIo,
  codedeploy: Parameters<typeof waitForDeployment>[0]['codedeploy'],
  deploymentId: string,
  timing: ReturnType<typeof waitTimingFrom>,
  json: boolean,
): Promise<number> {
  const result = await waitForDeployment({
    deploymentId,
    codedeploy,
    ...timing,
    ...(io.clock ? { now: io.clock.now, sleep: io.clock.sleep } : {}),
    maxDelayMs: Math.max(timing.initialDelayMs, 30_000),
    onEvent: (e) => printWaitEvent(io, e),
  });
  return finishWait(io, result, json);
}

/** Prints the final result and maps it to an exit code. */
function finishWait(io: CliIo, result: WaitResult, json: boolean): number {
  if (json) writeLine(io.stdout, JSON.stringify(result, null, 2));
  else {
    writeLine(io.stdout, result.reason);
    if (result.errorInformation?.message && !result.ok) {
      writeLine(
        io.stdout,
        `error: ${[result.errorInformation.code, result.errorInformation.message].filter(Boolean).join(': ')}`,
      );
    }
  }
  return result.ok ? EXIT.pass : EXIT.fail;
}

/** Flags shared by `wait` and `deploy --wait`. */
export function withWaitFlags<T>(yargs: Argv<T>) {
  return yargs
    .option('timeout', {
      type: 'string',
      default: '60m',
      describe: 'Give up after this long (deployment plus rollback)',
    })
    .option('poll-interval', {
      type: 'string',
      default: '5s',
      describe: 'First delay between polls; grows to 30 s',
    })
    .option('until', {
      choices: ['traffic-shifted', 'complete'] as const,
      default: 'traffic-shifted' as const,
      describe:
        'traffic-shifted: exit 0 once production traffic is on the new version (termination wait started) or the deployment is Ready; complete: wait through the termination wait',
    })
    .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' });
}

export const waitCommand = defineCommand({
  command: 'wait',
  describe: 'Wait for a CodeDeploy deployment to finish; on failure wait for its rollback (CI gate)',
  builder: (yargs) =>
    withWaitFlags(withAwsFlags(yargs))
      .option('deployment-id', { type: 'string', describe: 'The deployment id (d-XXXXXXXXX)' })
      .option('deployment-id-from', {
        type: 'string',
        describe:
          'Read the id from a file: plain text, create-deployment JSON, CDK outputs or describe-stacks (file#OutputKey)',
      })
      .conflicts('deployment-id', 'deployment-id-from')
      .usage(
        '$0 wait --deployment-id <id> | --deployment-id-from <file[#OutputKey]> [options]\n\nExits 0 when the deployment succeeded, shifted production traffic (the original kept for the termination wait) or is Ready to reroute; 1 when it failed, stopped or timed out.',
      )
      .example('$0 wait --deployment-id d-ABCDEF123 --timeout 45m', 'gate a pipeline on the deployment')
      .example('$0 wait --deployment-id-from cdk-outputs.json#DeploymentId', 'id from a stack output'),
  async run(args, io) {
    let deploymentId = args['deployment-id'];
    if (!deploymentId && args['deployment-id-from'])
      deploymentId = await readDeploymentId(args['deployment-id-from'], io.cwd);
    if (!deploymentId)
      throw new BgReplayError(
        'E_USAGE',
        'name the deployment: --deployment-id <id> or --deployment-id-from <file>',
      );
    const timing = waitTimingFrom(args);
    // One SDK attempt per poll: the wait's own backoff handles throttling and reports it.
    const aws = awsClientsFrom(args, io, 1);
    try {
      return await waitAndReport(io, aws.codedeploy, deploymentId, timing, args.json);
    } finally {
      aws.destroy();
    }
  },
});
