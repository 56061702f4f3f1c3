import { z } from 'zod';
import { BgReplayError } from '../errors.js';
import { parseDuration } from '../parseDuration.js';

// zod types of the option schema. Every type accepts what a flag (yargs), an environment variable (a string)
// and a YAML/JSON config file (native values) give, and outputs the value the engine takes.

/** A flag's or a variable's text as a number; NaN stays NaN so the number type rejects it. */
function toNumber(value: unknown): unknown {
  if (typeof value === 'string') return value.trim() === '' ? Number.NaN : Number(value.trim());
  // yargs gives NaN for `--rps abc`, and null in some versions.
  return value === null ? Number.NaN : value;
}

/** A number in `min..max`, an integer when `integer`; messages say what is expected. */
export function numberIn(min: number, max: number, integer = false) {
  const expected = `${integer ? 'an integer' : 'a number'} ${min}..${max}`;
  return z.preprocess(
    toNumber,
    z
      .number({ error: `expected ${expected}` })
      .refine((v) => v >= min && v <= max && (!integer || Number.isInteger(v)), {
        error: `out of range: expected ${expected}`,
      }),
  );
}

/** true/false, also as the text of an environment variable (1/0, yes/no, on/off). */
export const booleanOption = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    const text = value.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(text)) return true;
    if (['false', '0', 'no', 'off', ''].includes(text)) return false;
    return value;
  },
  z.boolean({ error: 'expected true or false' }),
);

export const stringOption = z.string({ error: 'expected a text value' }).min(1, { error: 'is empty' });

/**
 * A list, given as an array or as one text; with `split`, every text is a comma-separated list too
 * (`--secret-header x-a,x-b`, `BG_REPLAY_ALLOW_METHODS=GET,HEAD`). Globs and paths are not split.
 */
export function listOption(split: boolean) {
  return z.preprocess(
    (value) => {
      const items = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(items) || items.some((item) => typeof item !== 'string')) return items;
      const parts = split ? items.flatMap((item: string) => item.split(',')) : items;
      return parts.map((part: string) => part.trim()).filter(Boolean);
    },
    z.array(z.string(), { error: 'expected a list of text values' }),
  );
}

/** One of `choices`. */
export function choiceOption<const T extends readonly [string, ...string[]]>(choices: T) {
  return z.enum(choices, { error: `expected one of ${choices.join(', ')}` });
}

/** Turns a helper's `BgReplayError` ("--flag value: what is wrong") into the issue's message. */
function reasonOf(error: unknown): string {
  if (!(error instanceof BgReplayError)) throw error;
  return error.message.replace(/^--[\w-]+ [^:]*: /, '');
}

/** A duration (`30s`, `10m`, `1h30m`, a bare number is seconds), output in milliseconds. */
export function durationOption(maxMs: number) {
  return z
    .union([z.string(), z.number()], { error: 'expected a duration like 30s, 10m, 1h30m or 250ms' })
    .transform((value, ctx) => {
      let ms: number;
      try {
        ms = parseDuration(value, '--duration');
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: reasonOf(error) });
        return z.NEVER;
      }
      if (ms > maxMs) {
        ctx.addIssue({ code: 'custom', message: `out of range: at most ${maxMs / 3_600_000}h` });
        return z.NEVER;
      }
      return ms;
    });
}

/** A duration kept as written (the CloudWatch window is resolved against the clock later). */
export const durationText = z
  .union([z.string(), z.number()], { error: 'expected a duration like 30m, 2h or 1d' })
  .transform((value, ctx) => {
    try {
      parseDuration(value, '--duration');
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected a duration like 30m, 2h or 1d' });
      return z.NEVER;
    }
    return String(value).trim();
  });

/** A time as text or epoch milliseconds (ISO-8601, epoch ms, or `2h ago`). */
export const timeOption = z
  .union([z.string().min(1), z.number()], { error: 'expected a time: ISO-8601, epoch ms or 2h ago' })
  .transform((value) => String(value));

