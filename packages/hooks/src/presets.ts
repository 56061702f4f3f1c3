import { BgReplayError, type Logger } from '@bg-replay/core';
import type { HookStepContext, StepResult } from '@bg-replay/core/hooks';
import { isAwsError, sleep as realSleep, silentLogger, toAwsBgReplayError } from '@bg-replay/core/internal';
import type { Dispatcher } from 'undici';
import { flipActiveStack, readActiveStack, resolveTargetStack } from './activeStack.js';
import { HOOK_PRINCIPAL, withCallNames } from './awsErrors.js';
import { parkCapacity, raiseCapacity } from './capacity.js';
import { type DrivePosition, driveSteps, type PlannedStep, type PresetStep } from './driveSteps.js';
import { setEventSourceEnabled } from './eventSources.js';
import { runMigration } from './migration.js';
import type { HookClients, HookName, PresetActions, StepContext } from './model.js';
import { checkReadiness, publishSeed, readinessKey, seedPublishKey } from './seed.js';
import {
  databaseKey,
  eventSourceKey,
  migrationKey,
  otherStack,
  queueKey,
  type StackId,
  type StacksConfig,
  scalableTargetKey,
  stateParameterPrefix,
} from './stacksConfig.js';
import { createSsmStateStore, type StateStore } from './stateStore.js';
import { deleteDatabase, purgeQueue } from './teardown.js';

/**
 * The hooks each platform's preset provides, in lifecycle order.
 *
 * @example
 * for (const hook of PRESET_HOOKS[config.platform]) console.log(planHook(config, hook, 'a'));
 */
export const PRESET_HOOKS = {
  ecs: ['BeforeInstall', 'AfterInstall', 'AfterAllowTraffic'],
  lambda: ['BeforeAllowTraffic', 'AfterAllowTraffic'],
} as const satisfies Record<StacksConfig['platform'], readonly HookName[]>;

/**
 * True when `hook` is a preset of `platform`.
 *
 * @example
 * isPresetHook('lambda', 'BeforeInstall'); // false: Lambda deployments have no install events
 */
export function isPresetHook(platform: StacksConfig['platform'], hook: string): hook is HookName {
  return (PRESET_HOOKS[platform] as readonly string[]).includes(hook);
}

function step(
  kind: PresetStep['kind'],
  stack: StackId,
  resource: string,
  description: string,
  flags: { destructive?: boolean; waits?: boolean; when?: string },
  run: PresetStep['run'],
): PresetStep {
  return {
    id: `${kind}:${stack}:${resource}`,
    kind,
    stack,
    resource,
    description,
    destructive: flags.destructive ?? false,
    waits: flags.waits ?? false,
    ...(flags.when ? { when: flags.when } : {}),
    run,
  };
}

/** Why a purge or delete runs only where it does. */
const WHEN_REUSE =
  'before the stack is reused: a new deployment has started, so no rollback of the previous one can need this data';
const WHEN_TEARDOWN =
  'only by bg-replay teardown, after the termination wait: no rollback can need the idle stack any more';
const WHEN_PARK =
  'after the flip; reversible, and a failure is recorded without failing the hook (a rollback would land on this stack)';

function capacitySteps(config: StacksConfig, target: StackId, raise: boolean): PresetStep[] {
  return config.stacks[target].scalableTargets.map((t, i) =>
    raise
      ? step(
          'raise-capacity',
          target,
          scalableTargetKey(t),
          `raise the minimum of ${t.resourceId} (${t.scalableDimension}) to live's ${config.stacks[otherStack(target)].scalableTargets[i]?.resourceId}, and wait until that capacity is in service`,
          { waits: true },
          (ctx) => raiseCapacity(ctx, target, i),
        )
      : step(
          'park-capacity',
          target,
          scalableTargetKey(t),
          `put ${t.resourceId} back to its idle minimum and maximum (the new live stack keeps its production floor)`,
          { when: WHEN_PARK },
          (ctx) => parkCapacity(ctx, target, i),
        ),
  );
}

