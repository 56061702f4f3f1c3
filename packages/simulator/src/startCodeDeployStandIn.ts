import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HookPlatform, HookStatus, LifecycleEventName } from '@bg-replay/codedeploy';
import { isS3Request } from './_answerS3.js';
import type { AwsStandInServices } from './createAwsStandInServices.js';
import type { SimClock } from './createSimClock.js';
import { invokeSimFunction, type SimFunction } from './simFunction.js';

/** One `PutLifecycleEventHookExecutionStatus` the stand-in received. */
export interface ReportedStatus {
  deploymentId: string;
  lifecycleEventHookExecutionId: string;
  event?: LifecycleEventName;
  status: string;
  /** False when refused (already completed, unknown id, bad status). */
  accepted: boolean;
  error?: string;
  at: number;
}

/** One Lambda `Invoke` the stand-in received. */
export interface ReceivedInvoke {
  functionName: string;
  invocationType: string;
  payload: unknown;
  at: number;
}

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

/** A deployment the stand-in serves. */
export interface StandInDeployment {
  deploymentId: string;
  applicationName: string;
  deploymentGroupName: string;
  computePlatform: HookPlatform;
  /** AppSpec text, served by `GetApplicationRevision` (and only its hash by `GetDeployment`). */
  appSpecContent: string;
  appSpecSha256: string;
  status: DeploymentStatus;
  /** As CodeDeploy sets it: on the failed deployment `rollbackDeploymentId`, on the rollback `rollbackTriggeringDeploymentId`. */
  rollbackInfo?: {
    rollbackDeploymentId?: string;
    rollbackTriggeringDeploymentId?: string;
    rollbackMessage?: string;
  };
  errorInformation?: { code: string; message: string };
  description?: string;
  /** Set by `StopDeployment`: the driver stops the deployment at the end of the current event. */
  stopRequested?: { autoRollbackEnabled: boolean };
  /** Set by `ContinueDeployment` (`READY_WAIT`): a deployment that is `Ready` reroutes traffic. */
  continueRequested?: boolean;
}

/** Options of {@link startCodeDeployStandIn}. */
export interface CodeDeployStandInOptions {
  /** The deployment to serve; without one, only the services and functions are served. */
  deployment?: StandInDeployment;
  /** Handles Lambda `Invoke`; called after the 202 reply for `Event` invocations. */
  onInvoke?: (invoke: ReceivedInvoke) => unknown;
  /**
   * The AWS services the hooks touch (SSM, Application Auto Scaling, EventBridge, Lambda event source
   * mappings, SQS, DynamoDB, ECS), answered from memory on the same endpoint.
   */
  services?: AwsStandInServices;
  /**
   * Lambda functions with versions and aliases, answered by `Invoke` with a `Qualifier` (a version or an
   * alias); a function named here is not passed to `onInvoke`.
   */
  functions?: Map<string, SimFunction>;
  /** The simulation's clock: requests being served count as work in flight. Default: the real clock. */
  clock?: SimClock;
  now?: () => number;
}

/** A running stand-in; `url` is the endpoint for both the CodeDeploy and the Lambda client. */
export interface CodeDeployStandIn {
  url: string;
  /** The first deployment (the one the lifecycle runs). */
  deployment: StandInDeployment | undefined;
  /** Every deployment by id, rollbacks included. */
  deployments: Map<string, StandInDeployment>;
  /** Serves another deployment (a rollback) from now on. */
  addDeployment(deployment: StandInDeployment): void;
  reports: ReportedStatus[];
  invokes: ReceivedInvoke[];
  /** Every CodeDeploy operation called, in order (`GetDeployment`, ...). */
  operations: string[];
  /** Opens a hook execution for `event`; resolves with its first accepted status. */
  openHookExecution(event: LifecycleEventName): { id: string; reported: Promise<HookStatus> };
  close(): Promise<void>;
}

/**
 * A loopback stand-in for CodeDeploy (JSON 1.1, `X-Amz-Target: CodeDeploy_20141006.<Operation>`) and the Lambda
 * Invoke API (`POST /2015-03-31/functions/<name>/invocations`) on `127.0.0.1:0`, for the real SDK clients
 * with `endpoint` set to `url`. It serves `GetDeployment`, `GetApplicationRevision` and
 * `PutLifecycleEventHookExecutionStatus` (answering `LifecycleEventAlreadyCompletedException` to a second
 * report) and records every report and invoke. Signatures are not checked. With `services`, the same
 * endpoint also serves the SSM, Application Auto Scaling, EventBridge, Lambda event source mapping, SQS,
 * DynamoDB and ECS operations the a/b lifecycle hooks send (see {@link createAwsStandInServices}).
 *
 * @example
 * const standIn = await startCodeDeployStandIn({ deployment });
 * const codedeploy = new CodeDeployClient({ endpoint: standIn.url, region: 'us-east-1', credentials: FAKE_CREDENTIALS });
 */
