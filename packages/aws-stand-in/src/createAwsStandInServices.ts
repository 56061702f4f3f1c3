/**
 * The one in-memory AWS account of the simulator: the operations the a/b lifecycle hooks send (SSM,
 * Application Auto Scaling, EventBridge, Lambda event source mappings, provisioned concurrency and Invoke of
 * plain functions, SNS, SQS, DynamoDB, RDS, ECS), answered from plain maps in each service's own protocol
 * (JSON 1.0/1.1, REST-JSON, and the query protocol with XML answers for SNS and RDS), so real SDK clients
 * with `endpoint` set run the hooks on one machine; also the S3 objects and Step Functions executions of a
 * sharded validation, CodeDeploy's deployments and hook executions, and CloudWatch Logs events.
 */
import { createHash, randomUUID } from 'node:crypto';
import { type CodeDeployModel, createCodeDeployModel, type StandInDeployment } from './_answerCodeDeploy.js';
import { answerS3, isS3Request, type StandInObject } from './_answerS3.js';
import { AwsFault } from './_awsFault.js';

/** The state of the simulated account. Tests and the CLI fill it before a run and read it after. */
export interface AwsStandInState {
  /** SSM parameters by name. */
  parameters: Map<string, string>;
  /** Application Auto Scaling targets by `<namespace>|<resourceId>|<dimension>`. */
  scalableTargets: Map<string, { min: number; max: number }>;
  /**
   * Capacity in service per scalable target (same key): ECS running tasks, DynamoDB provisioned units,
   * Aurora readers, Lambda provisioned concurrency. A `RegisterScalableTarget` moves it into the new range
   * when it settles (a tick, or a read of the resource), not at once; for an Aurora cluster, readers named
   * `application-autoscaling-…` are added or removed with it.
   */
  capacity: Map<string, number>;
  /** EventBridge rules by `<bus>/<name>`: `ENABLED` or `DISABLED`. */
  rules: Map<string, string>;
  /** Lambda event source mappings by UUID: `Enabled`, `Enabling`, `Disabled`, `Disabling`. */
  eventSourceMappings: Map<string, string>;
  /** SNS subscriptions by ARN: their filter policy (JSON text), or undefined for none. */
  subscriptions: Map<string, string | undefined>;
  /** SQS queues by URL. */
  queues: Map<string, { messages: number; purgedAt?: number }>;
  /** DynamoDB tables by name. */
  tables: Map<string, { status: string; items: number; deletionProtection?: boolean }>;
  /** Aurora clusters by identifier, with their member instances; the writer is `writer`, else the first member. */
  clusters: Map<string, { status: string; members: string[]; writer?: string; deletionProtection?: boolean }>;
  /** RDS instances by identifier: `available` or `deleting`. */
  instances: Map<string, string>;
  /** ECS task definitions that may be run (`family` or `family:revision`), with the exit code of their task. */
  taskDefinitions: Map<string, { exitCode: number }>;
  /** ECS tasks by ARN. */
  tasks: Map<string, { status: string; exitCode: number; container: string; startedBy?: string }>;
  /** Plain Lambda functions (a migration function): `Invoke` answers `{"ok":true}`, or a function error. */
  functions: Map<string, { error?: string }>;
  /** Every seed request published (`PutEvents`, `Publish`, `SendMessage`), in order. */
  published: Array<{ operation: string; input: Record<string, unknown> }>;
  /** Final snapshots taken by `DeleteDBCluster`. */
  snapshots: string[];
  /** S3 buckets that exist (a request to another bucket is `NoSuchBucket`). */
  buckets: Set<string>;
  /** S3 objects by `<bucket>/<key>`. */
  objects: Map<string, StandInObject>;
  /** Step Functions state machines by ARN, with their Amazon States Language definition. */
  stateMachines: Map<string, { definition: unknown }>;
  /** Step Functions executions by ARN. */
  executions: Map<string, StandInExecution>;
  /** CodeDeploy deployments by id (the same map as `codedeploy.deployments`). */
  deployments: Map<string, StandInDeployment>;
  /** CodeDeploy deployment groups by `<application>/<group>`, for `CreateDeployment`. */
  deploymentGroups: Map<string, { computePlatform: 'ECS' | 'Lambda' }>;
  /** CloudWatch Logs log groups by name, with their events in time order. */
  logGroups: Map<string, StandInLogEvent[]>;
}

/** One CloudWatch Logs event (`FilterLogEvents` answers it). */
export interface StandInLogEvent {
  timestamp: number;
  message: string;
  logStreamName?: string;
}

/** How {@link AwsStandInServices.fail} refuses an operation. */
export interface AwsStandInFault {
  /**
   * The AWS error name as the service sends it (`ThrottlingException`, `AccessDeniedException`...), or
   * `ConnectionReset` to close the connection without an answer. Default `ServiceUnavailable`.
   */
  type?: string;
  message?: string;
  /** How many calls are refused (`Infinity`: every call). Default 1. */
  times?: number;
  /** Calls answered normally before the refusals start. Default 0. */
  after?: number;
}

/** The fault type that closes the connection instead of answering. */
export const CONNECTION_RESET = 'ConnectionReset';

/** A Step Functions execution as `DescribeExecution` reports it (times in ms). */
export interface StandInExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  /** The input as given (JSON text). */
  input: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
}

/** How an execution ended, from {@link AwsStandInServices.runExecution}. */
export interface ExecutionOutcome {
  output?: unknown;
  error?: { name: string; message: string };
}

/** One operation the services answered (or refused), in order, with its input as it came over the wire. */
export interface AwsStandInCall {
  /** `ssm`, `autoscaling`, `events`, `lambda`, `sns`, `sqs`, `dynamodb`, `rds` or `ecs`. */
  service: string;
  operation: string;
  input: Record<string, unknown>;
  /** The AWS error name when the call was refused. */
  error?: string;
}

/** What a request handler returns. */
export interface AwsStandInReply {
  status: number;
  /** A JSON value, or the XML text of a query-protocol answer. */
  body: unknown;
  /** Error type for `x-amzn-errortype`. */
  errorType?: string;
  /** Close the connection without an answer (an injected `ConnectionReset`). */
  drop?: boolean;
  contentType: string;
  /** More response headers (`X-Amz-Function-Error`). */
  headers?: Record<string, string>;
}

