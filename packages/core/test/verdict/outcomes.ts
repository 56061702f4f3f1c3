import type { Exchange, JudgedDifference } from '../../src/model.js';
import { buildReport } from '../../src/report/buildReport.js';
import type { Report } from '../../src/report/reportTypes.js';
import { createPrivacy } from '../../src/safety/privacy.js';
import type { RecordOutcome } from '../../src/verdict/aggregate.js';
import type { VerdictOptions } from '../../src/verdict/computeVerdict.js';
import { judgeRun } from '../../src/verdict/judgeRun.js';

export const ok = (status: number, latencyMs: number): Exchange => ({
  ok: true,
  status,
  headers: {},
  body: new Uint8Array(0),
  truncated: false,
  latencyMs,
});
export const down = (latencyMs = 5): Exchange => ({
  ok: false,
  code: 'connection-refused',
  message: 'refused',
  latencyMs,
});

export function outcome(
  route: string,
  path: string,
  options: {
    live?: Exchange;
    candidate?: Exchange;
    differences?: JudgedDifference[];
    probe?: RecordOutcome['probe'];
  } = {},
): RecordOutcome {
  return {
    route,
    record: { method: route.split(' ')[0] ?? 'GET', path, headers: {} },
    live: options.live ?? ok(200, 10),
    candidate: options.candidate ?? ok(200, 12),
    differences: options.differences ?? [],
    ...(options.probe ? { probe: options.probe } : {}),
  };
}

export const counted = (
  route: string,
  pointer: string,
  kind: JudgedDifference['kind'],
  live: unknown,
  candidate: unknown,
): JudgedDifference => ({
  route,
  pointer,
  kind,
  live,
  candidate,
  disposition: { counted: true },
});

/** Deterministic pseudo-random outcomes over several routes with every kind of result. */
export function syntheticOutcomes(count: number): RecordOutcome[] {
  const routes = ['GET /orders/:id', 'GET /products/:id', 'GET /health', 'GET /users/:id/cart'];
  const out: RecordOutcome[] = [];
  let state = 7;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  for (let i = 0; i < count; i += 1) {
    const route = routes[i % routes.length] as string;
    const path = route.replace(':id', String(i));
    const live = ok(200, 5 + next() * 50);
    const r = next();
    if (r < 0.02) out.push(outcome(route, path, { live, candidate: down() }));
    else if (r < 0.03) out.push(outcome(route, path, { live: down(), candidate: ok(200, 9) }));
    else if (r < 0.04) out.push(outcome(route, path, { live, candidate: ok(503, 3) }));
    else if (r < 0.12) {
      out.push(
        outcome(route, path, {
          live,
          candidate: ok(200, 5 + next() * 80),
          differences: [counted(route, `/items/${i % 3}/price`, 'changed', i, i + 1)],
        }),
      );
    } else if (r < 0.16) {
      out.push(
        outcome(route, path, {
          live,
          candidate: ok(200, 6 + next() * 60),
          differences: [
            {
              route,
              pointer: '/meta/requestId',
              kind: 'changed',
              live: 'a',
              candidate: 'b',
              disposition: { counted: false, by: 'rule', ruleId: 'ids' },
            },
            {
              route,
              pointer: '/extra',
              kind: 'added',
              candidate: 1,
              disposition: { counted: false, by: 'policy', policy: 'minor-additions' },
            },
          ],
          probe: {
            live: ok(200, 7),
            differences: [{ route, pointer: '/meta/requestId', kind: 'changed', live: 'a', candidate: 'c' }],
          },
        }),
      );
    } else if (r < 0.17) {
      out.push(
        outcome(route, path, {
          live,
          candidate: ok(200, 20),
          differences: [counted(route, '/total', 'type', 12.5, '12.5')],
        }),
      );
    } else out.push(outcome(route, path, { live, candidate: ok(200, 5 + next() * 55) }));
  }
  return out;
}

/** The report of a run over `outcomes`, as validate would build it (seen = records per route). */
export function reportOf(
  outcomes: readonly RecordOutcome[],
  options: VerdictOptions,
  extra: Partial<Parameters<typeof buildReport>[0]> = {},
): Report {
  const seen = new Map<string, number>();
  for (const o of outcomes) seen.set(o.route, (seen.get(o.route) ?? 0) + 1);
  const { tally, verdict, counts } = judgeRun(outcomes, seen, options);
  return buildReport(
    {
      startedAt: new Date('2026-01-01T00:00:00Z'),
      durationMs: 1000,
      ...options,
      targets: { live: 'http://live.test', candidate: 'http://candidate.test' },
      counts: {
        read: outcomes.length,
        sampled: outcomes.length,
        skipped: { malformed: 0, unsafeMethod: 0, filtered: 0 },
        ...counts,
      },
      malformed: [],
      tally,
      verdict,
      ruleHits: {
        ids:
          tally.fields.size > 0
            ? [...tally.fields.values()].reduce((s, f) => s + (f.hidden['rule:ids'] ?? 0), 0)
            : 0,
        never: 0,
      },
      ...extra,
    },
    createPrivacy(),
  );
}
