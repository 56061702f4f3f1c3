import { BgReplayError } from '../../errors.js';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Parses a duration such as `30m`, `2h`, `1d`, `90s` (or `1h30m`) into milliseconds.
 *
 * @example
 * parseDuration('30m') // 1800000
 */
export function parseDuration(text: string, flag = '--since'): number {
  const trimmed = text.trim();
  const re = /(\d+(?:\.\d+)?)\s*([smhdw])/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(trimmed); m; m = re.exec(trimmed)) {
    total += Number(m[1]) * (UNITS[m[2] as string] as number);
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== trimmed.length || total <= 0) {
    throw new BgReplayError('E_USAGE', `${flag} ${text}: expected a duration like 30m, 2h, 1d or 90s`);
  }
  return total;
}

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

/** The window of a CloudWatch read from `--since` or `--start/--end` (end defaults to now). */
export function resolveTimeWindow(
  options: { since?: string; start?: string | number | Date; end?: string | number | Date },
  now: () => number,
): { startTime: number; endTime: number } {
  if (options.since !== undefined && options.start !== undefined) {
    throw new BgReplayError('E_USAGE', '--since and --start both given: use one of them');
  }
  const endTime = options.end === undefined ? now() : parseTimePoint(options.end, '--end', now);
  let startTime: number;
  if (options.since !== undefined) startTime = endTime - parseDuration(options.since);
  else if (options.start !== undefined) startTime = parseTimePoint(options.start, '--start', now);
  else
    throw new BgReplayError(
      'E_USAGE',
      'a cloudwatch:// log needs a window: pass --since 30m or --start <time> [--end <time>]',
    );
  if (startTime >= endTime) throw new BgReplayError('E_USAGE', '--start must be before --end');
  return { startTime, endTime };
}