function sourceSteps(config: StacksConfig, stack: StackId, enabled: boolean): PresetStep[] {
  return config.stacks[stack].eventSources.map((source) =>
    step(
      enabled ? 'enable-event-source' : 'disable-event-source',
      stack,
      eventSourceKey(source),
      `${enabled ? 'enable' : 'disable'} ${source.type} ${eventSourceKey(source).replace(/^[^:]+:/, '')}`,
      {
        destructive: !enabled,
        waits: source.type === 'lambda-event-source-mapping',
        ...(enabled ? {} : { when: WHEN_PARK }),
      },
      (ctx) => setEventSourceEnabled(ctx, stack, source, enabled),
    ),
  );
}

function prepareSteps(
  config: StacksConfig,
  target: StackId,
  parts: { capacity: boolean; migrate: boolean; connect: boolean },
): PresetStep[] {
  const stack = config.stacks[target];
  const steps: PresetStep[] = [];
  if (parts.capacity) steps.push(...capacitySteps(config, target, true));
  if (parts.migrate && stack.migration) {
    steps.push(
      step(
        'run-migration',
        target,
        migrationKey(stack.migration),
        stack.migration.type === 'ecs-task'
          ? `run the migration task ${stack.migration.taskDefinition} on ${stack.migration.cluster} and wait for exit 0`
          : `invoke the migration function ${stack.migration.functionName} and check its result`,
        { destructive: true, waits: stack.migration.type === 'ecs-task' },
        (ctx) => runMigration(ctx, target),
      ),
    );
  }
  if (parts.connect) {
    steps.push(...sourceSteps(config, target, true));
    const publish = stack.seed?.publish;
    if (publish) {
      steps.push(
        step(
          'publish-seed',
          target,
          seedPublishKey(publish),
          `ask upstream to seed stack ${target} (${publish.type})`,
          { destructive: true },
          (ctx) => publishSeed(ctx, target),
        ),
      );
    }
    const readiness = stack.seed?.readiness;
    if (readiness) {
      steps.push(
        step(
          'wait-ready',
          target,
          readinessKey(readiness),
          readiness.type === 'http'
            ? `wait until GET ${readiness.url} answers 2xx`
            : `wait until ${readiness.tableName} holds at least ${readiness.minCount} items`,
          { waits: true },
          (ctx) => checkReadiness(ctx, target),
        ),
      );
    }
  }
  return steps;
}

function purgeSteps(config: StacksConfig, stack: StackId, when: string): PresetStep[] {
  if (!config.teardown.purgeQueues) return [];
  return config.stacks[stack].queues.map((queue, i) =>
    step(
      'purge-queue',
      stack,
      queueKey(queue),
      `purge ${queue.url} (at most once per 60 s)`,
      { destructive: true, when },
      (ctx) => purgeQueue(ctx, stack, i),
    ),
  );
}

/** AfterAllowTraffic: flip the pointer, then park the old stack. Nothing irreversible. */
function parkSteps(config: StacksConfig, target: StackId): PresetStep[] {
  const old = otherStack(target);
  return [
    step(
      'flip-active-stack',
      target,
      `ssm:${config.activeStack.parameter}`,
      `set ${config.activeStack.parameter} to "${target}" (first: nothing of a live stack is torn down)`,
      {
        destructive: true,
        when: 'first; a failure here fails the hook, which is safe: nothing has been touched yet',
      },
      (ctx) => flipActiveStack(ctx, target),
    ),
    ...sourceSteps(config, old, false),
    ...capacitySteps(config, old, false),
  ];
}

/**
 * The steps of `bg-replay teardown` for the idle stack `idle`: park it (again: each step checks first), purge
 * its queues and delete its database, each guarded by the live-stack pointer. Run them only once no rollback
 * can need the idle stack (after the deployment group's termination wait).
 *
 * @example
 * buildTeardownSteps(config, 'a').map((s) => s.kind);
 * // ['disable-event-source', 'park-capacity', 'purge-queue', 'delete-database']
 */
