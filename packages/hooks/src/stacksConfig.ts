import type { ScalableDimension, ServiceNamespace } from '@aws-sdk/client-application-auto-scaling';
import { z } from 'zod';

/** The two paired stacks of a service. */
export type StackId = 'a' | 'b';

/**
 * The stack that is not `stack`.
 *
 * @example
 * otherStack('a'); // 'b'
 */
export function otherStack(stack: StackId): StackId {
  return stack === 'a' ? 'b' : 'a';
}

const nonEmpty = z.string().min(1);

// The values of the SDK's ServiceNamespace and ScalableDimension, listed here so that reading a stacks file
// does not load the Application Auto Scaling client (an optional peer dependency). `satisfies` and the
// checks below fail the typecheck when the SDK adds or drops a value.
const SERVICE_NAMESPACES = [
  'appstream',
  'cassandra',
  'comprehend',
  'custom-resource',
  'dynamodb',
  'ec2',
  'ecs',
  'elasticache',
  'elasticmapreduce',
  'kafka',
  'lambda',
  'neptune',
  'rds',
  'sagemaker',
  'workspaces',
] as const satisfies readonly ServiceNamespace[];
const SCALABLE_DIMENSIONS = [
  'appstream:fleet:DesiredCapacity',
  'cassandra:table:ReadCapacityUnits',
  'cassandra:table:WriteCapacityUnits',
  'comprehend:document-classifier-endpoint:DesiredInferenceUnits',
  'comprehend:entity-recognizer-endpoint:DesiredInferenceUnits',
  'custom-resource:ResourceType:Property',
  'dynamodb:index:ReadCapacityUnits',
  'dynamodb:index:WriteCapacityUnits',
  'dynamodb:table:ReadCapacityUnits',
  'dynamodb:table:WriteCapacityUnits',
  'ec2:spot-fleet-request:TargetCapacity',
  'ecs:service:DesiredCount',
  'elasticmapreduce:instancegroup:InstanceCount',
  'elasticache:cache-cluster:Nodes',
  'elasticache:replication-group:NodeGroups',
  'elasticache:replication-group:Replicas',
  'kafka:broker-storage:VolumeSize',
  'lambda:function:ProvisionedConcurrency',
  'neptune:cluster:ReadReplicaCount',
  'rds:cluster:ReadReplicaCount',
  'sagemaker:inference-component:DesiredCopyCount',
  'sagemaker:variant:DesiredInstanceCount',
  'sagemaker:variant:DesiredProvisionedConcurrency',
  'workspaces:workspacespool:DesiredUserSessions',
] as const satisfies readonly ScalableDimension[];
type Unlisted<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : Exclude<All, Listed>;
const everyNamespace: Unlisted<ServiceNamespace, (typeof SERVICE_NAMESPACES)[number]> = true;
const everyDimension: Unlisted<ScalableDimension, (typeof SCALABLE_DIMENSIONS)[number]> = true;
void everyNamespace;
void everyDimension;

const scalableTargetSchema = z
  .object({
    /** Free label shown in plans; targets of `a` and `b` are paired by position. */
    name: z.string().optional(),
    serviceNamespace: z.enum(SERVICE_NAMESPACES),
    resourceId: nonEmpty,
    /** e.g. `rds:cluster:ReadReplicaCount`, `dynamodb:table:ReadCapacityUnits`, `ecs:service:DesiredCount`. */
    scalableDimension: z.enum(SCALABLE_DIMENSIONS),
  })
  .strict();

const eventSourceSchema = z.discriminatedUnion('type', [
  z
    .object({ type: z.literal('eventbridge-rule'), name: nonEmpty, eventBusName: nonEmpty.optional() })
    .strict(),
  z.object({ type: z.literal('lambda-event-source-mapping'), uuid: nonEmpty }).strict(),
  z
    .object({
      type: z.literal('sns-subscription'),
      subscriptionArn: nonEmpty,
      /** Policy in force while the source is enabled; absent = no filtering. */
      filterPolicy: z.record(z.string(), z.unknown()).optional(),
    })
    .strict(),
]);

const databaseSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('dynamodb'), tableName: nonEmpty }).strict(),
  z
    .object({
      type: z.literal('rds-cluster'),
      clusterIdentifier: nonEmpty,
      /** Delete without a final snapshot. Off unless you say so. */
      skipFinalSnapshot: z.boolean().default(false),
    })
    .strict(),
]);

const messageSchema = z.union([z.string(), z.record(z.string(), z.unknown())]);

const seedPublishSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('sns'),
      topicArn: nonEmpty,
      message: messageSchema,
      subject: z.string().optional(),
      messageAttributes: z.record(z.string(), z.string()).optional(),
      messageGroupId: z.string().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('sqs'),
      queueUrl: z.url(),
      message: messageSchema,
      messageGroupId: z.string().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('eventbridge'),
      eventBusName: nonEmpty.optional(),
      source: nonEmpty,
      detailType: nonEmpty,
      detail: z.record(z.string(), z.unknown()),
    })
    .strict(),
]);

const readinessSchema = z.discriminatedUnion('type', [
  z
    .object({ type: z.literal('http'), url: z.url(), timeoutSeconds: z.number().positive().default(10) })
    .strict(),
  z
    .object({ type: z.literal('dynamodb-count'), tableName: nonEmpty, minCount: z.number().int().min(1) })
    .strict(),
]);

const migrationSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('ecs-task'),
      cluster: nonEmpty,
      taskDefinition: nonEmpty,
      launchType: z.enum(['FARGATE', 'EC2', 'EXTERNAL']).optional(),
      subnets: z.array(nonEmpty).optional(),
      securityGroups: z.array(nonEmpty).optional(),
      assignPublicIp: z.boolean().optional(),
      containerName: nonEmpty.optional(),
      command: z.array(z.string()).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('lambda'),
      functionName: nonEmpty,
      payload: z.record(z.string(), z.unknown()).optional(),
    })
    .strict(),
]);

const stackSchema = z
  .object({
    database: databaseSchema.optional(),
    scalableTargets: z.array(scalableTargetSchema).default([]),
    queues: z.array(z.object({ url: z.url() }).strict()).default([]),
    eventSources: z.array(eventSourceSchema).default([]),
    seed: z
      .object({ publish: seedPublishSchema.optional(), readiness: readinessSchema.optional() })
      .strict()
      .optional(),
    migration: migrationSchema.optional(),
  })
  .strict();

const ssmName = z
  .string()
  .regex(/^\/?[A-Za-z0-9_.\-/]+$/, 'must be an SSM parameter name (letters, digits, _ . - /)');

/**
 * zod schema of the a/b stacks file.
 *
 * @example
 * const config = stacksConfigSchema.parse(JSON.parse(text)); // loadStacksConfig also names the line at fault
 */
export const stacksConfigSchema = z
  .object({
    version: z.literal(1),
    service: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, _ . -'),
    platform: z.enum(['ecs', 'lambda']),
    activeStack: z.object({ parameter: ssmName }).strict(),
    /** Where the hooks remember what they did (original capacity, purge times, run records). */
    state: z.object({ parameterPrefix: ssmName.optional() }).strict().default({}),
    waits: z
      .object({
        pollSeconds: z.number().positive().default(15),
        /** Stays under CodeDeploy's one-hour limit for a hook. */
        timeoutSeconds: z.number().positive().default(2700),
      })
      .strict()
      .default({ pollSeconds: 15, timeoutSeconds: 2700 }),
    teardown: z
      .object({ purgeQueues: z.boolean().default(true), deleteDatabase: z.boolean().default(true) })
      .strict()
      .default({ purgeQueues: true, deleteDatabase: true }),
    stacks: z.object({ a: stackSchema, b: stackSchema }).strict(),
  })
  .strict()
  .superRefine((config, ctx) => {
    const keysA = new Set(stackResourceKeys(config.stacks.a));
    for (const key of stackResourceKeys(config.stacks.b)) {
      if (keysA.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['stacks', 'b'],
          message: `stacks a and b both name ${key}: each stack needs its own resources`,
        });
      }
    }
    const ta = config.stacks.a.scalableTargets;
    const tb = config.stacks.b.scalableTargets;
    if (ta.length !== tb.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['stacks', 'b', 'scalableTargets'],
        message: `a has ${ta.length} scalable targets and b has ${tb.length}: they are paired by position`,
      });
    }
    ta.forEach((target, i) => {
      const pair = tb[i];
      if (
        pair &&
        (pair.serviceNamespace !== target.serviceNamespace ||
          pair.scalableDimension !== target.scalableDimension)
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['stacks', 'b', 'scalableTargets', i],
          message:
            'must have the same serviceNamespace and scalableDimension as the target at the same position in a',
        });
      }
    });
  });

