import * as CodeDeploy from '@aws-sdk/client-codedeploy';

/** What a local execution ended with. */
export interface LocalRun {
  /** Output of a succeeded execution. */
  output?: unknown;
  /** Error name and cause of a failed execution (the Fail state's). */
  error?: { name: string; message: string };
  /** States entered, in order (Map iterations included). */
  entered: string[];
  /** Map iterations that succeeded and failed. */
  iterations: { succeeded: number; failed: number };
}

/** One event of a local execution (the subset of aws-local-stepfunctions' event log that callers read). */
export interface LocalExecutionEvent {
  /** `StateEntered`, `StateExited`, `MapIterationFailed`, `ExecutionSucceeded`, `ExecutionFailed`... */
  type: string;
  state?: { name: string; input?: unknown; output?: unknown };
  /** The Map iteration an event belongs to. */
  index?: number;
  Error?: string;
  Cause?: unknown;
  output?: unknown;
}

/** A Lambda function's handler as a Task state calls it: JSON in, the function's result out. */
export type LocalLambdaHandler = (event: never) => Promise<unknown>;

/** What the Task states of a definition are bound to. */
export interface LocalBindings {
  /** Lambda functions by name (the `function:<name>` of a Task's `Resource` ARN), called in-process. */
  functions: Record<string, LocalLambdaHandler>;
  /** Client for `arn:aws:states:::aws-sdk:codedeploy:*` tasks (the stand-in's, or a stub). */
  codedeploy: Pick<CodeDeploy.CodeDeployClient, 'send'>;
  /** Every event of the execution as it happens (states entered and exited, Map iterations, the end). */
  onEvent?: (event: LocalExecutionEvent) => void;
  /** The context object's `$$.Execution` (Id, Name, StartTime). */
  execution?: { Id: string; Name: string; StartTime: string };
}

/**
 * aws-local-stepfunctions 3 (the only major on the registry) declares Node >= 22 for one call,
 * `Promise.withResolvers` (new in Node 22); everything else it uses runs on Node 20. Defined only when missing,
 * and only when a machine is run, so importing the simulator changes nothing.
 */
function ensurePromiseWithResolvers(): void {
  if ('withResolvers' in Promise) return;
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (value: T) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((a, b) => {
        resolve = a;
        reject = b;
      });
      return { promise, resolve, reject };
    },
  });
}

/** A Lambda invocation as Step Functions makes it: JSON in, the function's JSON result out. */
function lambdaInvoke(handler: LocalLambdaHandler) {
  return async (params: unknown) => {
    const payload = JSON.parse(JSON.stringify(params ?? null));
    try {
      return JSON.parse(JSON.stringify((await handler(payload as never)) ?? null));
    } catch (error) {
      // A function error reaches the machine as Error = errorType, Cause = the error JSON.
      const e = error as Error;
      const failure = new Error(JSON.stringify({ errorType: e.name, errorMessage: e.message }));
      failure.name = e.name;
      throw failure;
    }
  };
}

const lowerFirst = (key: string): string => key.charAt(0).toLowerCase() + key.slice(1);
const upperFirst = (key: string): string => key.charAt(0).toUpperCase() + key.slice(1);

/** Step Functions writes SDK parameters in PascalCase even where the API (CodeDeploy) is camelCase. */
function toApiCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toApiCase);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [lowerFirst(k), toApiCase(v)]));
  }
  return value;
}

/**
 * The AWS SDK integration for CodeDeploy: PascalCase parameters in, the API's response out; errors named
 * `CodeDeploy.<ExceptionName>` (Step Functions developer guide, "AWS SDK service integrations").
 */
function codeDeployTask(action: string, codedeploy: Pick<CodeDeploy.CodeDeployClient, 'send'>) {
  const Command = (CodeDeploy as unknown as Record<string, new (input: unknown) => unknown>)[
    `${upperFirst(action)}Command`
  ];
  if (!Command) throw new Error(`aws-sdk:codedeploy:${action} is not a CodeDeploy API action`);
  return async (params: unknown) => {
    try {
      const out = (await codedeploy.send(new Command(toApiCase(params)) as never)) as unknown as Record<
        string,
        unknown
      >;
      const { $metadata: _, ...rest } = out ?? {};
      return rest;
    } catch (error) {
      const e = error as Error;
      const failure = new Error(e.message);
      failure.name = `CodeDeploy.${e.name}`;
      throw failure;
    }
  };
}