export function buildTeardownSteps(config: StacksConfig, idle: StackId): PresetStep[] {
  const steps = [
    ...sourceSteps(config, idle, false),
    ...capacitySteps(config, idle, false),
    ...purgeSteps(config, idle, WHEN_TEARDOWN),
  ];
  const db = config.stacks[idle].database;
  if (config.teardown.deleteDatabase && db) {
    steps.push(
      step(
        'delete-database',
        idle,
        databaseKey(db),
        db.type === 'dynamodb'
          ? `delete table ${db.tableName} and wait until it is gone`
          : `delete cluster ${db.clusterIdentifier} and its instances (${db.skipFinalSnapshot ? 'no final snapshot' : 'with a final snapshot'}) and wait until it is gone`,
        { destructive: true, waits: true, when: WHEN_TEARDOWN },
        (ctx) => deleteDatabase(ctx, idle),
      ),
    );
  }
  return steps;
}

/**
 * The steps of a preset hook for a deployment moving to `target`, with their functions.
 *
 * @example
 * const steps = buildHookSteps(config, 'AfterAllowTraffic', 'b');
 * steps[0].kind; // 'flip-active-stack'
 */
export function buildHookSteps(config: StacksConfig, hook: HookName, target: StackId): PresetStep[] {
  if (!isPresetHook(config.platform, hook)) {
    throw new BgReplayError(
      'E_USAGE',
      `the ${config.platform} preset has no ${hook} hook; use one of ${PRESET_HOOKS[config.platform].join(', ')}`,
    );
  }
  switch (hook) {
    case 'BeforeInstall':
      return [
        ...purgeSteps(config, target, WHEN_REUSE),
        ...prepareSteps(config, target, { capacity: true, migrate: true, connect: false }),
      ];
    case 'AfterInstall':
      return prepareSteps(config, target, { capacity: false, migrate: false, connect: true });
    case 'BeforeAllowTraffic':
      return [
        ...purgeSteps(config, target, WHEN_REUSE),
        ...prepareSteps(config, target, { capacity: true, migrate: true, connect: true }),
      ];
    case 'AfterAllowTraffic':
      return parkSteps(config, target);
  }
}

/**
 * The ordered steps `hook` would take while `activeStack` is live (the deployment moves to the other
 * stack). Calls nothing: this is what `bg-replay plan` prints.
 *
 * @example
 * planHook(config, 'AfterAllowTraffic', 'a').map((s) => s.kind);
 * // ['flip-active-stack', 'disable-event-source', 'park-capacity']
 */
export function planHook(config: StacksConfig, hook: HookName, activeStack: StackId): PlannedStep[] {
  return buildHookSteps(config, hook, otherStack(activeStack)).map(({ run: _run, ...planned }) => planned);
}

/** What the runners need besides the config. */
export interface HookDeps {
  clients: HookClients;
  /** Keys the per-run records; pass the CodeDeploy DeploymentId. */
  runId?: string;
  dryRun?: boolean;
  logger?: Logger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Defaults to SSM parameters under `state.parameterPrefix`. */
  store?: StateStore;
  dispatcher?: Dispatcher;
  /** The stack the deployment moves to; by default recorded per run from the pointer's first reading. */
  targetStack?: StackId;
}

/** AfterAllowTraffic: every step after the flip (index 0) is tolerated. */
function tolerateFromOf(hook: HookName): { tolerateFrom?: number } {
  return hook === 'AfterAllowTraffic' ? { tolerateFrom: 1 } : {};
}

function createContext(config: StacksConfig, deps: HookDeps, runId: string): StepContext {
  // Errors of every call then name their IAM action and resource (see describeAwsError).
  const clients = withCallNames(deps.clients);
  const base = deps.store ?? createSsmStateStore(clients.ssm, stateParameterPrefix(config));
  const ctx: StepContext = {
    config,
    clients,
    store: deps.dryRun ? createDryRunStore(base) : base,
    runId: runId.replace(/[^A-Za-z0-9_.-]/g, '-'),
    dryRun: deps.dryRun ?? false,
    logger: deps.logger ?? silentLogger,
    now: deps.now ?? Date.now,
  };
  if (deps.dispatcher) ctx.dispatcher = deps.dispatcher;
  return ctx;
}