export async function startCodeDeployStandIn(options: CodeDeployStandInOptions): Promise<CodeDeployStandIn> {
  const now = options.now ?? options.clock?.now ?? Date.now;
  const deployment = options.deployment;
  const deployments = new Map<string, StandInDeployment>(
    deployment ? [[deployment.deploymentId, deployment]] : [],
  );
  const functions = options.functions ?? new Map<string, SimFunction>();
  const track = <T>(work: Promise<T>): Promise<T> => options.clock?.track(work) ?? work;
  const reports: ReportedStatus[] = [];
  const invokes: ReceivedInvoke[] = [];
  const operations: string[] = [];
  const executions = new Map<
    string,
    { event: LifecycleEventName; status?: HookStatus; resolve: (status: HookStatus) => void }
  >();

  const server = createServer((req, res) => {
    void track(handle(req, res)).catch((error: unknown) => {
      sendJson(res, 500, { __type: 'InternalFailure', message: String(error) });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const invokeMatch = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(req.url ?? '');
    const plainFunction = bareName(decodeURIComponent(invokeMatch?.[1] ?? '')).split(':')[0] ?? '';
    // A plain function of the account (a migration function) is the services' to answer.
    if (req.method === 'POST' && invokeMatch?.[1] && !options.services?.state.functions.has(plainFunction)) {
      const functionName = decodeURIComponent(invokeMatch[1]);
      const invocationType = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
      let payload: unknown;
      try {
        payload = body.length ? JSON.parse(body.toString('utf8')) : undefined;
      } catch {
        sendJson(
          res,
          400,
          { Type: 'User', message: 'Could not parse request body into json' },
          { 'x-amzn-errortype': 'InvalidRequestContentException' },
        );
        return;
      }
      const bare = bareName(functionName);
      const [name = bare, arnQualifier] = bare.split(':');
      const fn = functions.get(name);
      if (fn) {
        const qualifier =
          new URL(req.url ?? '/', 'http://stand-in').searchParams.get('Qualifier') ?? arnQualifier;
        const reply = await invokeSimFunction(fn, name, qualifier, payload, invocationType);
        const text = reply.payload === undefined ? '' : JSON.stringify(reply.payload);
        res.writeHead(reply.status, {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(text)),
          ...reply.headers,
        });
        res.end(text);
        return;
      }
      const invoke = { functionName, invocationType, payload, at: now() };
      invokes.push(invoke);
      if (invocationType === 'Event') {
        res.writeHead(202, { 'content-length': '0' });
        res.end();
        // The invocation starts before this request stops counting as work in flight.
        await new Promise<void>((resolve) =>
          setImmediate(() => {
            void Promise.resolve(options.onInvoke?.(invoke)).catch(() => {});
            resolve();
          }),
        );
        return;
      }
      const result = await options.onInvoke?.(invoke);
      sendJson(res, 200, result ?? null);
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    if (options.services && !target.startsWith('CodeDeploy_20141006.')) {
      const text = body.toString('utf8');
      let parsed: Record<string, unknown> = {};
      const contentType = String(req.headers['content-type'] ?? '');
      const form = contentType.startsWith('application/x-www-form-urlencoded');
      const s3 = isS3Request({ target, path: req.url ?? '/', contentType });
      if (!form && !s3 && text && !invokeMatch) {
        try {
          parsed = JSON.parse(text) as Record<string, unknown>;
        } catch {
          return awsError(res, 'SerializationException', 'request body is not JSON');
        }
      }
      const reply = options.services.handle({
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        target,
        body: parsed,
        text,
        raw: body,
        headers: req.headers,
      });
      if (reply) {
        const headers = {
          'content-type': reply.contentType,
          ...(reply.errorType ? { 'x-amzn-errortype': reply.errorType } : {}),
          ...reply.headers,
        };
        // XML answers (query protocol, S3) and object bytes go as they are; the rest is JSON.
        if (typeof reply.body === 'string' || Buffer.isBuffer(reply.body)) {
          res.writeHead(reply.status, {
            'content-length': String(Buffer.byteLength(reply.body)),
            'x-amzn-requestid': randomUUID(),
            ...headers,
          });
          res.end(req.method === 'HEAD' ? undefined : reply.body);
          return;
        }
        return sendJson(res, reply.status, reply.body, headers);
      }
    }
    const operation = target.startsWith('CodeDeploy_20141006.')
      ? target.slice('CodeDeploy_20141006.'.length)
      : '';
    let input: Record<string, unknown> = {};
    try {
      input = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      return awsError(res, 'SerializationException', 'request body is not JSON');
    }
    operations.push(operation || target || `${req.method} ${req.url}`);
    switch (operation) {
      case 'GetDeployment': {
        const found = deployments.get(String(input.deploymentId));
        if (!found) {
          return awsError(
            res,
            'DeploymentDoesNotExistException',
            `Deployment ${String(input.deploymentId)} does not exist`,
          );
        }
        return sendJson(res, 200, {
          deploymentInfo: {
            deploymentId: found.deploymentId,
            applicationName: found.applicationName,
            deploymentGroupName: found.deploymentGroupName,
            computePlatform: found.computePlatform,
            status: found.status,
            ...(found.rollbackInfo ? { rollbackInfo: found.rollbackInfo } : {}),
            ...(found.errorInformation ? { errorInformation: found.errorInformation } : {}),
            ...(found.description ? { description: found.description } : {}),
            // Like CodeDeploy, the deployment names the revision; its content comes from GetApplicationRevision.
            revision: {
              revisionType: 'AppSpecContent',
              appSpecContent: { sha256: found.appSpecSha256 },
            },
          },
        });
      }
      case 'GetApplicationRevision': {
        if (!deployment || input.applicationName !== deployment.applicationName) {
          return awsError(
            res,
            'ApplicationDoesNotExistException',
            `Application ${String(input.applicationName)} does not exist`,
          );
        }
        const sha = (input.revision as { appSpecContent?: { sha256?: string } } | undefined)?.appSpecContent
          ?.sha256;
        const revision = [...deployments.values()].find((d) => d.appSpecSha256 === sha) ?? deployment;
        return sendJson(res, 200, {
          applicationName: revision.applicationName,
          revision: {
            revisionType: 'AppSpecContent',
            appSpecContent: { content: revision.appSpecContent, sha256: revision.appSpecSha256 },
          },
          revisionInfo: { description: 'bg-replay simulated revision' },
        });
      }
      case 'StopDeployment': {
        const found = deployments.get(String(input.deploymentId));
        if (!found) {
          return awsError(
            res,
            'DeploymentDoesNotExistException',
            `Deployment ${String(input.deploymentId)} does not exist`,
          );
        }
        if (['Succeeded', 'Failed', 'Stopped'].includes(found.status)) {
          return awsError(
            res,
            'DeploymentAlreadyCompletedException',
            `Deployment ${found.deploymentId} is already ${found.status}`,
          );
        }
        found.stopRequested = { autoRollbackEnabled: input.autoRollbackEnabled === true };
        return sendJson(res, 200, { status: 'Pending', statusMessage: 'Stopping the deployment' });
      }
      case 'ContinueDeployment': {
        const found = deployments.get(String(input.deploymentId));
        if (!found) {
          return awsError(
            res,
            'DeploymentDoesNotExistException',
            `Deployment ${String(input.deploymentId)} does not exist`,
          );
        }
        if (found.status !== 'Ready' || (input.deploymentWaitType ?? 'READY_WAIT') !== 'READY_WAIT') {
          return awsError(
            res,
            'DeploymentIsNotInReadyStateException',
            `Deployment ${found.deploymentId} is ${found.status}, not waiting to reroute traffic`,
          );
        }
        found.continueRequested = true;
        return sendJson(res, 200, {});
      }
      case 'PutLifecycleEventHookExecutionStatus': {
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
        if (!deployments.has(record.deploymentId)) {
          record.error = 'DeploymentDoesNotExistException';
          return awsError(res, record.error, `Deployment ${record.deploymentId} does not exist`);
        }
        if (!execution) {
          record.error = 'InvalidLifecycleEventHookExecutionIdException';
          return awsError(res, record.error, `Lifecycle event hook execution id ${id} is not valid`);
        }
        if (status !== 'Succeeded' && status !== 'Failed') {
          record.error = 'InvalidLifecycleEventHookExecutionStatusException';
          return awsError(res, record.error, `status ${status} is not valid: use Succeeded or Failed`);
        }
        if (execution.status) {
          record.error = 'LifecycleEventAlreadyCompletedException';
          return awsError(
            res,
            record.error,
            `Lifecycle event ${execution.event} is already ${execution.status}`,
          );
        }
        execution.status = status;
        record.accepted = true;
        execution.resolve(status);
        return sendJson(res, 200, { lifecycleEventHookExecutionId: id });
      }
      default:
        return awsError(res, 'UnknownOperationException', `the stand-in does not serve ${target || req.url}`);
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deployment,
    deployments,
    addDeployment(d) {
      deployments.set(d.deploymentId, d);
    },
    reports,
    invokes,
    operations,
    openHookExecution(event) {
      const id = randomUUID();

      let resolve!: (status: HookStatus) => void;
      const reported = new Promise<HookStatus>((r) => {
        resolve = r;
      });
      executions.set(id, { event, resolve });
      return { id, reported };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A function name without the ARN prefix (`name` or `name:qualifier`). */
function bareName(functionName: string): string {
  return functionName.replace(/^arn:aws:lambda:[^:]+:\d+:function:/, '');
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': String(Buffer.byteLength(text)),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(text);
}

function awsError(res: ServerResponse, type: string, message: string): void {
  sendJson(res, 400, { __type: type, message }, { 'x-amzn-errortype': type });
}
