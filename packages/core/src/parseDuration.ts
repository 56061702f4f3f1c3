import { BgReplayError } from './errors.js';

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Parses a duration flag into milliseconds: one or more parts with units `ms`, `s`, `m`, `h`, `d`, `w`
 * (`30m`, `1h30m`, `250ms`), or a bare number of seconds. Every duration flag of bg-replay reads this way.
 *
 * @example
 * parseDuration('1h30m', '--retry-until') // 5400000
 * parseDuration('45', '--retry-interval') // 45000
 */
export function parseDuration(value: string | number, flag: string): number {
  const text = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const part = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*/gy;
  let total = 0;
  let end = 0;
  for (let m = part.exec(text); m; m = part.exec(text)) {
    total += Number(m[1]) * (UNITS[m[2] as string] as number);
    end = part.lastIndex;
  }
  if (end === 0 || end !== text.length) {
    throw new BgReplayError('E_USAGE', `${flag} ${text}: expected a duration like 30s, 10m, 1h30m or 250ms`);
  }
  return Math.round(total);
}
