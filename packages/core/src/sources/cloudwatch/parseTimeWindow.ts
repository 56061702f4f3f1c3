import { BgReplayError } from '../../errors.js';
import { parseDuration } from '../../parseDuration.js';

/**
 * Parses a point in time: ISO-8601, epoch milliseconds, or a duration ago (`2h` = two hours before now).
 *
 * @example
 * parseTimePoint('2026-11-26T10:00:00Z', '--start', Date.now)
 */
export function parseTimePoint(text: string | number | Date, flag: string, now: () => number): number {
  if (text instanceof Date) return text.getTime();
  if (typeof text === 'number') return text;
  const trimmed = text.trim();
  if (/^\d{12,}$/.test(trimmed)) return Number(trimmed);
  if (/^\d+(\.\d+)?\s*[smhdw]/.test(trimmed)) return now() - parseDuration(trimmed, flag);
  const ms = Date.parse(trimmed);
  if (Number.isNaN(ms)) {
    throw new BgReplayError(
      'E_USAGE',
      `${flag} ${text}: expected an ISO time (2026-11-26T10:00:00Z), epoch milliseconds or a duration ago (2h)`,
    );
  }
  return ms;
}

/**
 * The window of a CloudWatch read from `--since` or `--start/--end` (end defaults to now).
 *
 * @example
 * resolveTimeWindow({ since: '30m' }, () => Date.parse('2026-11-26T10:30:00Z')) // { startTime: 1795687200000, endTime: 1795689000000 }
 */
export function resolveTimeWindow(
  options: { since?: string; start?: string | number | Date; end?: string | number | Date },
  now: () => number,
): { startTime: number; endTime: number } {
  if (options.since !== undefined && options.start !== undefined) {
    throw new BgReplayError('E_USAGE', '--since and --start both given: use one of them');
  }
  const endTime = options.end === undefined ? now() : parseTimePoint(options.end, '--end', now);
  let startTime: number;
  if (options.since !== undefined) {
    const since = parseDuration(options.since, '--since');
    if (since <= 0)
      throw new BgReplayError('E_USAGE', `--since ${options.since}: give a window longer than 0, e.g. 30m`);
    startTime = endTime - since;
  } else if (options.start !== undefined) startTime = parseTimePoint(options.start, '--start', now);
  else
    throw new BgReplayError(
      'E_USAGE',
      'a cloudwatch:// log needs a window: pass --since 30m or --start <time> [--end <time>]',
    );
  if (startTime >= endTime) throw new BgReplayError('E_USAGE', '--start must be before --end');
  return { startTime, endTime };
}
