// Runs the validation state machine with aws-local-stepfunctions, its Lambda tasks bound in-process to the
// real handlers and its CodeDeploy task to an SDK client (a stub in tests).
import {
  type CodeDeployClient,
  PutLifecycleEventHookExecutionStatusCommand,
  type PutLifecycleEventHookExecutionStatusCommandInput,
} from '@aws-sdk/client-codedeploy';
import type { AslDefinition } from '@bg-replay/codedeploy/step-functions';

// aws-local-stepfunctions 3 (the only version on the registry) declares Node >= 22 for one call:
// Promise.withResolvers, new in Node 22. Everything else it uses runs on Node 20.
if (!('withResolvers' in Promise)) {
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

export interface LocalBindings {
  /** The shard function's handler. */
  shard: (event: never) => Promise<unknown>;
  /** The plan-and-merge function's handler. */
  merge: (event: never) => Promise<unknown>;
  codedeploy: Pick<CodeDeployClient, 'send'>;
}

/** A Lambda invocation as Step Functions makes it: JSON in, the function's JSON result out. */
function lambdaInvoke(handler: (event: never) => Promise<unknown>) {
  return async (params: unknown) => {
    const payload = JSON.parse(JSON.stringify(params));
    try {
      return JSON.parse(JSON.stringify(await handler(payload as never)));
    } catch (error) {
      // A function error reaches the machine as Error = errorType, Cause = the error JSON.
      const e = error as Error;
      const failure = new Error(JSON.stringify({ errorType: e.name, errorMessage: e.message }));
      failure.name = e.name;
      throw failure;
    }
  };
}

/** The AWS SDK integration: parameters in, the API's response out; errors named `CodeDeploy.<Name>`. */
function codeDeployTask(codedeploy: Pick<CodeDeployClient, 'send'>) {
  return async (params: unknown) => {
    try {
      const out = await codedeploy.send(
        new PutLifecycleEventHookExecutionStatusCommand(
          params as PutLifecycleEventHookExecutionStatusCommandInput,
        ),
      );
      const { $metadata: _, ...rest } = out;
      return rest;
    } catch (error) {
      const e = error as Error;
      const failure = new Error(e.message);
      failure.name = `CodeDeploy.${e.name}`;
      throw failure;
    }
  };
}

export async function runStateMachineLocally(
  definition: AslDefinition,
  input: unknown,
  bindings: LocalBindings,
): Promise<LocalRun> {
  const { StateMachine } = await import('aws-local-stepfunctions');
  const machine = new StateMachine(definition as never);
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: {
        ResolveWindow: lambdaInvoke(bindings.merge) as never,
        RunShard: lambdaInvoke(bindings.shard) as never,
        Merge: lambdaInvoke(bindings.merge) as never,
        ReportVerdict: codeDeployTask(bindings.codedeploy) as never,
        ReportFailed: codeDeployTask(bindings.codedeploy) as never,
      },
      retryIntervalOverrides: { ResolveWindow: 0, RunShard: 0, Merge: 0, ReportVerdict: 0, ReportFailed: 0 },
    },
  });
  const run: LocalRun = { entered: [], iterations: { succeeded: 0, failed: 0 } };
  const logs = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered') run.entered.push(event.state.name);
      if (event.type === 'MapIterationSucceeded') run.iterations.succeeded += 1;
      if (event.type === 'MapIterationFailed') run.iterations.failed += 1;
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