/** A request as the stand-in received it. */
export interface AwsStandInRequest {
  method: string;
  path: string;
  target: string;
  /** The body parsed as JSON (empty for other bodies). */
  body: Record<string, unknown>;
  /** The raw body, for the query protocol's form encoding. */
  text?: string;
  /** The raw bytes and headers (S3's REST-XML protocol reads them). */
  raw?: Buffer;
  headers?: Record<string, string | string[] | undefined>;
}

/** The services behind {@link startAwsStandIn}'s `services` option. */
export interface AwsStandInServices {
  state: AwsStandInState;
  calls: AwsStandInCall[];
  /** Operations that change state, in order (`PutParameter`, `DeleteTable`...). */
  mutations(): AwsStandInCall[];
  /** Called on each `PutEvents`, `Publish` and `SendMessage`: lets a caller play the upstream that seeds a stack. */
  onPublish?: (operation: string, input: Record<string, unknown>) => void;
  /** CodeDeploy: deployments, hook executions and the reports received. */
  codedeploy: CodeDeployModel;
  /** The next call of `operation` is refused with the AWS error `type` (once). Default `ServiceUnavailable`. */
  failNext(operation: string, type?: string, message?: string): void;
  /** Refuses calls of `operation` (an API name: `GetDeployment`, `Invoke`...) as `fault` says. */
  fail(operation: string, fault?: AwsStandInFault): void;
  /** The calls of `operation` received, refused ones included, in order. */
  callsOf(operation: string): AwsStandInCall[];
  /** Moves every transitional resource one step on (with `settle: 'ticks'`; a virtual clock's sleep calls it). */
  tick(): void;
  /**
   * Runs a Step Functions execution that `StartExecution` accepted (`runLifecycle` binds it to the local
   * interpreter); without it an execution fails at once, saying so.
   */
  runExecution?: (execution: StandInExecution, definition: unknown) => Promise<ExecutionOutcome>;
  /** Answers a request, or returns undefined when it is not one of these services'. */
  handle(request: AwsStandInRequest): AwsStandInReply | undefined;
}

/** Options of {@link createAwsStandInServices}. */
export interface AwsStandInServicesOptions {
  now?: () => number;
  /**
   * How transitional states (a table `DELETING`, a mapping `Enabling`, a task `RUNNING`) move on: `reads`
   * (default) after a read or two of the resource, so a hook's poll loop ends quickly on the real clock;
   * `ticks` only when {@link AwsStandInServices.tick} is called (tests that step time themselves).
   */
  settle?: 'reads' | 'ticks';
  /** Reads before a transitional state settles, with `settle: 'reads'`. Default 1. */
  settleReads?: number;
  /**
   * Empty pages (no events, a `nextToken`) that `FilterLogEvents` answers before each page of events, as
   * CloudWatch Logs does while it is still searching. Default 0.
   */
  logEmptyPages?: number;
}

/** Operations that change state. */
export const MUTATING_OPERATIONS: ReadonlySet<string> = new Set([
  'PutParameter',
  'DeleteParameter',
  'RegisterScalableTarget',
  'EnableRule',
  'DisableRule',
  'PutEvents',
  'UpdateEventSourceMapping',
  'SetSubscriptionAttributes',
  'Publish',
  'PurgeQueue',
  'SendMessage',
  'DeleteTable',
  'DeleteDBInstance',
  'DeleteDBCluster',
  'RunTask',
  'Invoke',
  'PutObject',
  'StartExecution',
]);

const TARGET_PREFIXES: Record<string, { service: string; json: '1.0' | '1.1' }> = {
  'AmazonSSM.': { service: 'ssm', json: '1.1' },
  'AnyScaleFrontendService.': { service: 'autoscaling', json: '1.1' },
  'AWSEvents.': { service: 'events', json: '1.1' },
  'AmazonSQS.': { service: 'sqs', json: '1.0' },
  'DynamoDB_20120810.': { service: 'dynamodb', json: '1.0' },
  'AmazonEC2ContainerServiceV20141113.': { service: 'ecs', json: '1.1' },
  'AWSStepFunctions.': { service: 'states', json: '1.0' },
  'CodeDeploy_20141006.': { service: 'codedeploy', json: '1.1' },
  'Logs_20140328.': { service: 'logs', json: '1.1' },
};

/** Execution names: 1..80 characters, none of whitespace, brackets, wildcards, `"#%\\^|~`$&,;:/` or controls. */
function isExecutionName(name: string): boolean {
  const control = [...name].some((c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });
  return !control && /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/]{1,80}$/.test(name);
}

/** Query-protocol services by their API `Version`. */
const QUERY_VERSIONS: Record<string, { service: string; xmlns: string }> = {
  '2010-03-31': { service: 'sns', xmlns: 'http://sns.amazonaws.com/doc/2010-03-31/' },
  '2014-10-31': { service: 'rds', xmlns: 'http://rds.amazonaws.com/doc/2014-10-31/' },
};

/** Aurora Auto Scaling names the readers it adds `application-autoscaling-<uuid>`. */
const AUTOSCALING_READER_PREFIX = 'application-autoscaling-';

/**
 * The name of the `n`-th reader Aurora Auto Scaling added to `clusterId` (a uuid derived from both, so runs
 * repeat). Internal to the simulator: {@link seedStandInAccount} names a live cluster's readers with it.
 */
