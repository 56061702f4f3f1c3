import { type AwsStandInState, autoscalingReaderName } from './createAwsStandInServices.js';

/** A stack's id in an a/b stacks file. */
export type StackId = 'a' | 'b';

/** A publish request that seeds a stack (`seed.publish` of a stacks file). */
type SeedPublish =
  | { type: 'eventbridge'; source: string; detailType: string; detail: unknown }
  | { type: 'sqs'; queueUrl: string; message: string | Record<string, unknown> }
  | { type: string };

/** One stack of a stacks file, as far as seeding an account reads it. */
interface SeedStack {
  scalableTargets: ReadonlyArray<{ serviceNamespace: string; resourceId: string; scalableDimension: string }>;
  eventSources: ReadonlyArray<
    | { type: 'eventbridge-rule'; name: string; eventBusName?: string | undefined }
    | { type: 'lambda-event-source-mapping'; uuid: string }
    | { type: 'sns-subscription'; subscriptionArn: string; filterPolicy?: unknown }
  >;
  queues: ReadonlyArray<{ url: string }>;
  database?:
    | { type: 'dynamodb'; tableName: string }
    | { type: 'rds-cluster'; clusterIdentifier: string }
    | undefined;
  migration?:
    | { type: 'ecs-task'; taskDefinition: string }
    | { type: 'lambda'; functionName: string }
    | undefined;
  seed?:
    | {
        publish?: SeedPublish | undefined;
        readiness?: { type: string; tableName?: string; minCount?: number } | undefined;
      }
    | undefined;
}

/**
 * The part of `@bg-replay/hooks`' `StacksConfig` that seeding reads (declared here: the simulator does not
 * depend on the hooks package, whose tests depend on it).
 */
export interface SeedStacksConfig {
  activeStack: { parameter: string };
  stacks: Record<StackId, SeedStack>;
}

/** The maps {@link seedStandInAccount} fills. */
export type StandInAccountState = Pick<
  AwsStandInState,
  | 'parameters'
  | 'scalableTargets'
  | 'capacity'
  | 'rules'
  | 'eventSourceMappings'
  | 'subscriptions'
  | 'queues'
  | 'tables'
  | 'clusters'
  | 'instances'
  | 'taskDefinitions'
  | 'functions'
>;

/** Options of {@link seedStandInAccount}. */
export interface SeedStandInAccountOptions {
  /** Exit code of each stack's migration task (default 0). */
  migrationExitCode?: number;
  /** Items in the live stack's table (default 120). */
  liveItems?: number;
  /** Messages waiting in each queue: `[live, idle]` (default `[7, 3]`). */
  queueMessages?: [number, number];
  /** The filter policy that parks an idle stack's SNS subscription (`@bg-replay/hooks`' `DISABLED_FILTER_POLICY`). */
  disabledFilterPolicy?: unknown;
}

/**
 * Fills an in-memory account with both stacks of `config` as they stand before a deployment: `active` is
 * live (sources enabled, capacity raised, data in its table), the other idle (sources off, minimum
 * capacity, an empty table). Each target's capacity in service is its minimum (an Aurora cluster has a
 * writer and that many readers: `<id>-reader-1`, then readers Aurora Auto Scaling added). Returns the upstream: call it on each published seed request (the stand-in's
 * `onPublish`) and it fills the table of the stack the request names, as a real upstream replay would.
 * SNS subscriptions (the idle one parked by `disabledFilterPolicy`), Aurora clusters with a writer and a
 * reader, migration task definitions and migration functions are created too.
 *
 * @example
 * const services = createAwsStandInServices();
 * services.onPublish = seedStandInAccount(services.state, config, 'a');
 */
export function seedStandInAccount(
  state: StandInAccountState,
  config: SeedStacksConfig,
  active: StackId,
  options: SeedStandInAccountOptions = {},
): (operation: string, input: Record<string, unknown>) => void {
  state.parameters.set(config.activeStack.parameter, active);
  for (const id of ['a', 'b'] as const) {
    const live = id === active;
    const stack = config.stacks[id];
    for (const t of stack.scalableTargets) {
      const key = `${t.serviceNamespace}|${t.resourceId}|${t.scalableDimension}`;
      const range = live ? { min: 4, max: 10 } : { min: 1, max: 3 };
      state.scalableTargets.set(key, range);
      state.capacity.set(key, range.min);
    }
    for (const source of stack.eventSources) {
      if (source.type === 'eventbridge-rule')
        state.rules.set(`${source.eventBusName ?? 'default'}/${source.name}`, live ? 'ENABLED' : 'DISABLED');
      if (source.type === 'lambda-event-source-mapping')
        state.eventSourceMappings.set(source.uuid, live ? 'Enabled' : 'Disabled');
      if (source.type === 'sns-subscription') {
        const policy = live ? source.filterPolicy : options.disabledFilterPolicy;
        state.subscriptions.set(source.subscriptionArn, policy ? JSON.stringify(policy) : undefined);
      }
    }
    const [liveMessages, idleMessages] = options.queueMessages ?? [7, 3];
    for (const queue of stack.queues)
      state.queues.set(queue.url, { messages: live ? liveMessages : idleMessages });
    if (stack.database?.type === 'dynamodb') {
      state.tables.set(stack.database.tableName, {
        status: 'ACTIVE',
        items: live ? (options.liveItems ?? 120) : 0,
      });
    }
    if (stack.database?.type === 'rds-cluster') {
      const id = stack.database.clusterIdentifier;
      const members = [`${id}-writer`, `${id}-reader-1`];
      const readers = state.capacity.get(`rds|cluster:${id}|rds:cluster:ReadReplicaCount`) ?? 1;
      for (let n = 1; n < readers; n++) members.push(autoscalingReaderName(id, n));
      state.clusters.set(id, { status: 'available', members, writer: `${id}-writer` });
      for (const m of members) state.instances.set(m, 'available');
    }
    if (stack.migration?.type === 'lambda') state.functions.set(stack.migration.functionName, {});
    if (stack.migration?.type === 'ecs-task') {
      state.taskDefinitions.set(stack.migration.taskDefinition, { exitCode: options.migrationExitCode ?? 0 });
    }
  }
  return (operation, input) => {
    for (const id of ['a', 'b'] as const) {
      const seed = config.stacks[id].seed;
      if (!seed?.publish || !matches(seed.publish, operation, input)) continue;
      const readiness = seed.readiness;
      if (readiness?.type === 'dynamodb-count' && readiness.tableName) {
        const table = state.tables.get(readiness.tableName);
        if (table) table.items = Math.max(table.items, readiness.minCount ?? 1);
      }
    }
  };
}

function matches(publish: SeedPublish, operation: string, input: Record<string, unknown>): boolean {
  const text = (m: string | Record<string, unknown>) => (typeof m === 'string' ? m : JSON.stringify(m));
  if (publish.type === 'eventbridge' && operation === 'PutEvents' && 'detailType' in publish) {
    const entries = (input.Entries ?? []) as Array<{ Source?: string; DetailType?: string; Detail?: string }>;
    return entries.some(
      (e) =>
        e.Source === publish.source &&
        e.DetailType === publish.detailType &&
        e.Detail === JSON.stringify(publish.detail),
    );
  }
  if (publish.type === 'sqs' && operation === 'SendMessage' && 'queueUrl' in publish) {
    return input.QueueUrl === publish.queueUrl && input.MessageBody === text(publish.message);
  }
  return false;
}
