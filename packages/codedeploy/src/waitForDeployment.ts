import { type CodeDeployClient, type DeploymentInfo, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import {
  annotateAwsCall,
  awsErrorName,
  classifyAwsError,
  isAwsError,
  toAwsBgReplayError,
} from '@bg-replay/core';
import { errorMessage, realNow, realSleep } from './_time.js';
import type { NowFn, SleepFn } from './types.js';

/** Progress reported while waiting. */
export type WaitEvent =
  | { type: 'status'; deploymentId: string; status: string; rollback: boolean }
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

/** Result of {@link waitForDeployment}: data, never an exception, for every final status. */
export interface WaitResult extends DeploymentOutcome {
  /** True only when the deployment Succeeded. */
  ok: boolean;
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
   * Polls in a row that may fail with throttling or a server/network error before the wait gives up with
   * an error (it cannot see the deployment). Default 8 (several minutes of back-off with the default delays).
   */
  maxFailedPolls?: number;
}

const FINAL = new Set(['Succeeded', 'Failed', 'Stopped']);

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
    let lastStatus: string | undefined;
    let info: DeploymentInfo | undefined;
    let failedPolls = 0;
    for (;;) {
      if (options.signal?.aborted) return { info, timedOut: true };
      try {
        polls++;
        const got = await options.codedeploy.send(new GetDeploymentCommand({ deploymentId }));
        info = got.deploymentInfo ?? {};
        if (info.status !== lastStatus && info.status) {
          lastStatus = info.status;
          emit({ type: 'status', deploymentId, status: info.status, rollback });
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

  const main = await poll(options.deploymentId, false);
  const base = outcomeOf(options.deploymentId, main.info, main.timedOut);
  const elapsed = () => now() - started;
  if (main.timedOut) {
    emit({ type: 'timeout', deploymentId: options.deploymentId, elapsedMs: elapsed() });
    return {
      ...base,
      ok: false,
      reason: `deployment ${options.deploymentId} did not finish within ${formatMs(timeoutMs)} (last status ${base.status})`,
      elapsedMs: elapsed(),
      polls,
    };
  }
  if (base.status === 'Succeeded') {
    return {
      ...base,
      ok: true,
      reason: `deployment ${options.deploymentId} succeeded`,
      elapsedMs: elapsed(),
      polls,
    };
  }

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
  return { ...base, ok: false, reason, rollback, elapsedMs: elapsed(), polls };
}

function formatMs(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
