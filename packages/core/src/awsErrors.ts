import { isThrottlingError } from '@smithy/core/retry';
import { BgReplayError, type BgReplayErrorCode } from './errors.js';

/**
 * What went wrong with an AWS call, as far as the caller can act on it:
 * - `throttled`: the call was rate-limited (retry later, slower);
 * - `expired-credentials`, `invalid-credentials`, `no-credentials`: fix the credentials;
 * - `access-denied`: grant the permission;
 * - `not-found`: the resource (deployment, log group, parameter...) does not exist here;
 * - `transient`: a 5xx or network error that may pass;
 * - `other`: anything else (the AWS message says what).
 */
export type AwsErrorKind =
  | 'throttled'
  | 'expired-credentials'
  | 'invalid-credentials'
  | 'no-credentials'
  | 'access-denied'
  | 'not-found'
  | 'transient'
  | 'other';

/** The call an error came from: IAM action (`logs:FilterLogEvents`) and the resource in words. */
export interface AwsCallInfo {
  /** IAM action, `<service prefix>:<Operation>`, e.g. `codedeploy:GetDeployment`. */
  action?: string;
  /** The resource in words, e.g. `log group /aws/api` or `deployment d-ABC123456`. */
  resource?: string;
  /** How many attempts were made before giving up (said in the message for throttling). */
  attempts?: number;
}

/** Options of {@link describeAwsError}. */
export interface DescribeAwsErrorOptions extends AwsCallInfo {
  /** Who needs the permission, for `access-denied`. Default: `the IAM role or user running bg-replay`. */
  principal?: string;
  /** What to do when the resource does not exist (replaces the generic advice). */
  notFound?: string;
  /** Replaces the advice for some kinds of error (e.g. a throttling hint naming a flag). */
  remedies?: Partial<Record<AwsErrorKind, string>>;
}

const CALL = Symbol.for('bg-replay.awsCall');

const EXPIRED = new Set([
  'ExpiredTokenException',
  'ExpiredToken',
  'RequestExpired',
  'TokenRefreshRequired',
  'ExpiredTokenError',
]);
const INVALID = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'InvalidAccessKeyId',
  'AuthFailure',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
]);
const NO_CREDENTIALS = new Set(['CredentialsProviderError', 'TokenProviderError']);
const DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'AuthorizationError',
  'AuthorizationErrorException',
  'AuthorizationFailure',
  'AccessDeniedFault',
  'NotAuthorized',
  'NotAuthorizedException',
  'Forbidden',
]);
const NOT_FOUND = new Set([
  'DeploymentIdRequiredException',
  'InvalidDeploymentIdException',
  'InvalidLifecycleEventHookExecutionIdException',
  'ParameterNotFound',
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
]);
const NOT_FOUND_PATTERN = /(NotFound(Exception|Fault)?|DoesNotExist(Exception)?|^NoSuch\w+|NonExistent\w*)$/;
const TRANSIENT = new Set([
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'InternalServerException',
  'InternalServiceError',
  'InternalServiceException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ServiceException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'NetworkingError',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
]);

/**
 * The SDK v3 exception name (`ThrottlingException`, `CredentialsProviderError`...), or a Node network
 * error code (`ECONNRESET`); undefined for anything else.
 *
 * @example
 * awsErrorName(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })); // 'ThrottlingException'
 */
export function awsErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { name?: unknown; Code?: unknown; code?: unknown };
  if (typeof e.name === 'string' && e.name !== 'Error' && e.name !== 'BgReplayError') return e.name;
  if (typeof e.Code === 'string') return e.Code;
  if (typeof e.code === 'string' && !e.code.startsWith('E_')) return e.code;
  return undefined;
}

function httpStatus(error: unknown): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Sorts an AWS SDK error into what the caller can do about it (see {@link AwsErrorKind}). A `BgReplayError`
 * wrapping an AWS error is sorted by its cause.
 *
 * @example
 * classifyAwsError(Object.assign(new Error('x'), { name: 'ExpiredTokenException' })); // 'expired-credentials'
 */
