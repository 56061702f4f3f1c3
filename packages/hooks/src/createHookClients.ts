import { SSMClient } from '@aws-sdk/client-ssm';
import { type AwsClientPolicyOptions, annotateAwsCalls, awsClientConfig } from '@bg-replay/core/internal';
import { IAM_PREFIX } from './awsErrors.js';
import { type HookSdks, type ImportHookSdk, importHookSdk, loadHookSdk } from './loadHookSdk.js';
import type { HookClients } from './model.js';
import type { StacksConfig } from './stacksConfig.js';

/** Options shared by every client (region, endpoint for local stand-ins, credentials). */
export interface HookClientOptions extends AwsClientPolicyOptions {
  /** How an optional SDK module is imported (default: Node's `import()`); tests inject an absent one. */
  importSdk?: ImportHookSdk;
}

type ClientConfig = ReturnType<typeof awsClientConfig>;

/** How each optional client is built from its module. */
const build: {
  [K in keyof HookSdks]: (sdk: HookSdks[K], config: ClientConfig) => NonNullable<HookClients[K]>;
} = {
  autoScaling: (sdk, config) => new sdk.ApplicationAutoScalingClient(config),
  eventBridge: (sdk, config) => new sdk.EventBridgeClient(config),
  lambda: (sdk, config) => new sdk.LambdaClient(config),
  sns: (sdk, config) => new sdk.SNSClient(config),
  sqs: (sdk, config) => new sdk.SQSClient(config),
  dynamodb: (sdk, config) => new sdk.DynamoDBClient(config),
  rds: (sdk, config) => new sdk.RDSClient(config),
  ecs: (sdk, config) => new sdk.ECSClient(config),
};

/** The client that reads each scalable dimension's capacity in service (see `readCapacity`). */
function capacityReader(dimension: string): keyof HookSdks | undefined {
  if (dimension.startsWith('ecs:')) return 'ecs';
  if (dimension.startsWith('dynamodb:table:')) return 'dynamodb';
  if (dimension.startsWith('rds:')) return 'rds';
  if (dimension.startsWith('lambda:')) return 'lambda';
  return undefined;
}

/**
 * The optional clients the steps of `config` call, each with the first key of the stacks file that needs it
 * (in the words of an error message).
 *
 * @example
 * neededClients(config); // Map { 'autoScaling' => 'stacks.a.scalableTargets[0]', 'sqs' => 'stacks.a.queues[0]' }
 */
export function neededClients(config: StacksConfig): Map<keyof HookSdks, string> {
  const needs = new Map<keyof HookSdks, string>();
  const need = (name: keyof HookSdks | undefined, key: string): void => {
    if (name && !needs.has(name)) needs.set(name, key);
  };
  const EVENT_SOURCE = {
    'eventbridge-rule': 'eventBridge',
    'lambda-event-source-mapping': 'lambda',
    'sns-subscription': 'sns',
  } as const;
  const PUBLISH = { sns: 'sns', sqs: 'sqs', eventbridge: 'eventBridge' } as const;
  for (const id of ['a', 'b'] as const) {
    const stack = config.stacks[id];
    const at = `stacks.${id}`;
    stack.scalableTargets.forEach((t, i) => {
      need('autoScaling', `${at}.scalableTargets[${i}]`);
      need(capacityReader(t.scalableDimension), `${at}.scalableTargets[${i}] (${t.scalableDimension})`);
    });
    stack.eventSources.forEach((s, i) => {
      need(EVENT_SOURCE[s.type], `${at}.eventSources[${i}] (${s.type})`);
    });
    if (stack.migration) {
      need(
        stack.migration.type === 'ecs-task' ? 'ecs' : 'lambda',
        `${at}.migration (${stack.migration.type})`,
      );
    }
    const { publish, readiness } = stack.seed ?? {};
    if (publish) need(PUBLISH[publish.type], `${at}.seed.publish (${publish.type})`);
    if (readiness?.type === 'dynamodb-count') need('dynamodb', `${at}.seed.readiness (${readiness.type})`);
    if (config.teardown.purgeQueues && stack.queues.length > 0) need('sqs', `${at}.queues[0]`);
    if (config.teardown.deleteDatabase && stack.database) {
      need(
        stack.database.type === 'dynamodb' ? 'dynamodb' : 'rds',
        `${at}.database (${stack.database.type})`,
      );
    }
  }
  return needs;
}

/**
 * The AWS SDK v3 clients the steps of `config` call, all with the same options: SSM always (a dependency),
 * and, loaded with `import()` only when the stacks file names a resource that needs it, each optional one
 * (peer dependencies). Without a config only SSM is built. An absent package fails before any step runs,
 * with an `E_CONFIG` error naming the package, the key of the stacks file that needs it and the `npm i` line.
 *
 * @example
 * const clients = await createHookClients(config, { region: 'eu-west-1' });
 * await runHook(config, 'AfterAllowTraffic', { clients, runId: event.DeploymentId });
 */
export async function createHookClients(
  config: StacksConfig | undefined,
  options: HookClientOptions = {},
): Promise<HookClients> {
  const { importSdk = importHookSdk, ...policy } = options;
  // One policy for every client: timeouts and the SDK's retry strategy (the steps never retry a call).
  const clientConfig = awsClientConfig(policy);
  // Errors of every call name their IAM action and resource (SDK middleware, after the retries).
  const clients: HookClients = { ssm: annotateAwsCalls(new SSMClient(clientConfig), IAM_PREFIX.ssm) };
  const needs = config ? neededClients(config) : new Map<keyof HookSdks, string>();
  const sdks = await Promise.all(
    [...needs].map(async ([name, key]) => [name, await loadHookSdk(name, key, importSdk)] as const),
  );
  for (const [name, sdk] of sdks) {
    const make = build[name] as (sdk: unknown, config: ClientConfig) => NonNullable<HookClients[typeof name]>;
    Object.assign(clients, { [name]: annotateAwsCalls(make(sdk, clientConfig), IAM_PREFIX[name]) });
  }
  return clients;
}
