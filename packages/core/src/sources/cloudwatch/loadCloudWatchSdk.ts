import { BgReplayError } from '../../errors.js';
import { isMissingPackage } from '../../isMissingPackage.js';

/** The AWS SDK client that `cloudwatch://` sources need: an optional peer dependency of `@bg-replay/core`. */
export const CLOUDWATCH_SDK_PACKAGE = '@aws-sdk/client-cloudwatch-logs';

export type CloudWatchSdk = typeof import('@aws-sdk/client-cloudwatch-logs');

/**
 * Loads the CloudWatch Logs client at the point of use, so that a user who never reads `cloudwatch://`
 * does not need the AWS SDK installed; when it is absent, says which package to install.
 *
 * @example
 * const sdk = await loadCloudWatchSdk(); new sdk.CloudWatchLogsClient({ region: 'eu-west-1' });
 */
export async function loadCloudWatchSdk(
  importSdk: () => Promise<CloudWatchSdk> = () => import('@aws-sdk/client-cloudwatch-logs'),
): Promise<CloudWatchSdk> {
  try {
    return await importSdk();
  } catch (error) {
    if (!isMissingPackage(error, CLOUDWATCH_SDK_PACKAGE)) throw error;
    throw new BgReplayError(
      'E_CONFIG',
      `cloudwatch:// sources need the AWS SDK client ${CLOUDWATCH_SDK_PACKAGE}, which is not installed: ` +
        `run \`npm i ${CLOUDWATCH_SDK_PACKAGE}@^3\` beside @bg-replay/core (or read logs from a file)`,
      { cause: error },
    );
  }
}
