/** Lifecycle events that may run a Lambda hook in an ECS or Lambda blue/green deployment. */
export type LifecycleEventName =
  | 'BeforeInstall'
  | 'AfterInstall'
  | 'AfterAllowTestTraffic'
  | 'BeforeAllowTraffic'
  | 'AfterAllowTraffic';

/** Compute platforms whose AppSpec names Lambda hooks. */
export type HookPlatform = 'ECS' | 'Lambda';

/** ECS hook order: AfterAllowTestTraffic runs only with a test listener. */
export const ECS_LIFECYCLE_EVENTS: readonly LifecycleEventName[] = [
  'BeforeInstall',
  'AfterInstall',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
];

/** Lambda hook order: BeforeAllowTraffic → (alias shift) → AfterAllowTraffic. */
export const LAMBDA_LIFECYCLE_EVENTS: readonly LifecycleEventName[] = [
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
];

/** The two statuses CodeDeploy accepts from a hook. */
export type HookStatus = 'Succeeded' | 'Failed';

/** What the runtime carries from one invocation of a hook to the next. */
export interface ContinuationPayload<S = unknown> {
  continuation: S;
  /** ISO time the first invocation of this hook execution started. */
  startedAt: string;
  /** 1-based number of the invocation that will read this payload. */
  invocation?: number;
}

/** The event CodeDeploy sends a hook (plus `bgReplay` when the runtime continues itself). */
export interface HookEvent<S = unknown> {
  DeploymentId: string;
  LifecycleEventHookExecutionId: string;
  bgReplay?: ContinuationPayload<S>;
}

/** The part of the Lambda context the runtime uses. */
export interface LambdaContextLike {
  functionName: string;
  /** ARN the function was invoked with (with the alias or version when there was one). */
  invokedFunctionArn?: string;
  functionVersion?: string;
  awsRequestId?: string;
  getRemainingTimeInMillis(): number;
}

/** A Lambda handler as the Node.js runtime calls it. */
export type LambdaHandler<E = unknown> = (event: E, context: LambdaContextLike) => Promise<void>;

/** Sleeps `ms` milliseconds; resolves early (never rejects) when `signal` aborts. */
export type SleepFn = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Returns the current time in epoch milliseconds. */
export type NowFn = () => number;
