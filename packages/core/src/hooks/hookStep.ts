import type { Logger } from '../logger.js';

/**
 * What a step returns. Returning nothing means `Succeeded`. `P` is what every variant carries besides its
 * status (e.g. the actions a preset step took); a step of the validation hook carries nothing more.
 *
 * - `Succeeded` / `Failed`: the two statuses CodeDeploy accepts; the runtime reports them.
 * - `continue`: not finished; the runtime carries `state` into a fresh invocation (a wait that outlives this one).
 * - `handedOff`: another process (the Step Functions validation machine) now owns the report; nothing is reported here.
 *
 * @example
 * const result: StepResult<{ page: number }> = { status: 'continue', state: { page: 2 }, reason: 'more pages' };
 * const pass: StepResult<undefined, { actions: string[] }> = { status: 'Succeeded', actions: ['PutParameter'] };
 */
export type StepResult<S = unknown, P extends object = object> =
  | ({ status: 'Succeeded'; message?: string } & P)
  | ({ status: 'Failed'; reason: string } & P)
  | ({ status: 'continue'; state: S; reason?: string } & P)
  | ({ status: 'handedOff'; message: string } & P);

/** What every step knows about the deployment it serves (a runtime may tell it more). */
export interface HookDeployment {
  /** CodeDeploy's DeploymentId; keys what a step remembers between invocations. */
  deploymentId: string;
  /** `ECS` or `Lambda`, from `GetDeployment`, when the runtime read it. */
  computePlatform?: string;
  /** The lifecycle event this function serves, when known. */
  lifecycleEvent?: string;
  /** Every lifecycle event whose hook names this function in the AppSpec. */
  lifecycleEvents?: readonly string[];
}

/** Everything a step may use, whatever runs it (the Lambda runtime, the simulator, a test). */
export interface HookStepContext<S = unknown> {
  deployment: HookDeployment;
  /** State returned (or checkpointed) by the previous invocation; undefined on the first. */
  continuation: S | undefined;
  /** 1-based number of this invocation within the hook execution. */
  invocation: number;
  /** When the first invocation of this hook execution started. */
  startedAt: Date;
  /** Epoch ms by which the step must have returned (the runtime's reserve is already taken off). */
  deadline: number;
  /** Milliseconds left before `deadline`, never negative. */
  remainingMs(): number;
  /** Aborted when the deadline is reached; pass it to long operations. */
  signal: AbortSignal;
  /** Records the state to resume from if the deadline arrives before the step returns. */
  checkpoint(state: S): void;
  logger: Logger;
}

/**
 * One unit of hook work: the one step type of every hook (validation, presets, your own). Throwing or
 * rejecting reports `Failed`. `X` is what a runtime adds to the context (the Lambda runtime of
 * `@bg-replay/codedeploy` adds the event, the Lambda context, the resolved deployment and its SDK clients);
 * a step that needs only the portable context runs on any runtime.
 *
 * @example
 * const step: HookStep<{ done: number }> = async ({ continuation, checkpoint, remainingMs }) => {
 *   let done = continuation?.done ?? 0;
 *   while (done < 10) {
 *     if (remainingMs() < 5_000) return { status: 'continue', state: { done } };
 *     await work(done++);
 *     checkpoint({ done });
 *   }
 *   return { status: 'Succeeded', message: `${done} done` };
 * };
 */
export type HookStep<S = unknown, X extends object = object> = (
  context: HookStepContext<S> & X,
) => Promise<StepResult<S> | undefined> | StepResult<S> | undefined;
