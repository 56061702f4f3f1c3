import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type FaultHandler, type FaultServer, startFaultServer } from '@bg-replay/test-utils';
import type { RequestRecord } from '../../src/model.js';
import type { Report } from '../../src/report/reportTypes.js';
import { type ValidateOptions, validate } from '../../src/validate.js';

/** Fixed seed, and a small number of runs unless `FUZZ_RUNS` asks for more (`pnpm fuzz`). */
export const FUZZ = {
  seed: Number(process.env.FUZZ_SEED ?? 20_260_101),
  numRuns: Number(process.env.FUZZ_RUNS ?? 200),
};

/** Test timeout for properties: long runs (`pnpm fuzz`) get about 5 ms per run. */
export const FUZZ_TIMEOUT = Math.max(20_000, FUZZ.numRuns * 5);

/** `n` GET records spread over three routes. */
export function records(n: number): RequestRecord[] {
  const paths = ['/orders/', '/products/', '/users/'];
  return Array.from({ length: n }, (_, i) => ({
    method: 'GET',
    path: `${paths[i % paths.length]}${1000 + i}`,
    headers: { accept: 'application/json' },
  }));
}

/** Records unhandled rejections while a test runs. */
export function watchRejections(): { rejections: unknown[]; stop(): void } {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  process.on('unhandledRejection', onRejection);
  return { rejections, stop: () => process.off('unhandledRejection', onRejection) };
}

setFlagsFromString('--expose-gc');
/** A full garbage collection, so a memory baseline holds no garbage of earlier tests. */
export const collectGarbage = runInNewContext('gc') as () => void;

/** Samples heap plus buffer memory every few milliseconds; `stop` returns the largest rise over the start. */
export function watchMemory(): { stop(): number } {
  collectGarbage();
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const start = used();
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, used());
  }, 2);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, used());
      return peak - start;
    },
  };
}

export interface FaultRun {
  report: Report;
  live: FaultServer;
  candidate: FaultServer;
  rejections: unknown[];
  memoryGrowth: number;
}

/** Runs `validate` on `sample` records against two fault servers, watching rejections and memory. */
export async function runAgainst(
  handlers: { live: FaultHandler; candidate: FaultHandler },
  sample: number,
  options: Partial<ValidateOptions> = {},
): Promise<FaultRun> {
  const live = await startFaultServer(handlers.live);
  const candidate = await startFaultServer(handlers.candidate);
  const watch = watchRejections();
  const memory = watchMemory();
  try {
    const report = await validate({
      logs: [{ kind: 'records', name: 'faults', records: records(sample) }],
      live: live.url,
      candidate: candidate.url,
      rps: 0,
      concurrency: 8,
      minSamples: 1,
      // Generous: a test that wants timeouts asks for a short one; the others must not see one on a busy machine.
      timeoutMs: 10_000,
      ...options,
    });
    const memoryGrowth = memory.stop();
    // Let late socket errors and timers surface before the rejections are counted.
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { report, live, candidate, rejections: watch.rejections, memoryGrowth };
  } finally {
    memory.stop();
    watch.stop();
    await live.close();
    await candidate.close();
  }
}
