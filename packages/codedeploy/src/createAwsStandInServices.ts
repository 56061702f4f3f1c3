/**
 * In-memory AWS services for the loopback stand-in: the few JSON-protocol operations the a/b lifecycle
 * hooks send (SSM, Application Auto Scaling, EventBridge, Lambda event source mappings, SQS, DynamoDB, ECS),
 * answered from plain maps so real SDK clients with `endpoint` set can run the hooks on one machine.
 */

/** A resource that moves on by itself (a table being deleted, a task running): settles after `reads` reads. */
interface Settling {
  reads: number;
}

/** The state of the simulated account. Tests and the CLI fill it before a run and read it after. */
export interface AwsStandInState {
  /** SSM parameters by name. */
  parameters: Map<string, string>;
  /** Application Auto Scaling targets by `<namespace>|<resourceId>|<dimension>`. */
  scalableTargets: Map<string, { min: number; max: number }>;
  /** EventBridge rules by `<bus>/<name>`: `ENABLED` or `DISABLED`. */
  rules: Map<string, string>;
  /** Lambda event source mappings by UUID. */
  eventSourceMappings: Map<string, { state: string } & Partial<Settling>>;
  /** SQS queues by URL. */
  queues: Map<string, { messages: number; purgedAt?: number }>;
  /** DynamoDB tables by name. */
  tables: Map<string, { status: string; items: number } & Partial<Settling>>;
  /** ECS task definitions that may be run (`family` or `family:revision`), with the exit code of their task. */
  taskDefinitions: Map<string, { exitCode: number }>;
  /** ECS tasks by ARN. */
  tasks: Map<
    string,
    { status: string; exitCode: number; container: string; reads: number; startedBy?: string }
  >;
}

/** One operation the services answered (or refused), in order. */
export interface AwsStandInCall {
  /** `ssm`, `autoscaling`, `events`, `lambda`, `sqs`, `dynamodb` or `ecs`. */
  service: string;
  operation: string;
  input: Record<string, unknown>;
  /** The AWS error name when the call was refused. */
  error?: string;
}

/** What a request handler returns. */
export interface AwsStandInReply {
  status: number;
  body: unknown;
  /** Error type for `x-amzn-errortype`. */
  errorType?: string;
  contentType: string;
}

/** The services behind {@link startCodeDeployStandIn}'s `services` option. */
export interface AwsStandInServices {
  state: AwsStandInState;
  calls: AwsStandInCall[];
  /** Operations that change state, in order (`PutParameter`, `DeleteTable`...). */
  mutations(): AwsStandInCall[];
  /** Called on each `PutEvents` and `SendMessage`: lets a caller play the upstream that seeds a stack. */
  onPublish?: (operation: string, input: Record<string, unknown>) => void;
  /** Answers a request, or returns undefined when it is not one of these services'. */
  handle(request: {
    method: string;
    path: string;
    target: string;
    body: Record<string, unknown>;
  }): AwsStandInReply | undefined;
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
  'PurgeQueue',
  'SendMessage',
  'DeleteTable',
  'RunTask',
]);

const TARGET_PREFIXES: Record<string, { service: string; json: '1.0' | '1.1' }> = {
  'AmazonSSM.': { service: 'ssm', json: '1.1' },
  'AnyScaleFrontendService.': { service: 'autoscaling', json: '1.1' },
  'AWSEvents.': { service: 'events', json: '1.1' },
  'AmazonSQS.': { service: 'sqs', json: '1.0' },
  'DynamoDB_20120810.': { service: 'dynamodb', json: '1.0' },
  'AmazonEC2ContainerServiceV20141113.': { service: 'ecs', json: '1.1' },
};

class AwsFault extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Creates the in-memory services; pass them to `startCodeDeployStandIn({ services })` or
 * `runLifecycle({ services })` and point every hook client at the stand-in's `url`.
 * Transitional states settle after a read or two (an event source mapping `Enabling`, a table `DELETING`,
 * a task `RUNNING`), so a hook's wait-and-check loop runs as it would against AWS, only faster.
 *
 * @example
 * const services = createAwsStandInServices();
 * services.state.parameters.set('/shop/active-stack', 'a');
 * const result = await runLifecycle({ platform: 'ECS', services, hooks });
 * services.state.parameters.get('/shop/active-stack'); // 'b' after a successful deployment
 */
