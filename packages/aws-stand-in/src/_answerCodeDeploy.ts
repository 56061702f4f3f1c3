/**
 * The CodeDeploy part of the in-memory account (JSON 1.1, `X-Amz-Target: CodeDeploy_20141006.<Operation>`):
 * deployments, their AppSpec revisions and lifecycle hook executions, with the errors CodeDeploy answers.
 */
import { createHash, randomUUID } from 'node:crypto';
import { AwsFault } from './_awsFault.js';

/** The lifecycle events a hook can be wired to (ECS and Lambda deployments). */
export type StandInLifecycleEvent =
  | 'BeforeInstall'
  | 'AfterInstall'
  | 'AfterAllowTestTraffic'
  | 'BeforeAllowTraffic'
  | 'AfterAllowTraffic';

/** CodeDeploy's deployment statuses (`GetDeployment` → `deploymentInfo.status`). */
export type DeploymentStatus =
  | 'Created'
  | 'Queued'
  | 'InProgress'
  | 'Baking'
  | 'Ready'
  | 'Succeeded'
  | 'Failed'
  | 'Stopped';

/** What `GetDeployment` tells of a deployment, besides its ids and revision. */
export interface DeploymentProgress {
  status: DeploymentStatus;
  /** As CodeDeploy sets it: on the failed deployment `rollbackDeploymentId`, on the rollback `rollbackTriggeringDeploymentId`. */
  rollbackInfo?: {
    rollbackDeploymentId?: string;
    rollbackTriggeringDeploymentId?: string;
    rollbackMessage?: string;
  };
  errorInformation?: { code: string; message: string };
  autoRollbackConfiguration?: { enabled: boolean; events?: string[] };
  /** True once production traffic has moved and the original task set waits to be terminated (ECS). */
  instanceTerminationWaitTimeStarted?: boolean;
}

/** A deployment the stand-in serves. */
export interface StandInDeployment extends DeploymentProgress {
  deploymentId: string;
  applicationName: string;
  deploymentGroupName: string;
  computePlatform: 'ECS' | 'Lambda';
  /** AppSpec text, served by `GetApplicationRevision` (and only its hash by `GetDeployment`). */
  appSpecContent: string;
  appSpecSha256: string;
  description?: string;
  /**
   * What the deployment goes through, one step per `GetDeployment`: each read first applies the next step,
   * and the last step stays (a deployment that a test watches move on without a lifecycle driver).
   */
  progress?: Array<Partial<DeploymentProgress>>;
  /** Set by `StopDeployment`: the driver stops the deployment at the end of the current event. */
  stopRequested?: { autoRollbackEnabled: boolean };
  /** Set by `ContinueDeployment` (`READY_WAIT`): a deployment that is `Ready` reroutes traffic. */
  continueRequested?: boolean;
}

/** One `PutLifecycleEventHookExecutionStatus` the stand-in received. */
export interface ReportedStatus {
  deploymentId: string;
  lifecycleEventHookExecutionId: string;
  event?: StandInLifecycleEvent;
  status: string;
  /** False when refused (already completed, unknown id, bad status, or an injected fault). */
  accepted: boolean;
  error?: string;
  at: number;
}

/** A lifecycle hook execution opened by {@link CodeDeployModel.openHookExecution}. */
export interface HookExecution {
  id: string;
  /** Resolves with the first accepted status. */
  reported: Promise<'Succeeded' | 'Failed'>;
}

/** The CodeDeploy state of the account. */
export interface CodeDeployModel {
  /** Every deployment by id, rollbacks included. */
  deployments: Map<string, StandInDeployment>;
  /** Deployment groups by `<application>/<group>`, for `CreateDeployment`. */
  deploymentGroups: Map<string, { computePlatform: 'ECS' | 'Lambda' }>;
  /** Every report, accepted or refused, in order. */
  reports: ReportedStatus[];
  /** Opens a hook execution of `event` with the id given (default: a random uuid). */
  openHookExecution(event: StandInLifecycleEvent, id?: string): HookExecution;
  /** The operations, by name; each throws an {@link AwsFault} when CodeDeploy would refuse. */
  operations: Record<string, (input: Record<string, unknown>) => unknown>;
}

