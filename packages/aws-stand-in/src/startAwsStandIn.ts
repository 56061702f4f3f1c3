import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  HookExecution,
  ReportedStatus,
  StandInDeployment,
  StandInLifecycleEvent,
} from './_answerCodeDeploy.js';
import { isS3Request } from './_answerS3.js';
import {
  type AwsStandInReply,
  type AwsStandInServices,
  createAwsStandInServices,
} from './createAwsStandInServices.js';
import { invokeSimFunction, type SimFunction } from './simFunction.js';

/** Static fake credentials: the stand-in does not check signatures, and nothing real is ever called. */
export const FAKE_CREDENTIALS = {
  accessKeyId: 'AKIDBGREPLAYLOCAL',
  secretAccessKey: 'bg-replay-local-secret',
} as const;

/** One Lambda `Invoke` of a function the account does not run itself (a hook, a continuation). */
export interface ReceivedInvoke {
  functionName: string;
  invocationType: string;
  payload: unknown;
  at: number;
}

/** The clock a simulation runs on: requests being served count as work in flight. */
export interface StandInClock {
  now(): number;
  track<T>(work: Promise<T>): Promise<T>;
}

/** Options of {@link startAwsStandIn}. */
export interface AwsStandInOptions {
  /** The account to serve. Default: an empty one on `now`. */
  services?: AwsStandInServices;
  /** A deployment to serve from the start (added to the account's deployments). */
  deployment?: StandInDeployment;
  /** Handles a Lambda `Invoke` of a function the account does not hold; called after the 202 for `Event`. */
  onInvoke?: (invoke: ReceivedInvoke) => unknown;
  /**
   * Lambda functions with versions and aliases, answered by `Invoke` with a `Qualifier` (a version or an
   * alias); a function named here is not passed to `onInvoke`.
   */
  functions?: Map<string, SimFunction>;
  /** The simulation's clock. Default: the real clock. */
  clock?: StandInClock;
  now?: () => number;
}