export function classifyAwsError(error: unknown): AwsErrorKind {
  if (error instanceof BgReplayError && error.cause !== undefined) return classifyAwsError(error.cause);
  const name = awsErrorName(error) ?? '';
  const message = error instanceof Error ? error.message : '';
  if (NO_CREDENTIALS.has(name) || (name === 'ProviderError' && /credential/i.test(message)))
    return 'no-credentials';
  if (EXPIRED.has(name) || /security token included in the request is expired/i.test(message))
    return 'expired-credentials';
  if (INVALID.has(name)) return 'invalid-credentials';
  if (DENIED.has(name)) return 'access-denied';
  const retryable = (error as { $retryable?: { throttling?: boolean } } | null)?.$retryable;
  const status = httpStatus(error);
  // The SDK's own classification (its throttling codes, HTTP 429, the `$retryable` trait): no list of ours.
  const sdkView = { name, $metadata: { httpStatusCode: status }, $retryable: retryable };
  if (isThrottlingError(sdkView as Parameters<typeof isThrottlingError>[0])) return 'throttled';
  if (NOT_FOUND.has(name) || NOT_FOUND_PATTERN.test(name)) return 'not-found';
  if (TRANSIENT.has(name) || (status !== undefined && status >= 500) || retryable) return 'transient';
  if (status === 403) return 'access-denied';
  if (status === 404) return 'not-found';
  return 'other';
}

/**
 * True for errors that came from the AWS SDK (a service exception with `$metadata`, a credentials error,
 * a recognised throttling, credentials, permission, not-found or server error name); false for plain errors.
 *
 * @example
 * if (isAwsError(error)) reason = describeAwsError(error, call);
 */
export function isAwsError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  return '$metadata' in error || classifyAwsError(error) !== 'other';
}

/**
 * True for errors worth retrying after a pause: throttling and 5xx/network errors.
 *
 * @example
 * if (isRetryableAwsError(error)) await sleep(backoff);
 */
export function isRetryableAwsError(error: unknown): boolean {
  const kind = classifyAwsError(error);
  return kind === 'throttled' || kind === 'transient';
}

/**
 * Records on an SDK error which call it came from (used by {@link describeAwsError}); later information
 * (e.g. the attempts) is merged in. Returns the error. Non-objects are returned unchanged.
 *
 * @example
 * throw annotateAwsCall(error, { action: 'ssm:GetParameter', resource: 'parameter /shop/active' });
 */
export function annotateAwsCall<E>(error: E, call: AwsCallInfo): E {
  if (typeof error !== 'object' || error === null || !Object.isExtensible(error)) return error;
  const previous = awsCallOf(error) ?? {};
  const merged: AwsCallInfo = { ...previous };
  for (const [key, value] of Object.entries(call))
    if (value !== undefined) Object.assign(merged, { [key]: value });
  Object.defineProperty(error, CALL, {
    value: merged,
    configurable: true,
    enumerable: false,
    writable: true,
  });
  return error;
}

/**
 * The call recorded on an error by {@link annotateAwsCall}, or undefined.
 *
 * @example
 * awsCallOf(error)?.action; // 'ssm:GetParameter'
 */
export function awsCallOf(error: unknown): AwsCallInfo | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  return (error as { [CALL]?: AwsCallInfo })[CALL];
}

function oneLine(text: string, max = 240): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function prefixOf(action: string | undefined): string | undefined {
  return action?.includes(':') ? action.slice(0, action.indexOf(':')) : undefined;
}

/**
 * One line for a person about a failed AWS call: the AWS error, the action and resource, and what to do,
 * e.g. `AccessDeniedException on logs:FilterLogEvents for log group /aws/api: grant the IAM role or user
 * running bg-replay logs:FilterLogEvents (AWS: User ... is not authorized ...)`. Call details come from
 * `options`, else from {@link annotateAwsCall}.
 *
 * @example
 * describeAwsError(error, { action: 'codedeploy:GetDeployment', resource: 'deployment d-ABC123456',
 *   notFound: 'check the deployment id and the region' });
 */