/**
 * A deployment of `appSpecContent` (its sha256 computed), `InProgress` unless `fields` say otherwise.
 *
 * @example
 * const deployment = createStandInDeployment({ deploymentId: 'd-1', appSpecContent: buildAppSpec(spec).content });
 */
export function createStandInDeployment(
  fields: Partial<StandInDeployment> & { deploymentId: string; appSpecContent: string },
): StandInDeployment {
  return {
    applicationName: 'shop',
    deploymentGroupName: 'shop-bg',
    computePlatform: 'ECS',
    status: 'InProgress',
    appSpecSha256: createHash('sha256').update(fields.appSpecContent).digest('hex'),
    ...fields,
  };
}

const FINAL: ReadonlySet<string> = new Set(['Succeeded', 'Failed', 'Stopped']);

/** Creates the CodeDeploy state; {@link createAwsStandInServices} serves it. */
export function createCodeDeployModel(now: () => number): CodeDeployModel {
  const deployments = new Map<string, StandInDeployment>();
  const deploymentGroups = new Map<string, { computePlatform: 'ECS' | 'Lambda' }>();
  const reports: ReportedStatus[] = [];
  const executions = new Map<
    string,
    {
      event: StandInLifecycleEvent;
      status?: 'Succeeded' | 'Failed';
      resolve: (s: 'Succeeded' | 'Failed') => void;
    }
  >();

  const deployment = (input: Record<string, unknown>): StandInDeployment => {
    const id = String(input.deploymentId ?? '');
    if (!id) throw new AwsFault('DeploymentIdRequiredException', 'A deployment ID must be specified');
    const found = deployments.get(id);
    if (!found) throw new AwsFault('DeploymentDoesNotExistException', `Deployment ${id} does not exist`);
    return found;
  };

  const operations: CodeDeployModel['operations'] = {
    GetDeployment: (input) => {
      const found = deployment(input);
      const next = found.progress?.length === 1 ? found.progress[0] : found.progress?.shift();
      if (next) Object.assign(found, next);
      return {
        deploymentInfo: {
          deploymentId: found.deploymentId,
          applicationName: found.applicationName,
          deploymentGroupName: found.deploymentGroupName,
          computePlatform: found.computePlatform,
          status: found.status,
          ...pick(found, [
            'rollbackInfo',
            'errorInformation',
            'description',
            'autoRollbackConfiguration',
            'instanceTerminationWaitTimeStarted',
          ]),
          // Like CodeDeploy, the deployment names the revision; its content comes from GetApplicationRevision.
          revision: { revisionType: 'AppSpecContent', appSpecContent: { sha256: found.appSpecSha256 } },
        },
      };
    },
    GetApplicationRevision: (input) => {
      const sha = (input.revision as { appSpecContent?: { sha256?: string } } | undefined)?.appSpecContent
        ?.sha256;
      const revision = [...deployments.values()].find(
        (d) => d.applicationName === input.applicationName && d.appSpecSha256 === sha,
      );
      if (!revision) {
        if (![...deployments.values()].some((d) => d.applicationName === input.applicationName))
          throw new AwsFault(
            'ApplicationDoesNotExistException',
            `Application ${String(input.applicationName)} does not exist`,
          );
        throw new AwsFault('RevisionDoesNotExistException', `No revision with sha256 ${String(sha)}`);
      }
      return {
        applicationName: revision.applicationName,
        revision: {
          revisionType: 'AppSpecContent',
          appSpecContent: { content: revision.appSpecContent, sha256: revision.appSpecSha256 },
        },
        revisionInfo: { description: 'bg-replay simulated revision' },
      };
    },
    CreateDeployment: (input) => {
      const applicationName = String(input.applicationName ?? '');
      const groupName = String(input.deploymentGroupName ?? '');
      if (![...deploymentGroups.keys()].some((k) => k.startsWith(`${applicationName}/`)))
        throw new AwsFault(
          'ApplicationDoesNotExistException',
          `No application found for name: ${applicationName}`,
        );
      const group = deploymentGroups.get(`${applicationName}/${groupName}`);
      if (!group)
        throw new AwsFault(
          'DeploymentGroupDoesNotExistException',
          `No Deployment Group found for name: ${groupName}`,
        );
      const revision = input.revision as
        | { revisionType?: string; appSpecContent?: { content?: string; sha256?: string } }
        | undefined;
      const content = revision?.appSpecContent?.content;
      if (revision?.revisionType !== 'AppSpecContent' || typeof content !== 'string')
        throw new AwsFault('InvalidRevisionException', 'The revision must be AppSpecContent with content');
      const sha256 = createHash('sha256').update(content).digest('hex');
      if (revision.appSpecContent?.sha256 && revision.appSpecContent.sha256 !== sha256)
        throw new AwsFault('InvalidRevisionException', 'The sha256 of the AppSpec content does not match it');
      const deploymentId = `d-${randomUUID().replace(/-/g, '').slice(0, 9).toUpperCase()}`;
      deployments.set(deploymentId, {
        deploymentId,
        applicationName,
        deploymentGroupName: groupName,
        computePlatform: group.computePlatform,
        appSpecContent: content,
        appSpecSha256: sha256,
        status: 'Created',
        ...(typeof input.description === 'string' ? { description: input.description } : {}),
      });
      return { deploymentId };
    },
    StopDeployment: (input) => {
      const found = deployment(input);
      if (FINAL.has(found.status))
        throw new AwsFault(
          'DeploymentAlreadyCompletedException',
          `Deployment ${found.deploymentId} is already ${found.status}`,
        );
      found.stopRequested = { autoRollbackEnabled: input.autoRollbackEnabled === true };
      return { status: 'Pending', statusMessage: 'Stopping the deployment' };
    },
    ContinueDeployment: (input) => {
      const found = deployment(input);
      if (found.status !== 'Ready' || (input.deploymentWaitType ?? 'READY_WAIT') !== 'READY_WAIT')
        throw new AwsFault(
          'DeploymentIsNotInReadyStateException',
          `Deployment ${found.deploymentId} is ${found.status}, not waiting to reroute traffic`,
        );
      found.continueRequested = true;
      return {};
    },
    PutLifecycleEventHookExecutionStatus: (input) => {
      const id = String(input.lifecycleEventHookExecutionId ?? '');
      const status = String(input.status ?? '');
      const execution = executions.get(id);
      const record: ReportedStatus = {
        deploymentId: String(input.deploymentId ?? ''),
        lifecycleEventHookExecutionId: id,
        ...(execution ? { event: execution.event } : {}),
        status,
        accepted: false,
        at: now(),
      };
      reports.push(record);
      const refuse = (type: string, message: string): never => {
        record.error = type;
        throw new AwsFault(type, message);
      };
      if (!deployments.has(record.deploymentId))
        refuse('DeploymentDoesNotExistException', `Deployment ${record.deploymentId} does not exist`);
      if (!execution)
        return refuse(
          'InvalidLifecycleEventHookExecutionIdException',
          `Lifecycle event hook execution id ${id} is not valid`,
        );
      if (status !== 'Succeeded' && status !== 'Failed')
        return refuse(
          'InvalidLifecycleEventHookExecutionStatusException',
          `status ${status} is not valid: use Succeeded or Failed`,
        );
      if (execution.status)
        refuse(
          'LifecycleEventAlreadyCompletedException',
          `Lifecycle event ${execution.event} is already ${execution.status}`,
        );
      execution.status = status;
      record.accepted = true;
      execution.resolve(status);
      return { lifecycleEventHookExecutionId: id };
    },
  };

  return {
    deployments,
    deploymentGroups,
    reports,
    operations,
    openHookExecution(event, id = randomUUID()) {
      let resolve!: (status: 'Succeeded' | 'Failed') => void;
      const reported = new Promise<'Succeeded' | 'Failed'>((r) => {
        resolve = r;
      });
      executions.set(id, { event, resolve });
      return { id, reported };
    },
  };
}

function pick<T extends object, K extends keyof T>(from: T, keys: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]])) as Partial<
    Pick<T, K>
  >;
}
