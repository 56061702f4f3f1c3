import { type CodeDeployClient, type DeploymentInfo, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import {
  annotateAwsCall,
  awsErrorName,
  classifyAwsError,
  isAwsError,
  toAwsBgReplayError,
} from '@bg-replay/core/internal';
import { errorMessage, realNow, realSleep } from './_time.js';
import type { NowFn, SleepFn } from './types.js';

/** Progress reported while waiting. */
export type WaitEvent =
  | {
      type: 'status';
      deploymentId: string;
      status: string;
      rollback: boolean;
      /** Where the deployment is, in words (`production traffic shifted; waiting ... termination`). */
      where: string;
    }
  | { type: 'retry'; deploymentId: string; error: string; delayMs: number }
  | {
      type: 'failed';
      deploymentId: string;
      status: string;
      errorInformation?: { code?: string; message?: string };
    }
  | { type: 'rollback'; deploymentId: string; rollbackDeploymentId: string }
  | { type: 'timeout'; deploymentId: string; elapsedMs: number };

/** Final state of one deployment as seen by the wait. */
export interface DeploymentOutcome {
  deploymentId: string;
  /** Last status seen (`Succeeded`, `Failed`, `Stopped`, or a non-final one after a timeout). */
  status: string;
  errorInformation?: { code?: string; message?: string };
  timedOut: boolean;
}

/**
 * Where a wait ended: `succeeded`; `traffic-shifted` (production traffic is on the new version and the
 * original is kept for the termination wait; final for CI unless `until: 'complete'`); `ready` (waiting for
 * someone to reroute traffic: `aws deploy continue-deployment`); `failed`, `stopped`, or `timeout`.
 */
export type WaitStage = 'succeeded' | 'traffic-shifted' | 'ready' | 'failed' | 'stopped' | 'timeout';

/** Result of {@link waitForDeployment}: data, never an exception, for every final status. */
export interface WaitResult extends DeploymentOutcome {
  /** True when the deployment succeeded, shifted production traffic (see `until`) or is Ready to reroute. */
  ok: boolean;
  stage: WaitStage;
  /** One sentence for people: what happened and, on failure, why. */
  reason: string;
  /** The rollback deployment, when the deployment failed and CodeDeploy rolled back. */
  rollback?: DeploymentOutcome;
  elapsedMs: number;
  polls: number;
}

/** Options of {@link waitForDeployment}. */
export interface WaitForDeploymentOptions {
  deploymentId: string;
  codedeploy: CodeDeployClient;
  sleep?: SleepFn;
  now?: NowFn;
  /** Total time for the deployment and its rollback. Default 60 minutes. */
  timeoutMs?: number;
  /** First delay between polls. Default 5 s; grows ×1.5 to `maxDelayMs`. */
  initialDelayMs?: number;
  /** Longest delay between polls. Default 30 s. */
  maxDelayMs?: number;
  /** How long to wait for `rollbackInfo.rollbackDeploymentId` to appear after a failure. Default 60 s. */
  rollbackGraceMs?: number;
  onEvent?: (event: WaitEvent) => void;
  signal?: AbortSignal;
  /**
   * `traffic-shifted` (default): stop, successfully, once production traffic is on the new version and the
   * termination wait has started (`instanceTerminationWaitTimeStarted`), or at `Ready`. `complete`: wait
   * until the deployment is final, through the whole termination wait.
   */
  until?: 'traffic-shifted' | 'complete';
  /**
   * Polls in a row that may fail with throttling or a server/network error before the wait gives up with
   * an error (it cannot see the deployment). Default 8 (several minutes of back-off with the default delays).
   */
  maxFailedPolls?: number;
}

const FINAL = new Set(['Succeeded', 'Failed', 'Stopped']);

/**
 * Where a deployment is, in words, from `GetDeployment` (every `DeploymentStatus`).
 *
 * @example
 * describeDeploymentStatus({ status: 'InProgress', instanceTerminationWaitTimeStarted: true });
 * // 'production traffic shifted; the original is kept for the termination wait'
 */
export function describeDeploymentStatus(info: DeploymentInfo): string {
  switch (info.status) {
    case 'Created':
      return 'created, not started yet';
    case 'Queued':
      return 'queued behind another deployment of the group';
    case 'InProgress':
      return info.instanceTerminationWaitTimeStarted
        ? 'production traffic shifted; the original is kept for the termination wait'
        : 'in progress: installing, testing and shifting traffic';
    case 'Baking':
      return 'traffic shifted; baking (watched for alarms) before it completes';
    case 'Ready':
      return 'ready: waiting for traffic to be rerouted (aws deploy continue-deployment)';
    case 'Succeeded':
      return 'succeeded';
    case 'Failed':
      return 'failed';
    case 'Stopped':
      return 'stopped';
    default:
      return info.status ?? 'unknown';
  }
}

/** True when a CI wait may stop with success: traffic shifted and the termination wait started, or Ready. */
function trafficShifted(info: DeploymentInfo): boolean {
  return (
    (info.status === 'InProgress' && info.instanceTerminationWaitTimeStarted === true) ||
    info.status === 'Ready'
  );
}

/**
 * Polls `GetDeployment` with exponential backoff (and longer on throttling) until the deployment is final.
 * `Succeeded` → `ok: true`. `Failed`/`Stopped` → `ok: false` with the error information, after waiting for
 * the rollback deployment (`rollbackInfo.rollbackDeploymentId`) to finish. A timeout is a result with a reason.
 * Throws `BgReplayError` when it cannot see the deployment: an unknown or deleted deployment (`E_INPUT`),
 * missing, expired or denied credentials (`E_CONFIG`, not retried), or throttling and server errors that
 * outlast `maxFailedPolls` polls or the timeout (`E_SOURCE`). Each message names the call and the remedy.
 *
 * @example
 * const result = await waitForDeployment({ deploymentId: 'd-ABC123', codedeploy: new CodeDeployClient({}) });
 * if (!result.ok) console.error(result.reason);
 */
export async function waitForDeployment(options: WaitForDeploymentOptions): Promise<WaitResult> {
  const now = options.now ?? realNow;
  const sleep = options.sleep ?? realSleep;
  const timeoutMs = options.timeoutMs ?? 60 * 60_000;
  const initialDelayMs = options.initialDelayMs ?? 5_000;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const rollbackGraceMs = options.rollbackGraceMs ?? 60_000;
  const maxFailedPolls = Math.max(1, options.maxFailedPolls ?? 8);
  const until = options.until ?? 'traffic-shifted';
  const emit = options.onEvent ?? (() => {});
  const started = now();
  const deadline = started + timeoutMs;
  let polls = 0;

  /** Polls one deployment until final, `stop(info)` says stop, or the deadline. */
  async function poll(
    deploymentId: string,
    rollback: boolean,
    stop: (info: DeploymentInfo) => boolean = (info) => FINAL.has(info.status ?? ''),
  ): Promise<{ info?: DeploymentInfo; timedOut: boolean }> {
    let delay = initialDelayMs;
    let lastWhere: string | undefined;
    let info: DeploymentInfo | undefined;
    let failedPolls = 0;
    for (;;) {
      if (options.signal?.aborted) return { info, timedOut: true };
      try {
        polls++;
        const got = await options.codedeploy.send(new GetDeploymentCommand({ deploymentId }));
        info = got.deploymentInfo ?? {};
        const where = describeDeploymentStatus(info);
        if (where !== lastWhere && info.status) {
          lastWhere = where;
          emit({ type: 'status', deploymentId, status: info.status, rollback, where });
        }
        if (stop(info)) return { info, timedOut: false };
      } catch (error) {
        // An error that is not from AWS at all (a socket error without a code) is treated as transient.
        const kind = isAwsError(error) ? classifyAwsError(error) : 'transient';
        const call = {
          action: 'codedeploy:GetDeployment',
          resource: `deployment ${deploymentId}`,
          notFound: `it was deleted, or is in another account or region: check --deployment-id and --region`,
        };
        if (kind === 'not-found')
          throw toAwsBgReplayError(error, { ...call, prefix: `deployment ${deploymentId} was not found: ` });
        if (kind !== 'throttled' && kind !== 'transient') throw toAwsBgReplayError(error, call);
        failedPolls++;
        if (failedPolls >= maxFailedPolls || deadline - now() <= 0) {
          throw toAwsBgReplayError(annotateAwsCall(error, { attempts: failedPolls }), {
            ...call,
            remedies: {
              throttled: `AWS throttled ${failedPolls} polls in a row, so the deployment's status is unknown: check it in the console, and retry later or lower the rate of other CodeDeploy calls in this account and region`,
              transient: `${failedPolls} polls in a row failed, so the deployment's status is unknown: check it in the console and retry later`,
            },
          });
        }
        // Throttled or transient: back off harder before the next poll.
        delay = Math.min(maxDelayMs, Math.max(delay * 2, initialDelayMs));
        emit({
          type: 'retry',
          deploymentId,
          error: `${awsErrorName(error) ?? 'error'}: ${errorMessage(error)}`,
          delayMs: delay,
        });
        const left = deadline - now();
        await sleep(Math.max(0, Math.min(delay, left)), options.signal);
        delay = Math.min(maxDelayMs, Math.round(delay * 1.5));
        continue;
      }
      failedPolls = 0;
      const left = deadline - now();
      if (left <= 0) return { info, timedOut: true };
      await sleep(Math.min(delay, left), options.signal);
      delay = Math.min(maxDelayMs, Math.round(delay * 1.5));
    }
  }

  const outcomeOf = (
    deploymentId: string,
    info: DeploymentInfo | undefined,
    timedOut: boolean,
  ): DeploymentOutcome => ({
    deploymentId,
    status: info?.status ?? 'Unknown',
    ...(info?.errorInformation ? { errorInformation: { ...info.errorInformation } } : {}),
    timedOut,
  });

  const main = await poll(
    options.deploymentId,
    false,
    (info) => FINAL.has(info.status ?? '') || (until === 'traffic-shifted' && trafficShifted(info)),
  );
  const base = outcomeOf(options.deploymentId, main.info, main.timedOut);
  const elapsed = () => now() - started;
  if (main.timedOut) {
    emit({ type: 'timeout', deploymentId: options.deploymentId, elapsedMs: elapsed() });
    return {
      ...base,
      ok: false,
      stage: 'timeout',
      reason: `deployment ${options.deploymentId} did not finish within ${formatMs(timeoutMs)} (last status ${base.status}: ${main.info ? describeDeploymentStatus(main.info) : 'never seen'})`,
      elapsedMs: elapsed(),
      polls,
    };
  }
  if (base.status === 'Succeeded') {
    return {
      ...base,
      ok: true,
      stage: 'succeeded',
      reason: `deployment ${options.deploymentId} succeeded`,
      elapsedMs: elapsed(),
      polls,
    };
  }
  if (main.info && !FINAL.has(base.status) && trafficShifted(main.info)) {
    const ready = base.status === 'Ready';
    return {
      ...base,
      ok: true,
      stage: ready ? 'ready' : 'traffic-shifted',
      reason: `deployment ${options.deploymentId} ${describeDeploymentStatus(main.info)}${ready ? '' : ' (use --until complete to wait for it to end)'}`,
      elapsedMs: elapsed(),
      polls,
    };
  }
  const stage: WaitStage = base.status === 'Stopped' ? 'stopped' : 'failed';

  emit({
    type: 'failed',
    deploymentId: options.deploymentId,
    status: base.status,
    ...(base.errorInformation ? { errorInformation: base.errorInformation } : {}),
  });
  const why = base.errorInformation
    ? `: ${[base.errorInformation.code, base.errorInformation.message].filter(Boolean).join(': ')}`
    : '';
  let reason = `deployment ${options.deploymentId} ${base.status.toLowerCase()}${why}`;

  let info = main.info;
  let rollbackId = info?.rollbackInfo?.rollbackDeploymentId;
  if (!rollbackId && info?.autoRollbackConfiguration?.enabled) {
    // CodeDeploy creates the rollback deployment shortly after the failure; give the id a moment to appear.
    const graceDeadline = Math.min(deadline, now() + rollbackGraceMs);
    const waited = await poll(
      options.deploymentId,
      false,
      (i) => Boolean(i.rollbackInfo?.rollbackDeploymentId) || now() >= graceDeadline,
    );
    info = waited.info ?? info;
    rollbackId = info?.rollbackInfo?.rollbackDeploymentId;
  }
  if (!rollbackId) {
    const note = info?.rollbackInfo?.rollbackMessage ? ` (${info.rollbackInfo.rollbackMessage})` : '';
    return {
      ...base,
      ok: false,
      stage,
      reason: `${reason}; no rollback deployment${note}`,
      elapsedMs: elapsed(),
      polls,
    };
  }
  emit({ type: 'rollback', deploymentId: options.deploymentId, rollbackDeploymentId: rollbackId });
  const rb = await poll(rollbackId, true);
  const rollback = outcomeOf(rollbackId, rb.info, rb.timedOut);
  if (rb.timedOut) {
    emit({ type: 'timeout', deploymentId: rollbackId, elapsedMs: elapsed() });
    reason += `; rollback ${rollbackId} did not finish within ${formatMs(timeoutMs)} (last status ${rollback.status})`;
  } else {
    reason += `; rollback ${rollbackId} ${rollback.status.toLowerCase()}`;
  }
  return { ...base, ok: false, stage, reason, rollback, elapsedMs: elapsed(), polls };
}

function formatMs(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

/**
 * The status of a deployment (`GetDeployment`), or a `BgReplayError` naming the call and the remedy.
 *
 * @example
 * await readDeploymentStatus(codedeploy, 'd-ABCDEF123'); // 'Succeeded'
 */
export async function readDeploymentStatus(
  codedeploy: CodeDeployClient,
  deploymentId: string,
): Promise<string | undefined> {
  try {
    const got = await codedeploy.send(new GetDeploymentCommand({ deploymentId }));
    return got.deploymentInfo?.status;
  } catch (error) {
    throw toAwsBgReplayError(error, {
      action: 'codedeploy:GetDeployment',
      resource: `deployment ${deploymentId}`,
      notFound: 'it was deleted, or is in another account or region: check --deployment-id and --region',
    });
  }
}