/** The a/b stacks file after validation and defaults. */
export type StacksConfig = z.output<typeof stacksConfigSchema>;
/** One stack of {@link StacksConfig}. */
export type StackConfig = StacksConfig['stacks']['a'];
/** One Application Auto Scaling target of a stack (its minimum capacity is raised and restored). */
export type ScalableTargetConfig = StackConfig['scalableTargets'][number];
/** One event source of a stack (EventBridge rule, SNS subscription, Lambda event source mapping), enabled only on the live stack. */
export type EventSourceConfig = StackConfig['eventSources'][number];
/** The database of a stack, whose capacity follows live's and which a teardown may delete. */
export type DatabaseConfig = NonNullable<StackConfig['database']>;
/** How a stack asks upstream to seed it, and how its readiness is checked. */
export type SeedConfig = NonNullable<StackConfig['seed']>;
/** The migration a stack runs before it takes traffic. */
export type MigrationConfig = NonNullable<StackConfig['migration']>;

/**
 * The SSM prefix under which hooks keep their records.
 *
 * @example
 * stateParameterPrefix(config); // '/bg-replay/orders' unless state.parameterPrefix is set
 */
export function stateParameterPrefix(config: StacksConfig): string {
  const prefix = config.state.parameterPrefix ?? `/bg-replay/${config.service}`;
  return prefix.replace(/\/+$/, '');
}

/** A stable label for a resource, used in actions and by the live-stack guard. */
export function eventSourceKey(source: EventSourceConfig): string {
  switch (source.type) {
    case 'eventbridge-rule':
      return `events:${source.eventBusName ?? 'default'}/${source.name}`;
    case 'lambda-event-source-mapping':
      return `lambda-esm:${source.uuid}`;
    case 'sns-subscription':
      return `sns-subscription:${source.subscriptionArn}`;
  }
}

export function databaseKey(database: DatabaseConfig): string {
  return database.type === 'dynamodb'
    ? `dynamodb:${database.tableName}`
    : `rds:${database.clusterIdentifier}`;
}

export function queueKey(queue: { url: string }): string {
  return `sqs:${queue.url}`;
}

export function scalableTargetKey(target: ScalableTargetConfig): string {
  return `autoscaling:${target.serviceNamespace}/${target.resourceId}/${target.scalableDimension}`;
}

export function migrationKey(migration: MigrationConfig): string {
  return migration.type === 'ecs-task'
    ? `ecs-task:${migration.cluster}/${migration.taskDefinition}`
    : `lambda:${migration.functionName}`;
}

/**
 * Every resource a stack names: what a destructive step must never touch while that stack is live.
 *
 * @example
 * stackResourceKeys(config.stacks.a); // ['rds:orders-a', 'sqs:https://…/orders-ingest-a', 'lambda-esm:…', …]
 */
export function stackResourceKeys(stack: StackConfig): string[] {
  const keys: string[] = [];
  if (stack.database) keys.push(databaseKey(stack.database));
  for (const queue of stack.queues) keys.push(queueKey(queue));
  for (const source of stack.eventSources) keys.push(eventSourceKey(source));
  for (const target of stack.scalableTargets) keys.push(scalableTargetKey(target));
  return keys;
}
