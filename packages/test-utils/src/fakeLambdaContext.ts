/** Options of {@link fakeLambdaContext}. */
export interface FakeLambdaContextOptions {
  functionName?: string;
  /** Qualifier appended to the ARN (alias or version), e.g. `live`. */
  qualifier?: string;
  region?: string;
  /** Lambda timeout: remaining time counts down from this. Default 900 000 (15 min). */
  timeoutMs?: number;
  /** Clock; the remaining time follows it. Default `Date.now`. */
  now?: () => number;
  awsRequestId?: string;
}

/** The fields of a Lambda context that handlers use, plus a settable clock. */
export interface FakeLambdaContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

/**
 * A Lambda context for tests whose remaining time follows an injectable clock, so a test can make a
 * handler run out of time without waiting 15 minutes.
 *
 * @example
 * let t = 0;
 * const context = fakeLambdaContext({ functionName: 'CodeDeployHook_validate', timeoutMs: 1000, now: () => t });
 * t = 400;
 * context.getRemainingTimeInMillis(); // 600
 */
export function fakeLambdaContext(options: FakeLambdaContextOptions = {}): FakeLambdaContext {
  const now = options.now ?? Date.now;
  const start = now();
  const timeoutMs = options.timeoutMs ?? 900_000;
  const functionName = options.functionName ?? 'CodeDeployHook_test';
  const region = options.region ?? 'us-east-1';
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}${options.qualifier ? `:${options.qualifier}` : ''}`,
    memoryLimitInMB: '512',
    awsRequestId: options.awsRequestId ?? '00000000-0000-4000-8000-000000000000',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/01/01/[$LATEST]0000',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, start + timeoutMs - now()),
  };
}
