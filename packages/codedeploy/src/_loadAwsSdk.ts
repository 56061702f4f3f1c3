import { BgReplayError } from '@bg-replay/core';
import { isMissingPackage } from '@bg-replay/core/internal';

/**
 * The AWS SDK clients only some features of `@bg-replay/codedeploy` need: optional peer dependencies, loaded
 * at the point of use (CodeDeploy's client, which every hook needs, is a plain dependency).
 */
export const OPTIONAL_SDK_PACKAGES = {
  s3: '@aws-sdk/client-s3',
  sfn: '@aws-sdk/client-sfn',
  lambda: '@aws-sdk/client-lambda',
  ssm: '@aws-sdk/client-ssm',
  cloudwatchLogs: '@aws-sdk/client-cloudwatch-logs',
} as const;

export type S3Sdk = typeof import('@aws-sdk/client-s3');
export type SfnSdk = typeof import('@aws-sdk/client-sfn');
export type LambdaSdk = typeof import('@aws-sdk/client-lambda');
export type SsmSdk = typeof import('@aws-sdk/client-ssm');

/**
 * How the AWS SDK clients that only some features need are imported, by client (tests inject one that fails
 * as a missing package does).
 */
export type AwsSdkImporters = Partial<
  Record<'s3' | 'sfn' | 'lambda' | 'ssm' | 'cloudwatchLogs', () => Promise<unknown>>
>;

/** An AWS SDK client that only some features need. */
export type OptionalAwsSdk = keyof typeof OPTIONAL_SDK_PACKAGES;

/** The module each import resolves to. */
interface SdkModules {
  s3: S3Sdk;
  sfn: SfnSdk;
  lambda: LambdaSdk;
  ssm: SsmSdk;
  cloudwatchLogs: unknown;
}

// Literal specifiers: esbuild bundles each into a chunk of the hook bundles, loaded only when used.
const DEFAULT_IMPORTERS: Record<OptionalAwsSdk, () => Promise<unknown>> = {
  s3: () => import('@aws-sdk/client-s3'),
  sfn: () => import('@aws-sdk/client-sfn'),
  lambda: () => import('@aws-sdk/client-lambda'),
  ssm: () => import('@aws-sdk/client-ssm'),
  cloudwatchLogs: () => import('@aws-sdk/client-cloudwatch-logs'),
};

/**
 * Loads an optional AWS SDK client for a feature; when the package is absent, throws `BgReplayError`
 * (`E_CONFIG`) naming the package, the setting that needs it and the line that installs it.
 *
 * @example
 * const { PutObjectCommand } = await loadAwsSdk('s3', 'report.s3 (BG_REPLAY_REPORT_BUCKET)');
 */
export async function loadAwsSdk<K extends OptionalAwsSdk>(
  kind: K,
  neededBy: string,
  importers: AwsSdkImporters = {},
): Promise<SdkModules[K]> {
  const importSdk = importers[kind] ?? DEFAULT_IMPORTERS[kind];
  try {
    return (await importSdk()) as SdkModules[K];
  } catch (error) {
    throw toMissingSdkError(error, kind, neededBy);
  }
}

/**
 * The error to throw when loading an optional client failed: `E_CONFIG` naming what needs it, the package and
 * the `npm i` line when the package itself is absent; any other failure (a broken install) as it is.
 *
 * @example
 * try { require('@aws-sdk/client-lambda'); } catch (error) { throw toMissingSdkError(error, 'lambda', 'lambda targets'); }
 */
export function toMissingSdkError(error: unknown, kind: OptionalAwsSdk, neededBy: string): unknown {
  const packageName = OPTIONAL_SDK_PACKAGES[kind];
  if (!isMissingPackage(error, packageName)) return error;
  return new BgReplayError(
    'E_CONFIG',
    `${neededBy} needs the AWS SDK client ${packageName}, which is not installed: ` +
      `run \`npm i ${packageName}@^3\` beside @bg-replay/codedeploy`,
    { cause: error },
  );
}
