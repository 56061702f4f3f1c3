import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Options of {@link awsClientConfig}. */
export interface AwsClientPolicyOptions {
  region?: string;
  /** Endpoint override (a loopback stand-in, a VPC endpoint). */
  endpoint?: string;
  /** Static credentials; default: the SDK's provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Time to open a connection, ms (default 3000): without a route to the endpoint, fail fast. */
  connectionTimeoutMs?: number;
  /** Time for a whole request and response, ms (default 15 000). */
  requestTimeoutMs?: number;
  /** Attempts per call, the first included (default 3): the only retries of an AWS call. */
  maxAttempts?: number;
}

/** Back-off between attempts: 200 ms, 400 ms, 800 ms... at most 5 s. */
const backoff = (attempt: number): number => Math.min(5000, 100 * 2 ** attempt);

/**
 * The one configuration every AWS SDK client of bg-replay is built with: connection and request timeouts
 * (`NodeHttpHandler`; a Lambda in a VPC without a route to the service fails in seconds, not at the hook's
 * hour) and one retry strategy (`ConfiguredRetryStrategy`: throttling, 5xx and network errors, `maxAttempts`
 * in all). Nothing else retries AWS calls.
 *
 * @example
 * const codedeploy = new CodeDeployClient(awsClientConfig({ region: 'eu-west-1' }));
 */
export function awsClientConfig(options: AwsClientPolicyOptions = {}) {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: options.connectionTimeoutMs ?? 3000,
      requestTimeout: options.requestTimeoutMs ?? 15_000,
      throwOnRequestTimeout: true,
    }),
    retryStrategy: new ConfiguredRetryStrategy(maxAttempts, backoff),
  };
}