export function createAwsStandInServices(
  options: { now?: () => number; settleReads?: number } = {},
): AwsStandInServices {
  const now = options.now ?? Date.now;
  const settleReads = options.settleReads ?? 1;
  let taskSeq = 0;
  const state: AwsStandInState = {
    parameters: new Map(),
    scalableTargets: new Map(),
    rules: new Map(),
    eventSourceMappings: new Map(),
    queues: new Map(),
    tables: new Map(),
    taskDefinitions: new Map(),
    tasks: new Map(),
  };
  const calls: AwsStandInCall[] = [];

  const str = (input: Record<string, unknown>, field: string): string => {
    const value = input[field];
    if (typeof value !== 'string' || value === '')
      throw new AwsFault('ValidationException', `${field} is required`);
    return value;
  };

  const json: Record<string, (input: Record<string, unknown>) => unknown> = {
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
      services.onPublish?.('PutEvents', input);
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
      services.onPublish?.('SendMessage', input);
      return { MessageId: `message-${calls.length}`, MD5OfMessageBody: '0'.repeat(32) };
    },
    // DynamoDB
    DescribeTable: (input) => {
      const name = str(input, 'TableName');
      const t = readTable(name);
      return {
        Table: {
          TableName: name,
          TableStatus: t.status,
          ItemCount: t.items,
          DeletionProtectionEnabled: false,
        },
      };
    },
    DeleteTable: (input) => {
      const name = str(input, 'TableName');
      const t = readTable(name, false);
      if (t.status !== 'ACTIVE') throw new AwsFault('ResourceInUseException', `Table ${name} is ${t.status}`);
      t.status = 'DELETING';
      t.reads = settleReads;
      return { TableDescription: { TableName: name, TableStatus: 'DELETING' } };
    },
    Scan: (input) => {
      const name = str(input, 'TableName');
      const t = readTable(name, false);
      return { Count: t.items, ScannedCount: t.items };
    },
    // ECS
    RunTask: (input) => {
      const cluster = str(input, 'cluster');
      const definition = str(input, 'taskDefinition');
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
        reads: settleReads + 1,
        ...(typeof input.startedBy === 'string' ? { startedBy: input.startedBy } : {}),
      });
      return {
        tasks: [{ taskArn: arn, lastStatus: 'PROVISIONING', taskDefinitionArn: definition }],
        failures: [],
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
        const t = state.tasks.get(arn);
        if (!t) return [];
        if (t.status !== 'STOPPED') {
          t.reads -= 1;
          t.status = t.reads <= 0 ? 'STOPPED' : 'RUNNING';
        }
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

  function ruleKey(input: Record<string, unknown>): string {
    return `${typeof input.EventBusName === 'string' ? input.EventBusName : 'default'}/${str(input, 'Name')}`;
  }

  function setRule(input: Record<string, unknown>, to: string): unknown {
    const key = ruleKey(input);
    if (!state.rules.has(key)) throw new AwsFault('ResourceNotFoundException', `Rule ${key} does not exist.`);
    state.rules.set(key, to);
    return {};
  }

  /** A table, settling a pending deletion on read. */
  function readTable(
    name: string,
    settle = true,
  ): AwsStandInState['tables'] extends Map<string, infer T> ? T : never {
    const t = state.tables.get(name);
    if (!t)
      throw new AwsFault(
        'ResourceNotFoundException',
        `Requested resource not found: Table: ${name} not found`,
      );
    if (settle && t.status === 'DELETING') {
      if ((t.reads ?? 0) <= 0) {
        state.tables.delete(name);
        throw new AwsFault(
          'ResourceNotFoundException',
          `Requested resource not found: Table: ${name} not found`,
        );
      }
      t.reads = (t.reads ?? 0) - 1;
    }
    return t;
  }

  function mapping(uuid: string, settle: boolean): { state: string } & Partial<Settling> {
    const m = state.eventSourceMappings.get(uuid);
    if (!m)
      throw new AwsFault(
        'ResourceNotFoundException',
        `The resource you requested does not exist. (UUID ${uuid})`,
      );
    if (settle && (m.state === 'Enabling' || m.state === 'Disabling')) {
      if ((m.reads ?? 0) <= 0) m.state = m.state === 'Enabling' ? 'Enabled' : 'Disabled';
      else m.reads = (m.reads ?? 0) - 1;
    }
    return m;
  }

  const services: AwsStandInServices = {
    state,
    calls,
    mutations: () => calls.filter((c) => !c.error && MUTATING_OPERATIONS.has(c.operation)),
    handle({ method, path, target, body }) {
      // Lambda event source mappings (REST-JSON).
      const esm = /^\/2015-03-31\/event-source-mappings\/([^/?]+)/.exec(path);
      if (esm?.[1]) {
        const uuid = decodeURIComponent(esm[1]);
        const operation = method === 'GET' ? 'GetEventSourceMapping' : 'UpdateEventSourceMapping';
        const input = { UUID: uuid, ...body };
        return answer(
          'lambda',
          operation,
          input,
          '1.1',
          () => {
            if (method === 'GET') {
              const m = mapping(uuid, true);
              return { UUID: uuid, State: m.state };
            }
            const m = mapping(uuid, false);
            if (m.state !== 'Enabled' && m.state !== 'Disabled')
              throw new AwsFault('ResourceInUseException', `The event source mapping ${uuid} is ${m.state}.`);
            if (typeof body.Enabled === 'boolean') {
              m.state = body.Enabled ? 'Enabling' : 'Disabling';
              m.reads = settleReads;
            }
            return { UUID: uuid, State: m.state };
          },
          true,
        );
      }
      const prefix = Object.keys(TARGET_PREFIXES).find((p) => target.startsWith(p));
      if (!prefix) return undefined;
      const { service, json: version } = TARGET_PREFIXES[prefix] as { service: string; json: '1.0' | '1.1' };
      const operation = target.slice(prefix.length);
      const fn = json[operation];
      if (!fn) return undefined;
      return answer(service, operation, body, version, () => fn(body), false);
    },
  };

  function answer(
    service: string,
    operation: string,
    input: Record<string, unknown>,
    version: '1.0' | '1.1',
    run: () => unknown,
    rest: boolean,
  ): AwsStandInReply {
    const call: AwsStandInCall = { service, operation, input };
    calls.push(call);
    const contentType = rest ? 'application/json' : `application/x-amz-json-${version}`;
    try {
      return { status: 200, body: run(), contentType };
    } catch (error) {
      if (!(error instanceof AwsFault)) throw error;
      call.error = error.type;
      return {
        status: error.type.endsWith('NotFoundException') && rest ? 404 : 400,
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
