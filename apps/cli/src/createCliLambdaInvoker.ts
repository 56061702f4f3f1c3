import type { LambdaClient } from '@aws-sdk/client-lambda';
import { BgReplayError, type LambdaInvoker } from '@bg-replay/core';
import {
  annotateAwsCalls,
  awsClientConfig,
  isLambdaTarget,
  type LambdaTarget,
  parseLambdaTarget,
  SAFE_METHODS,
  toAwsBgReplayError,
} from '@bg-replay/core/internal';
import type { Argv } from 'yargs';
import type { CliIo } from './io.js';

/** Adds `--lambda-endpoint`; the region is the general `--region`. */
export function withLambdaFlags<T>(yargs: Argv<T>) {
  return yargs.option('lambda-endpoint', {
    type: 'string',
    describe:
      "lambda:// targets: Lambda endpoint URL (a VPC endpoint, a local stand-in); the region is --region, AWS_REGION or the profile's",
    group: 'Targets:',
  });
}

/** The flags the invoker is built from. */
export interface CliLambdaArgs {
  region?: string | undefined;
  'lambda-endpoint'?: string | undefined;
}

/** The Lambda flags out of a command's parsed arguments. */
export function lambdaArgsOf(args: Record<string, unknown>): CliLambdaArgs {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return { region: text(args.region), 'lambda-endpoint': text(args['lambda-endpoint']) };
}

/** What the invoker needs of the run: its targets, the methods it may replay and its per-request timeout. */
export interface CliLambdaRun {
  live: string;
  candidate: string;
  allowMethods?: readonly string[] | undefined;
  timeoutMs?: number | undefined;
}

/** An invoker for the run's `lambda://` targets, checked before the run, and the client to close after it. */
export interface CliLambdaInvoker {
  invoke: LambdaInvoker;
  close(): void;
}

type Side = 'live' | 'candidate';
type InvokeCommandClass = typeof import('@aws-sdk/client-lambda').InvokeCommand;
const ACTION = 'lambda:InvokeFunction';

/** `function shop:2`, as messages name a target. */
function nameOf(target: { functionName: string; qualifier?: string | undefined }): string {
  return `function ${target.functionName}${target.qualifier ? `:${target.qualifier}` : ''}`;
}

/** The `lambda://` sides of a run, parsed; a malformed one is a usage error naming its flag. */
function lambdaTargetsOf(targets: CliLambdaRun): Array<[Side, string, LambdaTarget]> {
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
  { client, InvokeCommand }: { client: Pick<LambdaClient, 'send'>; InvokeCommand: InvokeCommandClass },
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

/** The client's region: the flag, the environment or the profile; none is a usage error naming the flag. */
async function resolveRegion(
  client: LambdaClient,
  [side, raw]: [Side, string, LambdaTarget],
): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    throw new BgReplayError(
      'E_USAGE',
      `--${side} ${raw}: no AWS region for Lambda: pass --region, set AWS_REGION, or use a profile that names one`,
    );
  }
}

/**
 * The Lambda invoker of a CLI run whose `live` or `candidate` is `lambda://function[:qualifier]`, or undefined
 * when neither is. It is built on one `LambdaClient` with the AWS client policy (`--region`, AWS_REGION or the profile's,
 * `--lambda-endpoint`, the environment's keys or the SDK's credential chain, AWS_MAX_ATTEMPTS), and each
 * target is checked first with a dry-run `Invoke`, so missing credentials, a missing `lambda:InvokeFunction`
 * permission or a missing function end the run before any request with one line (`BgReplayError`, exit 2).
 * During the run a failed invoke is a transport error of that record (outcomes are data).
 *
 * @example
 * const lambda = await createCliLambdaInvoker({ live: 'lambda://shop:1', candidate: 'lambda://shop:2' },
 *   { region: 'eu-west-1' }, io);
 * try { await validate({ ...options, lambdaInvoker: lambda?.invoke }); } finally { lambda?.close(); }
 */
export async function createCliLambdaInvoker(
  run: CliLambdaRun,
  args: CliLambdaArgs,
  io: CliIo,
): Promise<CliLambdaInvoker | undefined> {
  const lambdaTargets = lambdaTargetsOf(run);
  const first = lambdaTargets[0];
  if (!first) return undefined;
  // Loaded only for a lambda:// run: the SDK and the hook runtime would cost every other replay start-up time and memory.
  const [{ InvokeCommand, LambdaClient }, { createLambdaInvoker }, { credentialsFrom }] = await Promise.all([
    import('@aws-sdk/client-lambda'),
    import('@bg-replay/codedeploy'),
    import('./commands/wait.js'),
  ]);
  // Else the SDK's chain: the profile's region (as for CloudWatch).
  const given = args.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  const endpoint = args['lambda-endpoint'];
  let loopback = false;
  if (endpoint !== undefined) {
    if (!URL.canParse(endpoint))
      throw new BgReplayError(
        'E_USAGE',
        `--lambda-endpoint ${endpoint} is not a URL; give one like https://lambda.eu-west-1.amazonaws.com`,
      );
    loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(endpoint).hostname);
  }
  const credentials = credentialsFrom(io.env, loopback);
  // A retried Invoke runs the function again: never for a run that may replay writes (as HTTP retries).
  const writes = run.allowMethods?.some((method) => !SAFE_METHODS.includes(method)) ?? false;
  const client = annotateAwsCalls(
    new LambdaClient(
      awsClientConfig({
        ...(given ? { region: given } : {}),
        ...(endpoint ? { endpoint } : {}),
        ...(credentials ? { credentials } : {}),
        maxAttempts: writes ? 1 : Number(io.env.AWS_MAX_ATTEMPTS) || 3,
        // The replay's --timeout ends an invoke; the SDK's own timeout must not end (and retry) it first.
        requestTimeoutMs: Math.max(15_000, (run.timeoutMs ?? 5000) + 5000),
      }),
    ),
    'lambda',
  );
  try {
    const region = await resolveRegion(client, first);
    const seen = new Set<string>();
    for (const [side, raw, target] of lambdaTargets) {
      const key = nameOf(target);
      if (seen.has(key)) continue;
      seen.add(key);
      await checkLambdaTarget({ client, InvokeCommand }, side, raw, target, region);
    }
  } catch (error) {
    client.destroy();
    throw error;
  }
  return {
    invoke: createLambdaInvoker(client),
    close: () => client.destroy(),
  };
}