/** Reads through to `store`, writes to memory: a dry run changes nothing. */
function createDryRunStore(store: StateStore): StateStore {
  const overlay = new Map<string, unknown>();
  return {
    async get<T>(key: string) {
      return overlay.has(key) ? (overlay.get(key) as T | undefined) : store.get<T>(key);
    },
    async put(key, value, options) {
      if (options?.ifAbsent && (await this.get(key)) !== undefined) return false;
      overlay.set(key, value);
      return true;
    },
    async delete(key) {
      overlay.set(key, undefined);
    },
  };
}

/**
 * {@link resolveTargetStack}; a failed AWS call (already retried by the client's retry strategy) becomes a
 * `BgReplayError` naming the parameter and the remedy.
 */
async function targetStackOf(ctx: StepContext): Promise<StackId> {
  try {
    return await resolveTargetStack(ctx);
  } catch (error) {
    if (!isAwsError(error)) throw error;
    throw toAwsBgReplayError(error, { principal: HOOK_PRINCIPAL, prefix: 'cannot find the target stack: ' });
  }
}

function requireRunId(runId: string | undefined, hook: HookName): string {
  if (!runId) {
    throw new BgReplayError(
      'E_USAGE',
      `${hook} needs a run id (the CodeDeploy DeploymentId): it keys what the hook remembers between re-runs`,
    );
  }
  return runId;
}

/**
 * Runs a preset hook to the end in this process, sleeping between checks of a step that says `continue`
 * (inject `sleep` and `now` in tests): {@link createPresetStep} without a deadline, so the result is
 * `Succeeded` or `Failed`. With `dryRun`, only reads are sent and the actions say what would be done.
 *
 * @example
 * const result = await runHook(config, 'AfterAllowTraffic', { clients, runId: 'd-ABC123' });
 * result.status; // 'Succeeded'
 */
export async function runHook(
  config: StacksConfig,
  hook: HookName,
  deps: HookDeps,
): Promise<StepResult<PresetState, PresetActions>> {
  return createPresetStep(config, hook, deps)({});
}

/**
 * Tears down the idle stack (the one the active-stack pointer does not name): parks it, purges its queues
 * and deletes its database (`buildTeardownSteps`), in this process. Run it only once no rollback can
 * need the idle stack; every destructive step re-reads the pointer first and refuses the live stack. The
 * result is the one of {@link runHook}, its `target` the idle stack.
 *
 * @example
 * const result = await runTeardown(config, { clients, runId: 'teardown-2026-11-30' });
 * result.target; // 'a': the idle stack
 */
export async function runTeardown(
  config: StacksConfig,
  deps: HookDeps,
): Promise<StepResult<PresetState, PresetActions>> {
  const ctx = createContext(
    config,
    deps,
    deps.runId ?? `teardown-${new Date((deps.now ?? Date.now)()).toISOString()}`,
  );
  const idle = otherStack(await readActiveStack(ctx.clients.ssm, config.activeStack.parameter));
  return driveRun('teardown', ctx, buildTeardownSteps(config, idle), idle, deps, {});
}

/** What {@link driveRun} resumes from and reports to. */
interface RunPosition {
  previous?: PresetState;
  deadline?: number;
  checkpoint?: (state: PresetState) => void;
  tolerateFrom?: number;
}

/**
 * The one runner of preset steps: {@link driveSteps} with the config's waits, its position wrapped into a
 * {@link PresetState}, and a `Succeeded` message counting the changes (and the problems after the flip).
 */
