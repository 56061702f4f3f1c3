/** Watches live's answers and opens when live looks unhealthy, so a replay never hammers a struggling production. */
export interface CircuitBreaker {
  /** Records one answer of live: `true` when it was healthy (answered, not 5xx). */
  observe(healthy: boolean): void;
  readonly open: boolean;
  /** Why it opened, for the report. */
  readonly reason: string | undefined;
}

export interface CircuitBreakerOptions {
  /** Answers looked at (default 20). */
  window?: number;
  /** Share of unhealthy answers in the window that opens the circuit (default 0.5; 1 disables it). */
  maxErrorRate?: number;
}

/**
 * A sliding-window breaker over live's recent answers: once at least half of the last 20 (by default) were
 * 5xx or transport errors, it opens and stays open for the rest of the run.
 *
 * @example
 * const breaker = createCircuitBreaker({});
 * breaker.observe(false); if (breaker.open) stopReplaying();
 */
export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const window = options.window ?? 20;
  const maxErrorRate = options.maxErrorRate ?? 0.5;
  const recent: boolean[] = [];
  let unhealthy = 0;
  let reason: string | undefined;
  return {
    observe(healthy) {
      if (reason) return;
      recent.push(healthy);
      if (!healthy) unhealthy += 1;
      if (recent.length > window && !recent.shift()) unhealthy -= 1;
      if (maxErrorRate < 1 && recent.length >= window / 2 && unhealthy / recent.length >= maxErrorRate) {
        reason = `live answered ${unhealthy} of its last ${recent.length} requests with 5xx or errors; the replay stopped to spare production`;
      }
    },
    get open() {
      return reason !== undefined;
    },
    get reason() {
      return reason;
    },
  };
}
