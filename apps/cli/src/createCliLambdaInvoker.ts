import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { createLambdaInvoker } from '@bg-replay/codedeploy';
import {
  BgReplayError,
  describeAwsError,
  isLambdaTarget,
  type LambdaInvoker,
  type LambdaTarget,
  parseLambdaTarget,
  toAwsBgReplayError,
} from '@bg-replay/core';
import type { Argv } from 'yargs';
import { awsClientsFrom } from './commands/wait.js';
import type { CliIo } from './io.js';

/** Adds `--lambda-endpoint`; the region is the general `--region`. */
export function withLambdaFlags<T>(yargs: Argv<T>) {
  return yargs.option('lambda-endpoint', {
    type: 'string',
    describe:
      'lambda:// targets: Lambda endpoint URL (a VPC endpoint, a local stand-in); the region is --region or AWS_REGION',
    group: 'Targets:',
  });
}

/** The flags the invoker is built from. */
export interface CliLambdaArgs {
  region?: string | undefined;
  'lambda-endpoint'?: string | undefined;
}

/** An invoker for the run's `lambda://` targets, checked before the run, and the client to close after it. */
export interface CliLambdaInvoker {
  invoke: LambdaInvoker;
  close(): void;
}

type Side = 'live' | 'candidate';
const ACTION = 'lambda:InvokeFunction';

/** `function shop:2`, as messages name a target. */
function nameOf(target: { functionName: string; qualifier?: string | undefined }): string {
  return `function ${target.functionName}${target.qualifier ? `:${target.qualifier}` : ''}`;
}

/** The `lambda://` sides of a run, parsed; a malformed one is a usage error naming its flag. */
function lambdaTargetsOf(targets: { live: string; candidate: string }): Array<[Side, string, LambdaTarget]> {
  const found: Array<[Side, string, LambdaTarget]> = [];
  for (const side of ['live', 'candidate'] as const) {
    const raw = targets[side];
    if (!isLambdaTarget(raw)) continue;
    const target = parseLambdaTarget(raw);
    if (!target)
      throw new BgReplayError(
        'E_USAGE',
        `--${side} ${raw}: give lambda://function[:qualifier][?payload=1.0|2.0&stage=name]`,
      );
    found.push([side, raw, target]);
  }
  return found;
}

/**
 * Checks that a `lambda://` target can be invoked, without running it: `Invoke` with `InvocationType: DryRun`
 * makes Lambda check the credentials, the `lambda:InvokeFunction` permission and that the function and its
 * version or alias exist. A failure is a one-line error naming the flag, the function and the IAM action.
 */
async function checkLambdaTarget(
  client: Pick<LambdaClient, 'send'>,
  side: Side,
  raw: string,
  target: LambdaTarget,
  region: string,
): Promise<void> {
  try {
    await client.send(
      new InvokeCommand({
        FunctionName: target.functionName,
        ...(target.qualifier ? { Qualifier: target.qualifier } : {}),
        InvocationType: 'DryRun',
      }),
    );
  } catch (error) {
    throw toAwsBgReplayError(error, {
      prefix: `--${side} ${raw}: `,
      action: ACTION,
      resource: nameOf(target),
      notFound: `${nameOf(target)} does not exist in ${region} (a version or alias that was never published, or another account or region): check the name, the qualifier and --region`,
    });
  }
}

/**
 * The Lambda invoker of a CLI run whose `live` or `candidate` is `lambda://function[:qualifier]`, or undefined
 * when neither is. It is built on one `LambdaClient` with the AWS client policy (`--region` or AWS_REGION,
 * `--lambda-endpoint`, the environment's keys or the SDK's credential chain, AWS_MAX_ATTEMPTS), and each
 * target is checked first with a dry-run `Invoke`, so missing credentials, a missing `lambda:InvokeFunction`
 * permission or a missing function end the run before any request with one line (`BgReplayError`, exit 2).
 * During the run a failed invoke is a transport error of that record, described the same way.
 *
 * @example
 * const lambda = await createCliLambdaInvoker({ live: 'lambda://shop:1', candidate: 'lambda://shop:2' },
 *   { region: 'eu-west-1' }, io);
 * try { await validate({ ...options, lambdaInvoker: lambda?.invoke }); } finally { lambda?.close(); }
 */
export async function createCliLambdaInvoker(
  targets: { live: string; candidate: string },
  args: CliLambdaArgs,
  io: CliIo,
): Promise<CliLambdaInvoker | undefined> {
  const lambdaTargets = lambdaTargetsOf(targets);
  const first = lambdaTargets[0];
  if (!first) return undefined;
  const region = args.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (!region)
    throw new BgReplayError(
      'E_USAGE',
      `--${first[0]} ${first[1]}: no AWS region for Lambda: pass --region or set AWS_REGION`,
    );
  const endpoint = args['lambda-endpoint'];
  if (endpoint !== undefined && !URL.canParse(endpoint))
    throw new BgReplayError(
      'E_USAGE',
      `--lambda-endpoint ${endpoint} is not a URL; give one like https://lambda.eu-west-1.amazonaws.com`,
    );
  const clients = awsClientsFrom({ region, ...(endpoint ? { endpoint } : {}) }, io);
  try {
    const seen = new Set<string>();
    for (const [side, raw, target] of lambdaTargets) {
      const key = nameOf(target);
      if (seen.has(key)) continue;
      seen.add(key);
      await checkLambdaTarget(clients.lambda, side, raw, target, region);
    }
  } catch (error) {
    clients.destroy();
    throw error;
  }
  const invoke = createLambdaInvoker(clients.lambda);
  return {
    invoke: async (request) => {
      try {
        return await invoke(request);
      } catch (error) {
        // A timeout stays a timeout; anything else is said as the one-line AWS description.
        if (request.signal?.aborted) throw error;
        throw new Error(describeAwsError(error, { action: ACTION, resource: nameOf(request) }), {
          cause: error,
        });
      }
    },
    close: () => clients.destroy(),
  };
}
