/**
 * A small in-memory model of the AWS state the hooks touch, behind aws-sdk-client-mock. Transitional
 * states (a table DELETING, a task RUNNING) move on when `tick()` is called, which the tests' `sleep` does.
 */
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { DescribeTasksCommand, ECSClient, ListTasksCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import {
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  EventBridgeClient,
  PutEventsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  GetEventSourceMappingCommand,
  InvokeCommand,
  LambdaClient,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import {
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import {
  GetSubscriptionAttributesCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { PurgeQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import type { HookClients } from '../src/index.js';

/** Commands that change state: a dry run must send none, a second run none of the destructive ones. */
export const MUTATING = new Set([
  'PutParameter',
  'DeleteParameter',
  'RegisterScalableTarget',
  'EnableRule',
  'DisableRule',
  'UpdateEventSourceMapping',
  'SetSubscriptionAttributes',
  'Publish',
  'SendMessage',
  'PutEvents',
  'PurgeQueue',
  'DeleteTable',
  'DeleteDBInstance',
  'DeleteDBCluster',
  'RunTask',
  'Invoke',
]);

export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}

export interface FakeState {
  params: Map<string, string>;
  targets: Map<string, { min: number; max: number }>;
  /** Capacity in service per scalable target (same key); a registration moves it into range at the next tick. */
  capacity: Map<string, number>;
  rules: Map<string, string>;
  mappings: Map<string, string>;
  subscriptions: Map<string, string | undefined>;
  queues: Map<string, { messages: number; purgedAt?: number }>;
  tables: Map<string, { status: string; items: number; deletionProtection?: boolean }>;
  clusters: Map<string, { status: string; members: string[]; deletionProtection?: boolean }>;
  instances: Map<string, string>;
  tasks: Map<string, { status: string; exitCode: number; ticksLeft: number; startedBy?: string }>;
  functions: Map<string, { error?: string }>;
  published: Array<{ command: string; input: unknown }>;
  snapshots: string[];
  /** Called on each seed request (Publish, SendMessage, PutEvents): lets a test play the upstream. */
  onPublish?: (command: string, input: Record<string, unknown>) => void;
}

export interface FakeAws {
  state: FakeState;
  clients: Required<HookClients>;
  calls: Array<{ command: string; input: Record<string, unknown> }>;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  tick: () => void;
  /** The next call of `command` throws `error` (once). */
  failNext: (command: string, error?: Error) => void;
  mutating: () => Array<{ command: string; input: Record<string, unknown> }>;
  reset: () => void;
  // biome-ignore lint/suspicious/noExplicitAny: stubs of several client types
  mocks: AwsClientStub<any>[];
}

const key = (target: {
  ServiceNamespace?: string;
  ResourceId?: string;
  ScalableDimension?: string;
}): string => `${target.ServiceNamespace}|${target.ResourceId}|${target.ScalableDimension}`;

export function targetKey(ns: string, resourceId: string, dimension: string): string {
  return `${ns}|${resourceId}|${dimension}`;
}

export function createFakeAws(start = Date.parse('2026-11-26T10:00:00Z')): FakeAws {
  let clock = start;
  let taskSeq = 0;
  const state: FakeState = {
    params: new Map(),
    targets: new Map(),
    capacity: new Map(),
    rules: new Map(),
    mappings: new Map(),
    subscriptions: new Map(),
    queues: new Map(),
    tables: new Map(),
    clusters: new Map(),
    instances: new Map(),
    tasks: new Map(),
    functions: new Map(),
    published: [],
    snapshots: [],
  };
  const calls: FakeAws['calls'] = [];
  const arriving = new Map<string, { min: number; max: number }>();
  const failures = new Map<string, Error>();
  const region = { region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };
  const clients = {
    ssm: new SSMClient(region),
    autoScaling: new ApplicationAutoScalingClient(region),
    eventBridge: new EventBridgeClient(region),
    lambda: new LambdaClient(region),
    sns: new SNSClient(region),
    sqs: new SQSClient(region),
    dynamodb: new DynamoDBClient(region),
    rds: new RDSClient(region),
    ecs: new ECSClient(region),
  };
  // biome-ignore lint/suspicious/noExplicitAny: stubs of several client types
  const mocks: AwsClientStub<any>[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: stubs of several client types
  const stubs = new Map<unknown, AwsClientStub<any>>();

  // biome-ignore lint/suspicious/noExplicitAny: the mock's command typing is per client
  function on(client: any, command: any, name: string, handler: (input: any) => unknown): void {
    let stub = stubs.get(client);
    if (!stub) {
      stub = mockClient(client);
      stubs.set(client, stub);
      mocks.push(stub);
    }
    // biome-ignore lint/suspicious/noExplicitAny: see above
    (stub as any).on(command).callsFake(async (input: Record<string, unknown>) => {
      calls.push({ command: name, input });
      const failure = failures.get(name);
      if (failure) {
        failures.delete(name);
        throw failure;
      }
      return handler(input);
    });
  }

  // SSM
  on(clients.ssm, GetParameterCommand, 'GetParameter', ({ Name }) => {
    const value = state.params.get(Name);
    if (value === undefined) throw awsError('ParameterNotFound');
    return { Parameter: { Name, Value: value, Type: 'String' } };
  });
  on(clients.ssm, PutParameterCommand, 'PutParameter', ({ Name, Value, Overwrite }) => {
    if (state.params.has(Name) && !Overwrite) throw awsError('ParameterAlreadyExists');
    state.params.set(Name, Value);
    return { Version: 1 };
  });
  on(clients.ssm, DeleteParameterCommand, 'DeleteParameter', ({ Name }) => {
    if (!state.params.delete(Name)) throw awsError('ParameterNotFound');
    return {};
  });

  // Application Auto Scaling
  on(clients.autoScaling, DescribeScalableTargetsCommand, 'DescribeScalableTargets', (input) => {
    const found = (input.ResourceIds as string[]).flatMap((id) => {
      const t = state.targets.get(key({ ...input, ResourceId: id }));
      return t
        ? [
            {
              ServiceNamespace: input.ServiceNamespace,
              ResourceId: id,
              ScalableDimension: input.ScalableDimension,
              MinCapacity: t.min,
              MaxCapacity: t.max,
            },
          ]
        : [];
    });
    return { ScalableTargets: found };
  });
  on(clients.autoScaling, RegisterScalableTargetCommand, 'RegisterScalableTarget', (input) => {
    const t = state.targets.get(key(input));
    if (!t) throw awsError('ObjectNotFoundException');
    if (input.MinCapacity !== undefined) t.min = input.MinCapacity;
    if (input.MaxCapacity !== undefined) t.max = input.MaxCapacity;
    arriving.set(key(input), t);
    return {};
  });

  // EventBridge
  const ruleKey = (input: { Name: string; EventBusName?: string }): string =>
    `${input.EventBusName ?? 'default'}/${input.Name}`;
  on(clients.eventBridge, DescribeRuleCommand, 'DescribeRule', (input) => {
    const s = state.rules.get(ruleKey(input));
    if (!s) throw awsError('ResourceNotFoundException');
    return { Name: input.Name, State: s };
  });
  on(clients.eventBridge, EnableRuleCommand, 'EnableRule', (input) => {
    state.rules.set(ruleKey(input), 'ENABLED');
    return {};
  });
  on(clients.eventBridge, DisableRuleCommand, 'DisableRule', (input) => {
    state.rules.set(ruleKey(input), 'DISABLED');
    return {};
  });
  on(clients.eventBridge, PutEventsCommand, 'PutEvents', (input) => {
    state.published.push({ command: 'PutEvents', input });
    state.onPublish?.('PutEvents', input);
    return { FailedEntryCount: 0, Entries: [{ EventId: '1' }] };
  });

  // Lambda
  on(clients.lambda, GetEventSourceMappingCommand, 'GetEventSourceMapping', ({ UUID }) => {
    const s = state.mappings.get(UUID);
    if (!s) throw awsError('ResourceNotFoundException');
    return { UUID, State: s };
  });
  on(clients.lambda, UpdateEventSourceMappingCommand, 'UpdateEventSourceMapping', ({ UUID, Enabled }) => {
    const s = state.mappings.get(UUID);
    if (s !== 'Enabled' && s !== 'Disabled') throw awsError('ResourceInUseException');
    state.mappings.set(UUID, Enabled ? 'Enabling' : 'Disabling');
    return { UUID, State: state.mappings.get(UUID) };
  });
  on(clients.lambda, InvokeCommand, 'Invoke', ({ FunctionName }) => {
    const fn = state.functions.get(FunctionName);
    if (!fn) throw awsError('ResourceNotFoundException');
    if (fn.error)
      return {
        StatusCode: 200,
        FunctionError: 'Unhandled',
        Payload: new TextEncoder().encode(JSON.stringify({ errorMessage: fn.error })),
      };
    return { StatusCode: 200, Payload: new TextEncoder().encode('{"ok":true}') };
  });

  // SNS
  on(clients.sns, GetSubscriptionAttributesCommand, 'GetSubscriptionAttributes', ({ SubscriptionArn }) => {
    if (!state.subscriptions.has(SubscriptionArn)) throw awsError('NotFoundException');
    const policy = state.subscriptions.get(SubscriptionArn);
    return { Attributes: { SubscriptionArn, ...(policy ? { FilterPolicy: policy } : {}) } };
  });
  on(
    clients.sns,
    SetSubscriptionAttributesCommand,
    'SetSubscriptionAttributes',
    ({ SubscriptionArn, AttributeValue }) => {
      state.subscriptions.set(SubscriptionArn, AttributeValue === '{}' ? undefined : AttributeValue);
      return {};
    },
  );
  on(clients.sns, PublishCommand, 'Publish', (input) => {
    state.published.push({ command: 'Publish', input });
    state.onPublish?.('Publish', input);
    return { MessageId: 'm-1' };
  });

  // SQS
  on(clients.sqs, PurgeQueueCommand, 'PurgeQueue', ({ QueueUrl }) => {
    const q = state.queues.get(QueueUrl);
    if (!q) throw awsError('QueueDoesNotExist');
    if (q.purgedAt !== undefined && clock - q.purgedAt < 60_000) throw awsError('PurgeQueueInProgress');
    q.purgedAt = clock;
    q.messages = 0;
    return {};
  });
  on(clients.sqs, SendMessageCommand, 'SendMessage', (input) => {
    state.published.push({ command: 'SendMessage', input });
    state.onPublish?.('SendMessage', input);
    return { MessageId: 'm-2' };
  });

  // DynamoDB
  on(clients.dynamodb, DescribeTableCommand, 'DescribeTable', ({ TableName }) => {
    const t = state.tables.get(TableName);
    if (!t) throw awsError('ResourceNotFoundException');
    const units = (dimension: string) => state.capacity.get(`dynamodb|table/${TableName}|${dimension}`);
    return {
      Table: {
        TableName,
        TableStatus: t.status,
        DeletionProtectionEnabled: t.deletionProtection ?? false,
        ProvisionedThroughput: {
          ReadCapacityUnits: units('dynamodb:table:ReadCapacityUnits'),
          WriteCapacityUnits: units('dynamodb:table:WriteCapacityUnits'),
        },
      },
    };
  });
  on(clients.dynamodb, DeleteTableCommand, 'DeleteTable', ({ TableName }) => {
    const t = state.tables.get(TableName);
    if (!t) throw awsError('ResourceNotFoundException');
    if (t.status !== 'ACTIVE') throw awsError('ResourceInUseException');
    t.status = 'DELETING';
    return {};
  });
  on(clients.dynamodb, ScanCommand, 'Scan', ({ TableName }) => {
    const t = state.tables.get(TableName);
    if (!t) throw awsError('ResourceNotFoundException');
    return { Count: t.items, ScannedCount: t.items };
  });

  // RDS
  on(clients.rds, DescribeDBClustersCommand, 'DescribeDBClusters', ({ DBClusterIdentifier }) => {
    const c = state.clusters.get(DBClusterIdentifier);
    if (!c) throw awsError('DBClusterNotFoundFault');
    return {
      DBClusters: [
        {
          DBClusterIdentifier,
          Status: c.status,
          DeletionProtection: c.deletionProtection ?? false,
          DBClusterMembers: c.members.map((id) => ({
            DBInstanceIdentifier: id,
            IsClusterWriter: id.endsWith('-writer'),
          })),
        },
      ],
    };
  });
  on(clients.rds, DescribeDBInstancesCommand, 'DescribeDBInstances', ({ DBInstanceIdentifier }) => {
    const s = state.instances.get(DBInstanceIdentifier);
    if (!s) throw awsError('DBInstanceNotFoundFault');
    return { DBInstances: [{ DBInstanceIdentifier, DBInstanceStatus: s }] };
  });
  on(clients.rds, DeleteDBInstanceCommand, 'DeleteDBInstance', ({ DBInstanceIdentifier }) => {
    const s = state.instances.get(DBInstanceIdentifier);
    if (!s) throw awsError('DBInstanceNotFoundFault');
    if (s === 'deleting') throw awsError('InvalidDBInstanceStateFault');
    state.instances.set(DBInstanceIdentifier, 'deleting');
    return {};
  });
  on(clients.rds, DeleteDBClusterCommand, 'DeleteDBCluster', (input) => {
    const c = state.clusters.get(input.DBClusterIdentifier);
    if (!c) throw awsError('DBClusterNotFoundFault');
    if (c.members.length > 0 || c.status !== 'available') throw awsError('InvalidDBClusterStateFault');
    if (!input.SkipFinalSnapshot) {
      if (!input.FinalDBSnapshotIdentifier) throw awsError('InvalidParameterCombination');
      state.snapshots.push(input.FinalDBSnapshotIdentifier);
    }
    c.status = 'deleting';
    return {};
  });

  // ECS
  const byToken = new Map<string, string>();
  on(clients.ecs, RunTaskCommand, 'RunTask', (input) => {
    // ECS: the same client token within 24 h returns the task it started, without starting another.
    const known = input.clientToken ? byToken.get(`${input.cluster}|${input.clientToken}`) : undefined;
    if (known)
      return { tasks: [{ taskArn: known, lastStatus: state.tasks.get(known)?.status }], failures: [] };
    taskSeq += 1;
    const arn = `arn:aws:ecs:eu-west-1:123456789012:task/${input.cluster}/task-${taskSeq}`;
    const exitCode = (state.functions.get(`ecs:${input.taskDefinition}`)?.error ? 1 : 0) as number;
    state.tasks.set(arn, { status: 'PROVISIONING', exitCode, ticksLeft: 2, startedBy: input.startedBy });
    if (input.clientToken) byToken.set(`${input.cluster}|${input.clientToken}`, arn);
    return { tasks: [{ taskArn: arn, lastStatus: 'PROVISIONING' }], failures: [] };
  });
  on(clients.ecs, ListTasksCommand, 'ListTasks', ({ startedBy }) => ({
    // desiredStatus defaults to RUNNING: stopped tasks are not listed.
    taskArns: [...state.tasks]
      .filter(([, t]) => t.startedBy === startedBy && t.status !== 'STOPPED')
      .map(([arn]) => arn),
  }));
  on(clients.ecs, DescribeTasksCommand, 'DescribeTasks', ({ tasks }) => {
    const found = (tasks as string[]).flatMap((arn) => {
      const t = state.tasks.get(arn);
      if (!t) return [];
      return [
        {
          taskArn: arn,
          lastStatus: t.status,
          ...(t.status === 'STOPPED'
            ? {
                stopCode: 'EssentialContainerExited',
                containers: [{ name: 'migrate', exitCode: t.exitCode }],
              }
            : { containers: [{ name: 'migrate' }] }),
        },
      ];
    });
    const failures = (tasks as string[])
      .filter((arn) => !state.tasks.has(arn))
      .map((arn) => ({ arn, reason: 'MISSING' }));
    return { tasks: found, failures };
  });

  const tick = (): void => {
    for (const [k, t] of arriving) {
      const current = state.capacity.get(k) ?? 0;
      const next = Math.min(t.max, Math.max(t.min, current));
      state.capacity.set(k, next);
      const [ns, resourceId] = k.split('|');
      const cluster =
        ns === 'rds' ? state.clusters.get(String(resourceId).replace(/^cluster:/, '')) : undefined;
      if (cluster) {
        const id = String(resourceId).replace(/^cluster:/, '');
        for (let n = 1; n <= next; n++) {
          const reader = `${id}-reader-${n}`;
          if (!cluster.members.includes(reader)) cluster.members.push(reader);
          state.instances.set(reader, 'available');
        }
      }
    }
    arriving.clear();
    for (const [name, t] of state.tables) if (t.status === 'DELETING') state.tables.delete(name);
    for (const [id, s] of state.instances) {
      if (s === 'deleting') {
        state.instances.delete(id);
        for (const c of state.clusters.values()) c.members = c.members.filter((m) => m !== id);
      }
    }
    for (const [id, c] of state.clusters) if (c.status === 'deleting') state.clusters.delete(id);
    for (const [uuid, s] of state.mappings) {
      if (s === 'Enabling') state.mappings.set(uuid, 'Enabled');
      if (s === 'Disabling') state.mappings.set(uuid, 'Disabled');
    }
    for (const t of state.tasks.values()) {
      if (t.status === 'STOPPED') continue;
      t.ticksLeft -= 1;
      t.status = t.ticksLeft <= 0 ? 'STOPPED' : 'RUNNING';
    }
  };

  return {
    state,
    clients,
    calls,
    mocks,
    now: () => clock,
    sleep: async (ms: number) => {
      clock += ms;
      tick();
    },
    tick,
    failNext: (command, error = awsError('ServiceUnavailable', `${command} failed (injected)`)) => {
      failures.set(command, error);
    },
    mutating: () => calls.filter((c) => MUTATING.has(c.command)),
    reset: () => {
      calls.length = 0;
    },
  };
}