export function autoscalingReaderName(clusterId: string, n: number): string {
  const hex = createHash('sha256').update(`${clusterId}/${n}`).digest('hex');
  return `${AUTOSCALING_READER_PREFIX}${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Status code of an AWS error type over the wire. */
function statusOf(type: string, rest: boolean): number {
  if (type === 'ServiceUnavailable' || type === 'InternalFailure') return 503;
  if (/Throttl|TooManyRequests/.test(type)) return rest ? 429 : 400;
  if (/NotFound/.test(type) && rest) return 404;
  if (type === 'AccessDeniedException') return 403;
  return 400;
}

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** `<Name>value</Name>` for each field; arrays become repeated `member` tags. */
function xml(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => {
      if (typeof v === 'string' && v.startsWith('<')) return `<${k}>${v}</${k}>`;
      return `<${k}>${escapeXml(String(v))}</${k}>`;
    })
    .join('');
}

/**
 * Creates the in-memory account; pass it to `startCodeDeployStandIn({ services })` or
 * `runLifecycle({ services })` and point every hook client at the stand-in's `url`.
 *
 * @example
 * const services = createAwsStandInServices();
 * services.state.parameters.set('/shop/active-stack', 'a');
 * const result = await runLifecycle({ platform: 'ECS', services, hooks });
 * services.state.parameters.get('/shop/active-stack'); // 'b' after a successful deployment
 */
export function createAwsStandInServices(options: AwsStandInServicesOptions = {}): AwsStandInServices {
  const now = options.now ?? Date.now;
  const byReads = (options.settle ?? 'reads') === 'reads';
  const settleReads = options.settleReads ?? 1;
  let taskSeq = 0;
  let replicaSeq = 0;
  const state: AwsStandInState = {
    parameters: new Map(),
    scalableTargets: new Map(),
    capacity: new Map(),
    rules: new Map(),
    eventSourceMappings: new Map(),
    subscriptions: new Map(),
    queues: new Map(),
    tables: new Map(),
    clusters: new Map(),
    instances: new Map(),
    taskDefinitions: new Map(),
    tasks: new Map(),
    functions: new Map(),
    published: [],
    snapshots: [],
    buckets: new Set(),
    objects: new Map(),
    stateMachines: new Map(),
    executions: new Map(),
    deployments: new Map(),
    deploymentGroups: new Map(),
    logGroups: new Map(),
  };
  const codedeploy = createCodeDeployModel(now);
  state.deployments = codedeploy.deployments;
  state.deploymentGroups = codedeploy.deploymentGroups;
  const calls: AwsStandInCall[] = [];
  const faults = new Map<string, { type: string; message: string; times: number; after: number }>();
  /** RunTask client tokens by `<cluster>|<token>`: the task started, the request's other parameters, when. */
  const tokens = new Map<string, { arn: string; request: string; at: number }>();
  /** Steps left before a transitional resource settles, by `<kind>:<id>`. */
  const pending = new Map<string, number>();

  const begin = (key: string, ticks = 1): void => {
    pending.set(key, byReads ? settleReads + 1 : ticks);
  };
  /** One step of `key`; true when it has settled. */
  const step = (key: string): boolean => {
    const left = (pending.get(key) ?? 1) - 1;
    if (left <= 0) {
      pending.delete(key);
      return true;
    }
    pending.set(key, left);
    return false;
  };

  const settlers: Record<string, (id: string, done: boolean) => void> = {
    table: (name, done) => {
      if (done) state.tables.delete(name);
    },
    esm: (uuid, done) => {
      const s = state.eventSourceMappings.get(uuid);
      if (done && s) state.eventSourceMappings.set(uuid, s === 'Enabling' ? 'Enabled' : 'Disabled');
    },
    instance: (id, done) => {
      if (!done) return;
      state.instances.delete(id);
      for (const c of state.clusters.values()) c.members = c.members.filter((m) => m !== id);
    },
    cluster: (id, done) => {
      if (done) state.clusters.delete(id);
    },
    task: (arn, done) => {
      const t = state.tasks.get(arn);
      if (t) t.status = done ? 'STOPPED' : 'RUNNING';
    },
    capacity: (key, done) => {
      if (done) applyCapacity(key);
    },
  };
  const settleOne = (key: string): void => {
    const [kind = '', ...rest] = key.split(':');
    const id = rest.join(':');
    settlers[kind]?.(id, step(key));
  };
  /** A read of a resource: with `settle: 'reads'` it moves on (a task shows RUNNING on the way). */
  const readResource = (kind: string, id: string): void => {
    const key = `${kind}:${id}`;
    if (byReads && pending.has(key)) settleOne(key);
  };
  /** A read of a resource that scalable targets name: each target's capacity change moves on. */
  const readCapacityOf = (namespace: string, resourceId: string): void => {
    for (const key of state.scalableTargets.keys())
      if (key.startsWith(`${namespace}|${resourceId}|`)) readResource('capacity', key);
  };
  /** The capacity a registration moves a target to: its current capacity, brought inside [min, max]. */
  const capacityInRange = (key: string): number | undefined => {
    const target = state.scalableTargets.get(key);
    if (!target) return undefined;
    return Math.min(target.max, Math.max(target.min, state.capacity.get(key) ?? 0));
  };

  /**
   * A registration that settled: RegisterScalableTarget brings the capacity of a resource that is active in
   * its service inside the new range, and leaves an inactive one (a table not ACTIVE, a cluster not
   * available) as it is. Aurora's readers follow the count, and scaling in removes only the readers Aurora
   * Auto Scaling created.
   */
  function applyCapacity(key: string): void {
    const next = capacityInRange(key);
    const [namespace = '', resourceId = ''] = key.split('|');
    if (next === undefined) return;
    if (namespace === 'dynamodb' && state.tables.get(resourceId.replace(/^table\//, ''))?.status !== 'ACTIVE')
      return;
    const clusterId = resourceId.replace(/^cluster:/, '');
    if (namespace === 'rds' && state.clusters.get(clusterId)?.status !== 'available') return;
    state.capacity.set(key, next);
    if (namespace === 'rds') setReaderCount(clusterId, next);
  }

  function setReaderCount(clusterId: string, count: number): void {
    const cluster = state.clusters.get(clusterId);
    if (!cluster) return;
    const writer = cluster.writer ?? cluster.members[0];
    const readers = cluster.members.filter((m) => m !== writer && state.instances.get(m) !== 'deleting');
    const scaled = readers.filter((m) => m.startsWith(AUTOSCALING_READER_PREFIX));
    for (let n = readers.length; n < count; n++) {
      let name: string;
      do {
        replicaSeq += 1;
        name = autoscalingReaderName(clusterId, replicaSeq);
      } while (state.instances.has(name));
      cluster.members.push(name);
      state.instances.set(name, 'available');
    }
    for (let n = readers.length; n > count && scaled.length > 0; n--) {
      const name = scaled.pop() as string;
      state.instances.set(name, 'deleting');
      begin(`instance:${name}`);
    }
  }

  const str = (input: Record<string, unknown>, field: string): string => {
    const value = input[field];
    if (typeof value !== 'string' || value === '')
      throw new AwsFault('ValidationException', `${field} is required`);
    return value;
  };
  const publish = (operation: string, input: Record<string, unknown>): void => {
    state.published.push({ operation, input });
    services.onPublish?.(operation, input);
  };

  const json: Record<string, (input: Record<string, unknown>) => unknown> = {
    ...codedeploy.operations,
    // CloudWatch Logs
    FilterLogEvents: (input) => filterLogEvents(state.logGroups, input, options.logEmptyPages ?? 0),
    // SSM
    GetParameter: (input) => {
      const name = str(input, 'Name');
      const value = state.parameters.get(name);
      if (value === undefined) throw new AwsFault('ParameterNotFound', `Parameter ${name} not found.`);
      return { Parameter: { Name: name, Value: value, Type: 'String', Version: 1 } };
    },
    PutParameter: (input) => {
      const name = str(input, 'Name');
      if (state.parameters.has(name) && input.Overwrite !== true)
        throw new AwsFault('ParameterAlreadyExists', `Parameter ${name} already exists.`);
      state.parameters.set(name, String(input.Value ?? ''));
      return { Version: 1, Tier: 'Standard' };
    },
    DeleteParameter: (input) => {
      const name = str(input, 'Name');
      if (!state.parameters.delete(name))
        throw new AwsFault('ParameterNotFound', `Parameter ${name} not found.`);
      return {};
    },
    // Application Auto Scaling
    DescribeScalableTargets: (input) => {
      const ids = Array.isArray(input.ResourceIds) ? (input.ResourceIds as string[]) : [];
      return {
        ScalableTargets: ids.flatMap((id) => {
          const t = state.scalableTargets.get(`${input.ServiceNamespace}|${id}|${input.ScalableDimension}`);
          return t
            ? [
                {
                  ServiceNamespace: input.ServiceNamespace,
                  ResourceId: id,
                  ScalableDimension: input.ScalableDimension,
                  MinCapacity: t.min,
                  MaxCapacity: t.max,
                  RoleARN: 'arn:aws:iam::000000000000:role/simulated',
                  CreationTime: 0,
                },
              ]
            : [];
        }),
      };
    },
    RegisterScalableTarget: (input) => {
      const key = `${input.ServiceNamespace}|${input.ResourceId}|${input.ScalableDimension}`;
      const t = state.scalableTargets.get(key);
      if (!t) throw new AwsFault('ObjectNotFoundException', `No scalable target ${String(input.ResourceId)}`);
      if (typeof input.MinCapacity === 'number') t.min = input.MinCapacity;
      if (typeof input.MaxCapacity === 'number') t.max = input.MaxCapacity;
      // The capacity moves into the new range later, in a scaling activity, not in this call.
      begin(`capacity:${key}`);
      return {};
    },
    // EventBridge
    DescribeRule: (input) => {
      const key = ruleKey(input);
      const s = state.rules.get(key);
      if (!s) throw new AwsFault('ResourceNotFoundException', `Rule ${key} does not exist.`);
      return { Name: input.Name, EventBusName: input.EventBusName ?? 'default', State: s };
    },
    EnableRule: (input) => setRule(input, 'ENABLED'),
    DisableRule: (input) => setRule(input, 'DISABLED'),
    PutEvents: (input) => {
      const entries = Array.isArray(input.Entries) ? input.Entries : [];
      publish('PutEvents', input);
      return {
        FailedEntryCount: 0,
        Entries: entries.map((_, i) => ({ EventId: `event-${calls.length}-${i}` })),
      };
    },
    // SQS
    PurgeQueue: (input) => {
      const url = str(input, 'QueueUrl');
      const q = state.queues.get(url);
      if (!q) throw new AwsFault('QueueDoesNotExist', `The specified queue does not exist.`);
      if (q.purgedAt !== undefined && now() - q.purgedAt < 60_000)
        throw new AwsFault(
          'PurgeQueueInProgress',
          `Only one PurgeQueue operation on ${url} is allowed every 60 seconds.`,
        );
      q.purgedAt = now();
      q.messages = 0;
      return {};
    },
    SendMessage: (input) => {
      const url = str(input, 'QueueUrl');
      const q = state.queues.get(url);
      if (!q) throw new AwsFault('QueueDoesNotExist', `The specified queue does not exist.`);
      q.messages += 1;
      publish('SendMessage', input);
      // The SDK checks this digest of the body it sent.
      const md5 = createHash('md5')
        .update(String(input.MessageBody ?? ''))
        .digest('hex');
      return { MessageId: `message-${calls.length}`, MD5OfMessageBody: md5 };
    },
    // DynamoDB
    DescribeTable: (input) => {
      const name = str(input, 'TableName');
      readResource('table', name);
      readCapacityOf('dynamodb', `table/${name}`);
      const t = table(name);
      // Units of a dimension no target scales: 0, as DynamoDB reports an on-demand table.
      const units = (dimension: string) =>
        state.capacity.get(`dynamodb|table/${name}|dynamodb:table:${dimension}`) ?? 0;
      return {
        Table: {
          TableName: name,
          TableStatus: t.status,
          ItemCount: t.items,
          DeletionProtectionEnabled: t.deletionProtection ?? false,
          ProvisionedThroughput: {
            ReadCapacityUnits: units('ReadCapacityUnits'),
            WriteCapacityUnits: units('WriteCapacityUnits'),
            NumberOfDecreasesToday: 0,
          },
        },
      };
    },
    DeleteTable: (input) => {
      const name = str(input, 'TableName');
      const t = table(name);
      if (t.status !== 'ACTIVE') throw new AwsFault('ResourceInUseException', `Table ${name} is ${t.status}`);
      if (t.deletionProtection)
        throw new AwsFault('ValidationException', `Table ${name} has deletion protection enabled`);
      t.status = 'DELETING';
      begin(`table:${name}`);
      return { TableDescription: { TableName: name, TableStatus: 'DELETING' } };
    },
    Scan: (input) => {
      const name = str(input, 'TableName');
      const t = table(name);
      return { Count: t.items, ScannedCount: t.items };
    },
    // ECS
    RunTask: (input) => {
      const cluster = str(input, 'cluster');
      const definition = str(input, 'taskDefinition');
      const { clientToken, ...request } = input;
      const token = typeof clientToken === 'string' ? clientToken : undefined;
      const started = token ? startedByToken(cluster, token, request) : undefined;
      if (started) return started;
      const known = state.taskDefinitions.get(definition);
      if (!known) {
        return {
          tasks: [],
          failures: [{ arn: definition, reason: 'MISSING', detail: 'task definition not found' }],
        };
      }
      taskSeq += 1;
      const arn = `arn:aws:ecs:us-east-1:000000000000:task/${cluster}/simulated${String(taskSeq).padStart(4, '0')}`;
      const overrides = input.overrides as { containerOverrides?: Array<{ name?: string }> } | undefined;
      const container = overrides?.containerOverrides?.[0]?.name ?? 'main';
      state.tasks.set(arn, {
        status: 'PROVISIONING',
        exitCode: known.exitCode,
        container,
        ...(typeof input.startedBy === 'string' ? { startedBy: input.startedBy } : {}),
      });
      begin(`task:${arn}`, 2);
      if (token) tokens.set(`${cluster}|${token}`, { arn, request: JSON.stringify(request), at: now() });
      return {
        tasks: [{ taskArn: arn, lastStatus: 'PROVISIONING', taskDefinitionArn: definition }],
        failures: [],
      };
    },
    // A service exists here when its DesiredCount is a scalable target; runningCount is the capacity in service.
    DescribeServices: (input) => {
      const cluster = (typeof input.cluster === 'string' ? input.cluster : 'default').replace(
        /^arn:.*:cluster\//,
        '',
      );
      const names = (Array.isArray(input.services) ? (input.services as string[]) : []).map((ref) =>
        ref.replace(/^arn:.*:service\/(?:[^/]+\/)?/, ''),
      );
      const arnOf = (name: string) => `arn:aws:ecs:us-east-1:000000000000:service/${cluster}/${name}`;
      const keyOf = (name: string) => `ecs|service/${cluster}/${name}|ecs:service:DesiredCount`;
      for (const name of names) readResource('capacity', keyOf(name));
      const found = names.filter((name) => state.scalableTargets.has(keyOf(name)));
      return {
        services: found.map((name) => {
          const running = state.capacity.get(keyOf(name)) ?? 0;
          const desired = capacityInRange(keyOf(name)) ?? running;
          return {
            serviceArn: arnOf(name),
            serviceName: name,
            clusterArn: `arn:aws:ecs:us-east-1:000000000000:cluster/${cluster}`,
            status: 'ACTIVE',
            desiredCount: desired,
            runningCount: running,
            pendingCount: Math.max(0, desired - running),
          };
        }),
        failures: names
          .filter((name) => !found.includes(name))
          .map((name) => ({ arn: arnOf(name), reason: 'MISSING' })),
      };
    },
    // Step Functions
    StartExecution: (input) => startExecution(input),
    DescribeExecution: (input) => {
      const arn = str(input, 'executionArn');
      const e = state.executions.get(arn);
      if (!e) throw new AwsFault('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
      return {
        executionArn: e.executionArn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: e.startDate / 1000,
        input: e.input,
        ...(e.stopDate !== undefined ? { stopDate: e.stopDate / 1000 } : {}),
        ...(e.output !== undefined ? { output: e.output } : {}),
        ...(e.error !== undefined ? { error: e.error } : {}),
        ...(e.cause !== undefined ? { cause: e.cause } : {}),
      };
    },
    // Tasks not yet stopped that `startedBy` started (desiredStatus RUNNING, the default).
    ListTasks: (input) => ({
      taskArns: [...state.tasks]
        .filter(([, t]) => t.startedBy === input.startedBy && t.status !== 'STOPPED')
        .map(([arn]) => arn),
    }),
    DescribeTasks: (input) => {
      const arns = Array.isArray(input.tasks) ? (input.tasks as string[]) : [];
      const tasks = arns.flatMap((arn) => {
        readResource('task', arn);
        const t = state.tasks.get(arn);
        if (!t) return [];
        const stopped = t.status === 'STOPPED';
        return [
          {
            taskArn: arn,
            lastStatus: t.status,
            ...(stopped
              ? { stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' }
              : {}),
            containers: [{ name: t.container, ...(stopped ? { exitCode: t.exitCode } : {}) }],
          },
        ];
      });
      return {
        tasks,
        failures: arns.filter((a) => !state.tasks.has(a)).map((arn) => ({ arn, reason: 'MISSING' })),
      };
    },
  };

  /** Query-protocol operations (SNS, RDS): flat form parameters in, XML result fields out. */
  const query: Record<string, (input: Record<string, string>) => string> = {
    GetSubscriptionAttributes: (input) => {
      const arn = str(input, 'SubscriptionArn');
      if (!state.subscriptions.has(arn))
        throw new AwsFault('NotFoundException', 'Subscription does not exist');
      const policy = state.subscriptions.get(arn);
      const attributes: Record<string, string> = {
        SubscriptionArn: arn,
        ...(policy ? { FilterPolicy: policy } : {}),
      };
      const entries = Object.entries(attributes)
        .map(([k, v]) => `<entry>${xml({ key: k, value: v })}</entry>`)
        .join('');
      return `<Attributes>${entries}</Attributes>`;
    },
    SetSubscriptionAttributes: (input) => {
      const arn = str(input, 'SubscriptionArn');
      if (!state.subscriptions.has(arn))
        throw new AwsFault('NotFoundException', 'Subscription does not exist');
      if (input.AttributeName === 'FilterPolicy')
        state.subscriptions.set(
          arn,
          !input.AttributeValue || input.AttributeValue === '{}' ? undefined : input.AttributeValue,
        );
      return '';
    },
    Publish: (input) => {
      publish('Publish', input);
      return xml({ MessageId: `message-${calls.length}` });
    },
    DescribeDBClusters: (input) => {
      const id = str(input, 'DBClusterIdentifier');
      readResource('cluster', id);
      readCapacityOf('rds', `cluster:${id}`);
      const c = state.clusters.get(id);
      if (!c) throw new AwsFault('DBClusterNotFoundFault', `DBCluster ${id} not found.`);
      for (const m of [...c.members]) readResource('instance', m);
      const writer = c.writer ?? c.members[0];
      const members = c.members
        .map(
          (m) =>
            `<DBClusterMember>${xml({ DBInstanceIdentifier: m, IsClusterWriter: String(m === writer) })}</DBClusterMember>`,
        )
        .join('');
      return `<DBClusters><DBCluster>${xml({
        DBClusterIdentifier: id,
        Status: c.status,
        DeletionProtection: String(c.deletionProtection ?? false),
      })}<DBClusterMembers>${members}</DBClusterMembers></DBCluster></DBClusters>`;
    },
    DescribeDBInstances: (input) => {
      const id = str(input, 'DBInstanceIdentifier');
      readResource('instance', id);
      const s = state.instances.get(id);
      if (!s) throw new AwsFault('DBInstanceNotFoundFault', `DBInstance ${id} not found.`);
      return `<DBInstances><DBInstance>${xml({ DBInstanceIdentifier: id, DBInstanceStatus: s })}</DBInstance></DBInstances>`;
    },
    DeleteDBInstance: (input) => {
      const id = str(input, 'DBInstanceIdentifier');
      const s = state.instances.get(id);
      if (!s) throw new AwsFault('DBInstanceNotFoundFault', `DBInstance ${id} not found.`);
      if (s === 'deleting')
        throw new AwsFault('InvalidDBInstanceStateFault', `DBInstance ${id} is deleting.`);
      state.instances.set(id, 'deleting');
      begin(`instance:${id}`);
      return `<DBInstance>${xml({ DBInstanceIdentifier: id, DBInstanceStatus: 'deleting' })}</DBInstance>`;
    },
    DeleteDBCluster: (input) => {
      const id = str(input, 'DBClusterIdentifier');
      const c = state.clusters.get(id);
      if (!c) throw new AwsFault('DBClusterNotFoundFault', `DBCluster ${id} not found.`);
      if (c.members.length > 0 || c.status !== 'available')
        throw new AwsFault(
          'InvalidDBClusterStateFault',
          `DBCluster ${id} still has instances or is ${c.status}.`,
        );
      if (input.SkipFinalSnapshot !== 'true') {
        if (!input.FinalDBSnapshotIdentifier)
          throw new AwsFault(
            'InvalidParameterCombination',
            'FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.',
          );
        state.snapshots.push(input.FinalDBSnapshotIdentifier);
      }
      c.status = 'deleting';
      begin(`cluster:${id}`);
      return `<DBCluster>${xml({ DBClusterIdentifier: id, Status: 'deleting' })}</DBCluster>`;
    },
  };

  /**
   * `StartExecution`: same name and input as an open execution answers that execution again (idempotent);
   * a different input, or a name whose execution has ended, is `ExecutionAlreadyExists`.
   */
  function startExecution(input: Record<string, unknown>): unknown {
    const machineArn = str(input, 'stateMachineArn');
    const machine = state.stateMachines.get(machineArn);
    if (!machine)
      throw new AwsFault('StateMachineDoesNotExist', `State Machine Does Not Exist: '${machineArn}'`);
    const name = typeof input.name === 'string' ? input.name : randomUUID();
    if (!isExecutionName(name)) throw new AwsFault('InvalidName', `Invalid Name: '${name}'`);
    const text = typeof input.input === 'string' ? input.input : '{}';
    try {
      JSON.parse(text);
    } catch {
      throw new AwsFault('InvalidExecutionInput', 'Invalid State Machine Execution Input: not JSON');
    }
    const executionArn = `${machineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = state.executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === text)
        return { executionArn, startDate: existing.startDate / 1000 };
      throw new AwsFault('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const execution: StandInExecution = {
      executionArn,
      stateMachineArn: machineArn,
      name,
      input: text,
      status: 'RUNNING',
      startDate: now(),
    };
    state.executions.set(executionArn, execution);
    const finish = (outcome: ExecutionOutcome): void => {
      execution.stopDate = now();
      if (outcome.error) {
        execution.status = outcome.error.name === 'States.Timeout' ? 'TIMED_OUT' : 'FAILED';
        execution.error = outcome.error.name;
        execution.cause = outcome.error.message;
      } else {
        execution.status = 'SUCCEEDED';
        execution.output = JSON.stringify(outcome.output ?? null);
      }
    };
    // The execution runs after the answer, as Step Functions starts it asynchronously.
    void Promise.resolve()
      .then(() =>
        services.runExecution
          ? services.runExecution(execution, machine.definition)
          : {
              error: {
                name: 'States.Runtime',
                message: 'the simulator has no runner for executions (runLifecycle binds one)',
              },
            },
      )
      .then(finish, (error: unknown) =>
        finish({ error: { name: 'States.Runtime', message: String((error as Error)?.message ?? error) } }),
      );
    return { executionArn, startDate: execution.startDate / 1000 };
  }

  function ruleKey(input: Record<string, unknown>): string {
    return `${typeof input.EventBusName === 'string' ? input.EventBusName : 'default'}/${str(input, 'Name')}`;
  }

  function setRule(input: Record<string, unknown>, to: string): unknown {
    const key = ruleKey(input);
    if (!state.rules.has(key)) throw new AwsFault('ResourceNotFoundException', `Rule ${key} does not exist.`);
    state.rules.set(key, to);
    return {};
  }

  function table(name: string): AwsStandInState['tables'] extends Map<string, infer T> ? T : never {
    const t = state.tables.get(name);
    if (!t)
      throw new AwsFault(
        'ResourceNotFoundException',
        `Requested resource not found: Table: ${name} not found`,
      );
    return t;
  }

  /**
   * ECS's RunTask idempotency: the same client token in the same cluster within 24 hours answers with the
   * task it started, starting none; with other parameters it is a ConflictException.
   */
  function startedByToken(
    cluster: string,
    token: string,
    request: Record<string, unknown>,
  ): { tasks: unknown[]; failures: unknown[] } | undefined {
    if (!/^[\x21-\x7e]{1,64}$/.test(token))
      throw new AwsFault(
        'InvalidParameterException',
        'clientToken must be 1 to 64 ASCII characters (33-126).',
      );
    const seen = tokens.get(`${cluster}|${token}`);
    if (!seen || now() - seen.at >= 24 * 3_600_000) return undefined;
    if (seen.request !== JSON.stringify(request))
      throw new AwsFault('ConflictException', `The client token ${token} was used with other parameters.`);
    const task = state.tasks.get(seen.arn);
    return {
      tasks: [
        {
          taskArn: seen.arn,
          lastStatus: task?.status ?? 'STOPPED',
          taskDefinitionArn: request.taskDefinition,
        },
      ],
      failures: [],
    };
  }

  /** A provisioned concurrency config: READY once the registration settled, IN_PROGRESS until then. */
  function provisionedConcurrency(key: string): unknown {
    readResource('capacity', key);
    const requested = capacityInRange(key);
    if (requested === undefined)
      throw new AwsFault(
        'ProvisionedConcurrencyConfigNotFoundException',
        `No Provisioned Concurrency Config found for this function`,
      );
    const available = state.capacity.get(key) ?? 0;
    return {
      RequestedProvisionedConcurrentExecutions: requested,
      AvailableProvisionedConcurrentExecutions: available,
      AllocatedProvisionedConcurrentExecutions: available,
      Status: pending.has(`capacity:${key}`) ? 'IN_PROGRESS' : 'READY',
      LastModified: new Date(now()).toISOString(),
    };
  }

  function mapping(uuid: string): string {
    const m = state.eventSourceMappings.get(uuid);
    if (!m)
      throw new AwsFault(
        'ResourceNotFoundException',
        `The resource you requested does not exist. (UUID ${uuid})`,
      );
    return m;
  }

  const services: AwsStandInServices = {
    state,
    calls,
    mutations: () => calls.filter((c) => !c.error && MUTATING_OPERATIONS.has(c.operation)),
    codedeploy,
    failNext(operation, type, message) {
      services.fail(operation, { ...(type ? { type } : {}), ...(message ? { message } : {}) });
    },
    fail(operation, fault = {}) {
      faults.set(operation, {
        type: fault.type ?? 'ServiceUnavailable',
        message: fault.message ?? `${operation} failed (injected)`,
        times: fault.times ?? 1,
        after: fault.after ?? 0,
      });
    },
    callsOf: (operation) => calls.filter((c) => c.operation === operation),
    tick() {
      for (const key of [...pending.keys()]) settleOne(key);
    },
    handle({ method, path, target, body, text, raw, headers = {} }) {
      const contentType = String(headers['content-type'] ?? '');
      if (isS3Request({ target, path, contentType })) {
        const reply = answerS3(
          state,
          { method, path, headers, body: raw ?? Buffer.from(text ?? '') },
          (call) => calls.push(Object.assign(call, { service: 's3' })),
          takeFault,
        );
        return {
          status: reply.status,
          body: reply.body,
          contentType: reply.contentType,
          ...(reply.errorType ? { errorType: reply.errorType } : {}),
          ...(reply.headers ? { headers: reply.headers } : {}),
        };
      }
      // Lambda event source mappings (REST-JSON).
      const esm = /^\/2015-03-31\/event-source-mappings\/([^/?]+)/.exec(path);
      if (esm?.[1]) {
        const uuid = decodeURIComponent(esm[1]);
        const operation = method === 'GET' ? 'GetEventSourceMapping' : 'UpdateEventSourceMapping';
        return answer('lambda', operation, { UUID: uuid, ...body }, 'rest', () => {
          if (method === 'GET') {
            readResource('esm', uuid);
            return { UUID: uuid, State: mapping(uuid) };
          }
          const m = mapping(uuid);
          if (m !== 'Enabled' && m !== 'Disabled')
            throw new AwsFault('ResourceInUseException', `The event source mapping ${uuid} is ${m}.`);
          if (typeof body.Enabled === 'boolean') {
            state.eventSourceMappings.set(uuid, body.Enabled ? 'Enabling' : 'Disabling');
            begin(`esm:${uuid}`);
          }
          return { UUID: uuid, State: state.eventSourceMappings.get(uuid) };
        });
      }
      // Lambda provisioned concurrency of a version or alias (REST-JSON), from its scalable target.
      const provisioned =
        /^\/2019-09-30\/functions\/([^/?]+)\/provisioned-concurrency\?(?:.*&)?Qualifier=([^&]+)/.exec(path);
      if (provisioned?.[1] && provisioned[2] && method === 'GET') {
        const name = decodeURIComponent(provisioned[1]).replace(/^arn:aws:lambda:[^:]+:\d+:function:/, '');
        const qualifier = decodeURIComponent(provisioned[2]);
        return answer(
          'lambda',
          'GetProvisionedConcurrencyConfig',
          { FunctionName: name, Qualifier: qualifier },
          'rest',
          () =>
            provisionedConcurrency(
              `lambda|function:${name}:${qualifier}|lambda:function:ProvisionedConcurrency`,
            ),
        );
      }
      // Lambda Invoke of a plain function (REST-JSON; versioned functions are the stand-in's).
      const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(path);
      if (invoke?.[1] && method === 'POST') {
        const name = decodeURIComponent(invoke[1]).replace(/^arn:aws:lambda:[^:]+:\d+:function:/, '');
        const fn = state.functions.get(name);
        if (!fn) {
          // Versioned functions and hook functions are the server's to run; an injected fault is answered here.
          const fault = takeFault('Invoke');
          if (!fault) return undefined;
          return answer('lambda', 'Invoke', { FunctionName: name, Payload: text ?? '' }, 'rest', () => {
            throw new AwsFault(fault.type, fault.message);
          });
        }
        const reply = answer('lambda', 'Invoke', { FunctionName: name, Payload: text ?? '' }, 'rest', () =>
          fn.error ? { errorMessage: fn.error } : { ok: true },
        );
        // A function error is a 200 with X-Amz-Function-Error, as Lambda answers a synchronous Invoke.
        return fn.error && reply.status === 200
          ? { ...reply, headers: { 'x-amz-function-error': 'Unhandled' } }
          : reply;
      }
      // Query protocol (SNS, RDS): a form body naming the Action and the API Version.
      if (!target && text?.includes('Action=')) {
        const form = Object.fromEntries(new URLSearchParams(text));
        const api = QUERY_VERSIONS[form.Version ?? ''];
        const operation = form.Action ?? '';
        const fn = query[operation];
        if (!api || !fn) return undefined;
        const { Action: _a, Version: _v, ...input } = form;
        return answer(api.service, operation, input, { xmlns: api.xmlns }, () => fn(input));
      }
      const prefix = Object.keys(TARGET_PREFIXES).find((p) => target.startsWith(p));
      if (!prefix) return undefined;
      const { service, json: version } = TARGET_PREFIXES[prefix] as { service: string; json: '1.0' | '1.1' };
      const operation = target.slice(prefix.length);
      const fn = json[operation];
      if (!fn) return undefined;
      return answer(service, operation, body, version, () => fn(body));
    },
  };

  /** The fault this call of `operation` meets, if any (each call counts towards `after` and `times`). */
  function takeFault(operation: string): { type: string; message: string } | undefined {
    const fault = faults.get(operation);
    if (!fault) return undefined;
    if (fault.after > 0) {
      fault.after--;
      return undefined;
    }
    fault.times--;
    if (fault.times <= 0) faults.delete(operation);
    return fault;
  }

  function answer(
    service: string,
    operation: string,
    input: Record<string, unknown>,
    protocol: '1.0' | '1.1' | 'rest' | { xmlns: string },
    run: () => unknown,
  ): AwsStandInReply {
    const call: AwsStandInCall = { service, operation, input };
    calls.push(call);
    const rest = protocol === 'rest';
    const xmlns = typeof protocol === 'object' ? protocol.xmlns : undefined;
    const contentType = rest ? 'application/json' : xmlns ? 'text/xml' : `application/x-amz-json-${protocol}`;
    try {
      const fault = takeFault(operation);
      if (fault?.type === CONNECTION_RESET) {
        call.error = CONNECTION_RESET;
        return { status: 0, body: undefined, contentType, drop: true };
      }
      if (fault) throw new AwsFault(fault.type, fault.message);
      const result = run();
      if (xmlns) {
        const inner = result ? `<${operation}Result>${String(result)}</${operation}Result>` : '';
        return {
          status: 200,
          body: `<${operation}Response xmlns="${xmlns}">${inner}<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${operation}Response>`,
          contentType,
        };
      }
      return { status: 200, body: result, contentType };
    } catch (error) {
      if (!(error instanceof AwsFault)) throw error;
      call.error = error.type;
      const status = statusOf(error.type, rest || Boolean(xmlns));
      if (xmlns) {
        // SNS names its errors without the Exception suffix on the wire (awsQueryError codes).
        const code = service === 'sns' ? error.type.replace(/Exception$/, '') : error.type;
        return {
          status,
          body: `<ErrorResponse xmlns="${xmlns}"><Error><Type>Sender</Type>${xml({ Code: code, Message: error.message })}</Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
          errorType: code,
          contentType,
        };
      }
      return {
        status,
        body: rest
          ? { Type: 'User', message: error.message }
          : { __type: error.type, message: error.message },
        errorType: error.type,
        contentType,
      };
    }
  }

  return services;
}

/**
 * `FilterLogEvents` of one log group: the events in `[startTime, endTime]` whose message contains every term
 * of a plain `filterPattern`, `limit` (default 10,000) to a page, each page after `emptyPages` empty ones;
 * `nextToken` is `<offset>` or `<offset>.<empty pages answered>`, and absent on the last page.
 */
function filterLogEvents(
  groups: Map<string, StandInLogEvent[]>,
  input: Record<string, unknown>,
  emptyPages: number,
): Record<string, unknown> {
  const name = String(input.logGroupName ?? input.logGroupIdentifier ?? '');
  const events = groups.get(name);
  if (!events) throw new AwsFault('ResourceNotFoundException', 'The specified log group does not exist.');
  const start = typeof input.startTime === 'number' ? input.startTime : 0;
  const end = typeof input.endTime === 'number' ? input.endTime : Number.POSITIVE_INFINITY;
  const terms = String(input.filterPattern ?? '')
    .split(/\s+/)
    .filter((t) => t && !/^[{[]/.test(t))
    .map((t) => t.replace(/^"|"$/g, ''));
  const matched = events.filter(
    (e) => e.timestamp >= start && e.timestamp <= end && terms.every((t) => e.message.includes(t)),
  );
  const [offsetText = '0', emptyText = '0'] =
    typeof input.nextToken === 'string' ? input.nextToken.split('.') : [];
  const offset = Number(offsetText);
  const empty = Number(emptyText);
  if (!Number.isInteger(offset) || offset < 0 || offset > matched.length || !Number.isInteger(empty))
    throw new AwsFault('InvalidParameterException', 'The specified nextToken is not valid.');
  if (empty < emptyPages && offset < matched.length)
    return { events: [], searchedLogStreams: [], nextToken: `${offset}.${empty + 1}` };
  const limit = typeof input.limit === 'number' ? input.limit : 10_000;
  const page = matched.slice(offset, offset + limit);
  const next = offset + page.length;
  return {
    events: page.map((e, i) => ({
      logStreamName: e.logStreamName ?? 'stream',
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: e.timestamp,
      eventId: String(offset + i),
    })),
    searchedLogStreams: [],
    ...(next < matched.length ? { nextToken: String(next) } : {}),
  };
}