type States = Record<string, Record<string, unknown>>;

/** Every Task state of a definition (Map and Parallel bodies included): name → Resource. */
function taskResources(states: States, into = new Map<string, string>()): Map<string, string> {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task') into.set(name, String(state.Resource));
    for (const body of [state.ItemProcessor, state.Iterator] as Array<{ States?: States } | undefined>) {
      if (body?.States) taskResources(body.States, into);
    }
    for (const branch of (state.Branches as Array<{ States: States }> | undefined) ?? []) {
      taskResources(branch.States, into);
    }
  }
  return into;
}

const LAMBDA_ARN = /^arn:aws[\w-]*:lambda:[^:]+:\d+:function:([^:]+)(?::[^:]+)?$/;
const SDK_TASK = /^arn:aws[\w-]*:states:::aws-sdk:(\w+):(\w+)$/;

/** Binds each Task state to a local handler; a Task this cannot serve is an error before anything runs. */
function bindTasks(
  states: States,
  bindings: LocalBindings,
): Record<string, (params: unknown) => Promise<unknown>> {
  const handlers: Record<string, (params: unknown) => Promise<unknown>> = {};
  for (const [state, resource] of taskResources(states)) {
    const lambda = LAMBDA_ARN.exec(resource);
    const sdk = SDK_TASK.exec(resource);
    const fn = lambda?.[1] ? bindings.functions[lambda[1]] : undefined;
    if (fn) handlers[state] = lambdaInvoke(fn);
    else if (sdk?.[1] === 'codedeploy' && sdk[2])
      handlers[state] = codeDeployTask(sdk[2], bindings.codedeploy);
    else {
      // Without a local handler the interpreter would call the real service: never.
      throw new Error(
        `state ${state}: no local handler for ${resource} (bind the Lambda function by name, or use aws-sdk:codedeploy)`,
      );
    }
  }
  return handlers;
}

/**
 * Runs an Amazon States Language definition on this machine with aws-local-stepfunctions: Lambda tasks call
 * the given handlers in-process, `aws-sdk:codedeploy:*` tasks go through the given CodeDeploy client, retries
 * wait no time, and nothing real is called (a Task without a binding is refused before the run).
 *
 * @example
 * const run = await runStateMachineLocally(definition, input, {
 *   functions: { CodeDeployHook_sfn_shard: shard, CodeDeployHook_sfn_merge: merge },
 *   codedeploy,
 * });
 * run.error?.name; // 'BgReplay.VerdictFailed'
 */
export async function runStateMachineLocally(
  definition: { States: Record<string, Record<string, unknown>> },
  input: unknown,
  bindings: LocalBindings,
): Promise<LocalRun> {
  const handlers = bindTasks(definition.States, bindings);
  ensurePromiseWithResolvers();
  const { StateMachine } = await import('aws-local-stepfunctions');
  const machine = new StateMachine(definition as never);
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: handlers as never,
      retryIntervalOverrides: Object.fromEntries(Object.keys(handlers).map((name) => [name, 0])),
    },
    ...(bindings.execution
      ? { context: { Execution: { ...bindings.execution, Input: input as never } } }
      : {}),
  });
  const run: LocalRun = { entered: [], iterations: { succeeded: 0, failed: 0 } };
  const logs = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered') run.entered.push(event.state.name);
      if (event.type === 'MapIterationSucceeded') run.iterations.succeeded += 1;
      if (event.type === 'MapIterationFailed') run.iterations.failed += 1;
      bindings.onEvent?.(event as LocalExecutionEvent);
    }
  })();
  try {
    run.output = await execution.result;
  } catch (error) {
    const cause = (error as { cause?: { name?: string; message?: string } }).cause;
    run.error = {
      name: cause?.name ?? (error as Error).name,
      message: cause?.message ?? (error as Error).message,
    };
  }
  await logs;
  return run;
}
