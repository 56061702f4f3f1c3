import type { Logger } from '@bg-replay/core';

/** Options of {@link createJsonLogger}. */
export interface JsonLoggerOptions {
  /** Receives one JSON document per call, without the newline. Default: a line on `process.stdout`. */
  write?: (line: string) => void;
  /** Fields added to every line (e.g. `{ deploymentId }`). */
  fields?: Record<string, unknown>;
  /** Lowest level written. Default `info`. */
  level?: 'debug' | 'info' | 'warn' | 'error';
  /** Clock for the `time` field. */
  now?: () => number;
}

/** A {@link Logger} that can also derive a child with extra fields. */
export interface JsonLogger extends Logger {
  child(fields: Record<string, unknown>): JsonLogger;
}

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;

/**
 * Structured logger for hooks: one JSON object per line (`level`, `time`, `message`, then fields),
 * which CloudWatch Logs Insights can query field by field. Errors in `data` are flattened to
 * `{ name, message, code }` so they survive `JSON.stringify`.
 *
 * @example
 * const logger = createJsonLogger({ fields: { hook: 'validate' } });
 * logger.info('verdict', { verdict: 'pass' });
 * // {"level":"info","time":"2026-01-01T00:00:00.000Z","message":"verdict","hook":"validate","verdict":"pass"}
 */
export function createJsonLogger(options: JsonLoggerOptions = {}): JsonLogger {
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const min = LEVELS[options.level ?? 'info'];
  const now = options.now ?? Date.now;
  const base = options.fields ?? {};
  const emit = (level: keyof typeof LEVELS, message: string, data?: Record<string, unknown>): void => {
    if (LEVELS[level] < min) return;
    const record: Record<string, unknown> = { level, time: new Date(now()).toISOString(), message, ...base };
    for (const [key, value] of Object.entries(data ?? {})) record[key] = flatten(value);
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch {
      line = JSON.stringify({ level, time: record.time, message, note: 'data not serialisable' });
    }
    write(line);
  };
  return {
    debug: (m, d) => emit('debug', m, d),
    info: (m, d) => emit('info', m, d),
    warn: (m, d) => emit('warn', m, d),
    error: (m, d) => emit('error', m, d),
    child: (fields) => createJsonLogger({ ...options, write, fields: { ...base, ...fields } }),
  };
}

function flatten(value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code === undefined ? {} : { code }) };
  }
  return value;
}
