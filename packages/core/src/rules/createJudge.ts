import type { Difference, Disposition } from '../model.js';
import { compilePointerPattern, compileRoutePattern } from './matchPointer.js';
import type { Rule } from './ruleSchema.js';

export interface Judge {
  /** Decides whether one difference counts, and records which rule hid it. */
  judge(difference: Difference): Disposition;
  /** How many differences each rule matched (every rule listed, unused ones with 0). */
  hits(): Record<string, number>;
}

/**
 * Turns rules into a judge of differences. The first matching rule decides.
 *
 * @example
 * const judge = createJudge([{ id: 'ids', pointer: '/**\/requestId', ignore: true }]);
 * judge.judge({ route: 'GET /a', pointer: '/requestId', kind: 'changed' }); // { counted: false, by: 'rule', ruleId: 'ids' }
 */
export function createJudge(rules: readonly Rule[]): Judge {
  const compiled = rules.map((rule) => ({
    rule,
    pointer: compilePointerPattern(rule.pointer),
    route: rule.route ? compileRoutePattern(rule.route) : () => true,
  }));
  const counts: Record<string, number> = Object.fromEntries(rules.map((r) => [r.id, 0]));
  return {
    judge(difference) {
      for (const { rule, pointer, route } of compiled) {
        if (rule.kinds && !rule.kinds.includes(difference.kind)) continue;
        if (!route(difference.route) || !pointer(difference.pointer)) continue;
        counts[rule.id] = (counts[rule.id] ?? 0) + 1;
        if (rule.ignore) return { counted: false, by: 'rule', ruleId: rule.id };
        return { counted: true };
      }
      return { counted: true };
    },
    hits: () => ({ ...counts }),
  };
}