/** A running stand-in; `url` is the `endpoint` of every SDK client. */
export interface AwsStandIn {
  url: string;
  services: AwsStandInServices;
  /** The deployment given at the start. */
  deployment: StandInDeployment | undefined;
  /** Every deployment by id, rollbacks included. */
  deployments: Map<string, StandInDeployment>;
  /** Serves another deployment (a rollback) from now on. */
  addDeployment(deployment: StandInDeployment): void;
  /** Every `PutLifecycleEventHookExecutionStatus` the model judged (injected faults are in `services.calls`). */
  reports: ReportedStatus[];
  /** Every `Invoke` passed to `onInvoke` (or recorded for it). */
  invokes: ReceivedInvoke[];
  /** Every CodeDeploy operation called, in order (`GetDeployment`, ...). */
  readonly operations: string[];
  /** Opens a hook execution for `event`; its `reported` resolves with the first accepted status. */
  openHookExecution(event: StandInLifecycleEvent, id?: string): HookExecution;
  close(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations/;

/**
 * Serves the in-memory AWS account ({@link createAwsStandInServices}) on `127.0.0.1:0` to real SDK clients
 * with `endpoint` set to `url`: every service in its own protocol, CodeDeploy (JSON 1.1) included, and the
 * Lambda Invoke API (`POST /2015-03-31/functions/<name>/invocations`) for versioned `functions` and, through
 * `onInvoke`, for the hook functions a lifecycle driver runs. Signatures are not checked.
 *
 * @example
 * const standIn = await startAwsStandIn({ deployment });
 * const hookExecution = standIn.openHookExecution('AfterAllowTestTraffic');
 * const codedeploy = new CodeDeployClient({ endpoint: standIn.url, region: 'us-east-1', credentials: FAKE_CREDENTIALS });
 */
export async function startAwsStandIn(options: AwsStandInOptions = {}): Promise<AwsStandIn> {
  const now = options.now ?? options.clock?.now ?? Date.now;
  const services = options.services ?? createAwsStandInServices({ now });
  const { deployments } = services.codedeploy;
  if (options.deployment) deployments.set(options.deployment.deploymentId, options.deployment);
  const functions = options.functions ?? new Map<string, SimFunction>();
  const track = <T>(work: Promise<T>): Promise<T> => options.clock?.track(work) ?? work;
  const invokes: ReceivedInvoke[] = [];

  const server = createServer((req, res) => {
    void track(handle(req, res)).catch((error: unknown) => {
      sendJson(res, 500, { __type: 'InternalFailure', message: String(error) });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const text = raw.toString('utf8');
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    const target = String(req.headers['x-amz-target'] ?? '');
    const contentType = String(req.headers['content-type'] ?? '');
    const invokeName = method === 'POST' ? INVOKE_PATH.exec(path)?.[1] : undefined;
    let body: Record<string, unknown> = {};
    const jsonBody =
      !invokeName &&
      !contentType.startsWith('application/x-www-form-urlencoded') &&
      !isS3Request({ target, path, contentType });
    if (jsonBody && text) {
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return awsError(res, 'SerializationException', 'request body is not JSON');
      }
    }
    const reply = services.handle({ method, path, target, body, text, raw, headers: req.headers });
    if (reply) return send(req, res, reply);
    if (invokeName) return invoke(decodeURIComponent(invokeName), req, res, text);
    return awsError(res, 'UnknownOperationException', `the stand-in does not serve ${target || path}`);
  }

  /** Lambda `Invoke` of a versioned function, or of a function `onInvoke` plays. */
  async function invoke(functionName: string, req: IncomingMessage, res: ServerResponse, text: string) {
    const invocationType = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    services.calls.push({
      service: 'lambda',
      operation: 'Invoke',
      input: { FunctionName: functionName, InvocationType: invocationType, Payload: text },
    });
    let payload: unknown;
    try {
      payload = text ? JSON.parse(text) : undefined;
    } catch {
      return sendJson(
        res,
        400,
        { Type: 'User', message: 'Could not parse request body into json' },
        { 'x-amzn-errortype': 'InvalidRequestContentException' },
      );
    }
    const bare = bareName(functionName);
    const [name = bare, arnQualifier] = bare.split(':');
    const fn = functions.get(name);
    if (fn) {
      const qualifier =
        new URL(req.url ?? '/', 'http://stand-in').searchParams.get('Qualifier') ?? arnQualifier;
      const reply = await invokeSimFunction(fn, name, qualifier, payload, invocationType);
      const body = reply.payload === undefined ? '' : JSON.stringify(reply.payload);
      res.writeHead(reply.status, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        ...reply.headers,
      });
      res.end(body);
      return;
    }
    const received = { functionName, invocationType, payload, at: now() };
    invokes.push(received);
    if (invocationType === 'Event') {
      res.writeHead(202, { 'content-length': '0' });
      res.end();
      // The invocation starts before this request stops counting as work in flight.
      await new Promise<void>((resolve) =>
        setImmediate(() => {
          void Promise.resolve(options.onInvoke?.(received)).catch(() => {});
          resolve();
        }),
      );
      return;
    }
    sendJson(res, 200, (await options.onInvoke?.(received)) ?? null);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    services,
    deployment: options.deployment,
    deployments,
    addDeployment(d) {
      deployments.set(d.deploymentId, d);
    },
    reports: services.codedeploy.reports,
    invokes,
    get operations() {
      return services.calls.filter((c) => c.service === 'codedeploy').map((c) => c.operation);
    },
    openHookExecution: (event, id) => services.codedeploy.openHookExecution(event, id),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Writes a reply of the services: XML (query protocol, S3) and object bytes as they are, the rest as JSON. */
function send(req: IncomingMessage, res: ServerResponse, reply: AwsStandInReply): void {
  if (reply.drop) {
    req.socket.destroy();
    return;
  }
  const headers = {
    'content-type': reply.contentType,
    ...(reply.errorType ? { 'x-amzn-errortype': reply.errorType } : {}),
    ...reply.headers,
  };
  if (typeof reply.body === 'string' || Buffer.isBuffer(reply.body)) {
    res.writeHead(reply.status, {
      'content-length': String(Buffer.byteLength(reply.body)),
      'x-amzn-requestid': randomUUID(),
      ...headers,
    });
    res.end(req.method === 'HEAD' ? undefined : reply.body);
    return;
  }
  sendJson(res, reply.status, reply.body, headers);
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