export function describeAwsError(error: unknown, options: DescribeAwsErrorOptions = {}): string {
  const cause = error instanceof BgReplayError && error.cause !== undefined ? error.cause : error;
  const recorded = awsCallOf(cause) ?? awsCallOf(error) ?? {};
  const action = options.action ?? recorded.action;
  const resource = options.resource ?? recorded.resource;
  // The SDK records its own attempts on the error (`$metadata.attempts`).
  const sdkAttempts = (cause as { $metadata?: { attempts?: unknown } } | null)?.$metadata?.attempts;
  const attempts =
    options.attempts ?? recorded.attempts ?? (typeof sdkAttempts === 'number' ? sdkAttempts : undefined);
  const name = awsErrorName(cause) ?? (cause instanceof Error ? cause.name : 'Error');
  const awsMessage = oneLine(cause instanceof Error ? cause.message : String(cause));
  const kind = classifyAwsError(cause);
  const principal = options.principal ?? 'the IAM role or user running bg-replay';
  const what = action ?? 'an AWS call';
  const tries = attempts && attempts > 1 ? ` after ${attempts} attempts` : '';
  let remedy: string;
  let showAws = false;
  switch (kind) {
    case 'throttled':
      remedy = `AWS is still throttling the calls${tries}: retry later, make fewer concurrent calls, or request a higher ${prefixOf(action) ?? 'service'} quota`;
      break;
    case 'expired-credentials':
      remedy =
        'the AWS credentials have expired: refresh them (aws sso login, new session credentials, or assume the role again) and retry';
      break;
    case 'invalid-credentials':
      remedy =
        'the AWS credentials are not valid here: check the access key, the profile and the region (or partition)';
      break;
    case 'no-credentials':
      remedy =
        'no AWS credentials were found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with an IAM role';
      break;
    case 'access-denied':
      remedy = action
        ? `grant ${principal} ${action}${resource ? ` on ${resource}` : ''}`
        : `grant ${principal} the permission that AWS names`;
      showAws = true;
      break;
    case 'not-found':
      remedy =
        options.notFound ??
        `${resource ?? 'the resource'} does not exist (deleted, or in another account or region): check the name and the region`;
      break;
    case 'transient':
      remedy = `AWS answered with a server or network error${tries}: retry later`;
      showAws = true;
      break;
    default:
      remedy = awsMessage || 'the call failed';
      break;
  }
  const custom = options.remedies?.[kind];
  if (custom) remedy = custom;
  const aws = showAws && awsMessage && awsMessage !== name ? ` (AWS: ${awsMessage})` : '';
  return `${name} on ${what}${resource ? ` for ${resource}` : ''}: ${remedy}${aws}`;
}

/**
 * The error code a failed AWS call maps to: `E_CONFIG` for credentials and permissions, `E_INPUT` for a
 * resource that does not exist, `E_SOURCE` for throttling, server and other errors (all exit 2 in the CLI).
 *
 * @example
 * new BgReplayError(awsErrorCode(error), describeAwsError(error, call), { cause: error });
 */
export function awsErrorCode(error: unknown): BgReplayErrorCode {
  switch (classifyAwsError(error)) {
    case 'expired-credentials':
    case 'invalid-credentials':
    case 'no-credentials':
    case 'access-denied':
      return 'E_CONFIG';
    case 'not-found':
      return 'E_INPUT';
    default:
      return 'E_SOURCE';
  }
}

/**
 * A `BgReplayError` for a failed AWS call, with the message of {@link describeAwsError} (after `prefix`)
 * and the SDK error as `cause`. A `BgReplayError` is returned unchanged.
 *
 * @example
 * catch (error) { throw toAwsBgReplayError(error, { action: 'codedeploy:GetDeployment', resource: `deployment ${id}` }); }
 */
export function toAwsBgReplayError(
  error: unknown,
  options: DescribeAwsErrorOptions & { prefix?: string } = {},
): BgReplayError {
  if (error instanceof BgReplayError) return error;
  const { prefix, ...rest } = options;
  return new BgReplayError(awsErrorCode(error), `${prefix ?? ''}${describeAwsError(error, rest)}`, {
    cause: error,
  });
}

type Sendable = { send: (command: never, ...rest: never[]) => Promise<unknown> };

/** The operation name of an SDK v3 command (kept by the operation schema even when bundles are minified). */
export function commandName(command: unknown): string {
  const schema = (command as { schema?: unknown } | null)?.schema;
  if (Array.isArray(schema) && typeof schema[2] === 'string') return schema[2];
  const ctor = (command as { constructor?: { name?: string } } | null)?.constructor?.name ?? 'Unknown';
  return ctor.replace(/Command$/, '');
}

