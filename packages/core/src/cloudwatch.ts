/**
 * `@bg-replay/core/cloudwatch`: reading CloudWatch Logs as a source. It needs the optional peer dependency
 * `@aws-sdk/client-cloudwatch-logs`, loaded only when a read starts; without it a read throws a
 * `BgReplayError` (`E_CONFIG`) naming the package to install.
 *
 * @example
 * import { readCloudWatch } from '@bg-replay/core/cloudwatch';
 * for await (const page of readCloudWatch('/aws/apigateway/orders', { startTime, endTime })) console.log(page.length);
 */

export type { Logger } from './logger.js';
export {
  CLOUDWATCH_SDK_PACKAGE,
  type CloudWatchSdk,
  loadCloudWatchSdk,
} from './sources/cloudwatch/loadCloudWatchSdk.js';
export { parseTimePoint, resolveTimeWindow } from './sources/cloudwatch/parseTimeWindow.js';
export {
  type CloudWatchLogsLike,
  type CloudWatchOptions,
  type CloudWatchStrategy,
  chooseStrategy,
  insightsQuery,
  readCloudWatch,
} from './sources/cloudwatch/readCloudWatch.js';
