/**
 * `@bg-replay/core/cloudwatch`: reading CloudWatch Logs as a source. It needs the optional peer dependency
 * `@aws-sdk/client-cloudwatch-logs`, loaded only when a read starts; without it a read throws a
 * `BgReplayError` (`E_CONFIG`) naming the package to install.
 *
 * @example
 * import { readCloudWatch, resolveTimeWindow } from '@bg-replay/core/cloudwatch';
 * const { startTime, endTime } = resolveTimeWindow({ since: '30m' }, Date.now);
 * for await (const page of readCloudWatch('/aws/apigateway/orders', { startTime, endTime })) console.log(page.length);
 */

export type { Logger } from './logger.js';
export { parseTimePoint, resolveTimeWindow } from './sources/cloudwatch/parseTimeWindow.js';
export {
  type BudgetStop,
  type CloudWatchLogsLike,
  type CloudWatchOptions,
  type CloudWatchStrategy,
  readCloudWatch,
} from './sources/cloudwatch/readCloudWatch.js';