async function driveRun(
  label: string,
  ctx: StepContext,
  steps: PresetStep[],
  target: StackId,
  deps: HookDeps,
  at: RunPosition,
): Promise<StepResult<PresetState, PresetActions>> {
  const stateAt = (position: DrivePosition): PresetState => ({ v: 1, runId: ctx.runId, target, ...position });
  const { config } = ctx;
  const result = await driveSteps(steps, ctx, {
    ...(at.previous ? { from: at.previous } : {}),
    pollMs: config.waits.pollSeconds * 1000,
    timeoutMs: config.waits.timeoutSeconds * 1000,
    sleep: deps.sleep ?? realSleep,
    ...(at.deadline !== undefined ? { deadline: at.deadline } : {}),
    ...(at.tolerateFrom !== undefined ? { tolerateFrom: at.tolerateFrom } : {}),
    ...(at.checkpoint
      ? { onCheckpoint: (position: DrivePosition) => at.checkpoint?.(stateAt(position)) }
      : {}),
  });
  switch (result.status) {
    case 'continue':
      return { ...result, state: stateAt(result.state), target };
    case 'Succeeded': {
      const changed = result.actions.filter((a) => a.done).length;
      const message = `${label}: ${changed} change${changed === 1 ? '' : 's'}`;
      const problems = result.problems ?? [];
      return {
        ...result,
        target,
        message:
          problems.length === 0
            ? message
            : `${message}; ${problems.length} problem(s) after the flip: ${problems.join('; ')}`,
      };
    }
    default:
      return { ...result, target };
  }
}

/** What a preset step carries from one invocation to the next: the run, its target and where it stands. */
export interface PresetState extends DrivePosition {
  v: 1;
  runId: string;
  target: StackId;
}

/** The part of the `HookStepContext` of `@bg-replay/core/hooks` a preset uses. */
export type PresetStepContext = Partial<Pick<HookStepContext, 'continuation' | 'deadline'>> & {
  /** The run id is the DeploymentId (carried in the state after the first invocation). */
  deployment?: { deploymentId: string };
  /** Receives the state to resume from before each step (the hook runtime's `checkpoint`). */
  checkpoint?: (state: PresetState) => void;
};

function parseState(state: unknown): PresetState | undefined {
  if (state === undefined || state === null) return undefined;
  const s = state as Partial<PresetState>;
  if (
    s.v === 1 &&
    typeof s.runId === 'string' &&
    (s.target === 'a' || s.target === 'b') &&
    Number.isInteger(s.index)
  ) {
    return s as PresetState;
  }
  throw new BgReplayError(
    'E_INPUT',
    `the continuation state of a preset hook is not one it wrote: ${JSON.stringify(state)}`,
  );
}

/**
 * A preset hook as one resumable step: each invocation works until `deadline` (epoch ms), then returns
 * `continue` with a small JSON state; the next invocation resumes at the same step. All done is `Succeeded`
 * (with the failures recorded after the flip in its message and in `problems`), a failed step `Failed`.
 *
 * @example
 * const step = createPresetStep(config, 'AfterAllowTraffic', { clients });
 * let result = await step({ deployment: { deploymentId: 'd-ABC123' }, deadline: Date.now() + 60_000 });
 * while (result.status === 'continue') result = await step({ continuation: result.state, deadline: Date.now() + 60_000 });
 */
export function createPresetStep(
  config: StacksConfig,
  hook: HookName,
  deps: HookDeps,
): (ctx: PresetStepContext) => Promise<StepResult<PresetState, PresetActions>> {
  if (!isPresetHook(config.platform, hook)) buildHookSteps(config, hook, 'a'); // throws the usage error
  return async ({ continuation, deadline, deployment, checkpoint }) => {
    const previous = parseState(continuation);
    const runId = requireRunId(previous?.runId ?? deployment?.deploymentId ?? deps.runId, hook);
    const ctx = createContext(config, deps, runId);
    const target = previous?.target ?? deps.targetStack ?? (await targetStackOf(ctx));
    return driveRun(hook, ctx, buildHookSteps(config, hook, target), target, deps, {
      ...(previous ? { previous } : {}),
      ...(deadline !== undefined ? { deadline } : {}),
      ...(checkpoint ? { checkpoint } : {}),
      ...tolerateFromOf(hook),
    });
  };
}
