/** Minimal logger accepted by the library; nothing is printed unless one is given. */
export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

const noop = (): void => {};

/** A logger that discards everything: the library's default. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