const RESOURCE_KEYS = [
  'logGroupName',
  'deploymentId',
  'Name',
  'TableName',
  'QueueUrl',
  'UUID',
  'SubscriptionArn',
  'TopicArn',
  'DBClusterIdentifier',
  'DBInstanceIdentifier',
  'FunctionName',
  'ResourceId',
  'ResourceIds',
  'taskDefinition',
  'tasks',
  'EventBusName',
  'Bucket',
  'applicationName',
  'cluster',
] as const;

/** The resource a command's input names, for messages (`/shop/active-stack`, `orders-b`...). */
export function resourceOfInput(input: unknown): string | undefined {
  if (!input || typeof input !== 'object') return undefined;
  const record = input as Record<string, unknown>;
  for (const key of RESOURCE_KEYS) {
    const value = record[key];
    if (typeof value === 'string' && value) return value;
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  }
  // PutEvents and other batch calls name their resource in the entries.
  const entries = record.Entries;
  if (Array.isArray(entries) && entries[0] && typeof entries[0] === 'object') {
    const entry = entries[0] as Record<string, unknown>;
    return (
      resourceOfInput(entry) ??
      (typeof entry.Source === 'string' ? `event bus default (source ${entry.Source})` : undefined)
    );
  }
  return undefined;
}

const WRAPPED = Symbol.for('bg-replay.awsCallNames');

/** Operations whose IAM action is not `<prefix>:<Operation>`. */
const IAM_ACTIONS: Record<string, string> = {
  'lambda:Invoke': 'lambda:InvokeFunction',
  'lambda:InvokeWithResponseStream': 'lambda:InvokeFunction',
};

/**
 * Wraps an SDK v3 client so that every error of `send` records the IAM action (`<prefix>:<Operation>`) and the
 * resource the command named, for {@link describeAwsError}. Everything else is the client itself.
 *
 * @example
 * const ssm = withAwsCallNames(new SSMClient({}), 'ssm');
 * // an AccessDeniedException from ssm.send(new GetParameterCommand({ Name: '/a' })) now describes itself as
 * // "AccessDeniedException on ssm:GetParameter for /a: grant ..."
 */
export function withAwsCallNames<C extends Sendable>(client: C, prefix: string): C {
  if ((client as unknown as Record<symbol, unknown>)[WRAPPED]) return client;
  const send = async (command: unknown, ...rest: unknown[]): Promise<unknown> => {
    try {
      return await (client.send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
    } catch (error) {
      const action = `${prefix}:${commandName(command)}`;
      throw annotateAwsCall(error, {
        action: IAM_ACTIONS[action] ?? action,
        resource: resourceOfInput((command as { input?: unknown } | null)?.input),
      });
    }
  };
  return new Proxy(client, {
    get(target, property) {
      if (property === WRAPPED) return true;
      if (property === 'send') return send;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The part of an SDK v3 client's middleware stack {@link annotateAwsCalls} uses. */
interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: { input: unknown }) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: { input: unknown }) => Promise<unknown>,
      options: { step: 'initialize'; name: string; override?: boolean },
    ): void;
  };
}

/**
 * Adds SDK middleware to `client` that records on every error of its calls (after the client's retries)
 * the IAM action (`<prefix>:<Operation>`) and the resource the command named, for {@link describeAwsError}.
 * Returns the client.
 *
 * @example
 * const ssm = annotateAwsCalls(new SSMClient(awsClientConfig()), 'ssm');
 * // an AccessDeniedException of GetParameter { Name: '/a' } now describes itself as
 * // "AccessDeniedException on ssm:GetParameter for /a: grant ..."
 */
export function annotateAwsCalls<C>(client: C, prefix: string): C {
  (client as unknown as MiddlewareClient).middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        const action = `${prefix}:${operation}`;
        throw annotateAwsCall(error, {
          action: IAM_ACTIONS[action] ?? action,
          resource: resourceOfInput(args.input),
        });
      }
    },
    { step: 'initialize', name: 'bgReplayAwsCallNames', override: true },
  );
  return client;
}
