import { createRequire } from 'node:module';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { annotateAwsCalls, awsClientConfig } from '@bg-replay/core/internal';
import { OPTIONAL_SDK_PACKAGES, toMissingSdkError } from './_loadAwsSdk.js';

/**
 * The Lambda client class, required when first read (a getter cannot await an import): `@aws-sdk/client-lambda`
 * is an optional peer dependency.
 */
function requireLambdaClient(): typeof LambdaClient {
  const name = OPTIONAL_SDK_PACKAGES.lambda;
  try {
    return (createRequire(import.meta.url)(name) as { LambdaClient: typeof LambdaClient }).LambdaClient;
  } catch (error) {
    throw toMissingSdkError(error, 'lambda', 'the Lambda client of createAwsClients');
  }
}

/** Options of `createAwsClients`. */
export interface AwsClientOptions {
  region?: string;
  /** Endpoint override (a loopback stand-in, a VPC endpoint). */
  endpoint?: string;
  /** Static credentials; default: the SDK's provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** SDK attempts per call. */
  maxAttempts?: number;
}

/** The SDK clients the CLI commands use. */
export interface AwsClients {
  codedeploy: CodeDeployClient;
  lambda: LambdaClient;
  destroy(): void;
}

/**
 * Builds the CodeDeploy and Lambda clients with one region/endpoint/credentials setting, so callers that
 * do not depend on the SDK (the CLI) can point them at a loopback stand-in. Each is constructed when first
 * read; `destroy` closes the ones that were.
 *
 * @example
 * const aws = createAwsClients({ region: 'eu-west-1' });
 * try { await waitForDeployment({ deploymentId, codedeploy: aws.codedeploy }); } finally { aws.destroy(); }
 */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  // One client policy: timeouts and the SDK's retry strategy (maxAttempts calls in all).
  const config = awsClientConfig(options);
  // Each client is built on first use: `wait` never touches Lambda, so it never pays for that client.
  let codedeploy: CodeDeployClient | undefined;
  let lambda: LambdaClient | undefined;
  return {
    get codedeploy() {
      codedeploy ??= annotateAwsCalls(new CodeDeployClient(config), 'codedeploy');
      return codedeploy;
    },
    set codedeploy(client) {
      codedeploy = client;
    },
    get lambda() {
      lambda ??= annotateAwsCalls(new (requireLambdaClient())(config), 'lambda');
      return lambda;
    },
    set lambda(client) {
      lambda = client;
    },
    destroy: () => {
      codedeploy?.destroy();
      lambda?.destroy();
    },
  };
}