/**
 * `<pointer>=<value>` pairs, as an array or a comma-free text (flags), or an object `{ pointer: value }`
 * (config files). Pointers start with `/`; the last `=` separates, so a pointer may not contain one.
 */
export function pointerMapOption<T>(
  example: string,
  parseValue: (raw: unknown) => T | undefined,
  what: string,
) {
  return z
    .union([z.string(), z.array(z.string()), z.record(z.string(), z.unknown())], {
      error: `expected <pointer>=<value> pairs, e.g. ${example}`,
    })
    .transform((input, ctx) => {
      // Each entry keeps its place (an index of a list, a key of a map), so a message names the one at fault.
      const entries: Array<[PropertyKey, string, unknown]> =
        typeof input === 'string' || Array.isArray(input)
          ? (typeof input === 'string' ? [input] : input).map((raw, index) => {
              const at = raw.lastIndexOf('=');
              return at <= 0
                ? [index, raw, undefined]
                : [index, raw.slice(0, at).trim(), raw.slice(at + 1).trim()];
            })
          : Object.entries(input).map(([pointer, raw]) => [pointer, pointer, raw]);
      const out: Record<string, T> = {};
      for (const [place, pointer, raw] of entries) {
        const path = typeof input === 'string' ? [] : [place];
        if (raw === undefined || raw === '' || !pointer.startsWith('/')) {
          ctx.addIssue({ code: 'custom', message: `expected <pointer>=<value>, e.g. ${example}`, path });
          continue;
        }
        const value = parseValue(raw);
        if (value === undefined) {
          ctx.addIssue({ code: 'custom', message: what, path });
          continue;
        }
        out[pointer] = value;
      }
      return out;
    });
}

/** `p95=1.5,p50=1.3` or `{ p95: 1.5 }`: the largest candidate/live latency ratio per quantile. */
export const latencyBudgetOption = z
  .union([z.string(), z.record(z.string(), z.unknown())], {
    error: 'expected <quantile>=<ratio> pairs, e.g. p95=1.5,p50=1.3',
  })
  .transform((input, ctx) => {
    const parts: Array<[string, unknown]> =
      typeof input === 'string'
        ? input
            .split(',')
            .map((p) => p.trim())
            .filter(Boolean)
            .map((part) => {
              const match = /^([^=\s]+)\s*=\s*(.*)$/.exec(part);
              return match ? [match[1] as string, match[2]] : [part, undefined];
            })
        : Object.entries(input);
    const budget: Partial<Record<'p50' | 'p95' | 'p99', number>> = {};
    for (const [quantile, raw] of parts) {
      const ratio = typeof raw === 'number' ? raw : /^\d+(?:\.\d+)?$/.test(String(raw)) ? Number(raw) : NaN;
      if (!['p50', 'p95', 'p99'].includes(quantile) || !(ratio > 0)) {
        ctx.addIssue({
          path: typeof input === 'string' ? [] : [quantile],
          code: 'custom',
          message: `"${raw === undefined ? quantile : `${quantile}=${String(raw)}`}" is not <quantile>=<ratio> with quantile p50, p95 or p99 and a ratio > 0 (e.g. p95=1.5,p50=1.3)`,
        });
        continue;
      }
      budget[quantile as 'p50' | 'p95' | 'p99'] = ratio;
    }
    if (parts.length === 0) ctx.addIssue({ code: 'custom', message: 'give at least one, e.g. p95=1.5' });
    return budget;
  });

/** Runs a core parser that throws `BgReplayError`s in flag terms, as a zod transform. */
export function parsedBy<I, O>(parse: (input: I) => O) {
  return (input: I, ctx: z.core.$RefinementCtx<I>): O => {
    try {
      return parse(input);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: reasonOf(error) });
      return z.NEVER;
    }
  };
}
