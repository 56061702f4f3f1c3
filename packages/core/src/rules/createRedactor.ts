import { splitPointer } from '../diff/pointer.js';
import type { Difference } from '../model.js';
import { REDACTED } from '../safety/privacy.js';
import { compileRoutePattern, compileSegmentsPattern } from './matchPointer.js';
import type { Rule } from './ruleSchema.js';

/** Masks values at the pointers of `redact: true` rules. */
export interface Redactor {
  /** True when a rule with `redact: true` covers this pointer on this route. */
  isRedacted(route: string, pointer: string): boolean;
  /**
   * Masks a difference's `live` and `candidate` in place: the whole value when its pointer is redacted, else
   * every redacted pointer inside an added, removed or retyped object or array.
   */
  redact<T extends Difference>(difference: T): T;
}

interface Entry {
  route: (route: string) => boolean;
  matches: (segments: readonly string[]) => boolean;
}

/**
 * Compiles the `redact: true` rules of a rules file (their `route` and `pointer`; `when` and `kinds` do not
 * narrow a redaction: a value masked for one version is masked for all).
 *
 * @example
 * const redactor = createRedactor([{ id: 'ssn', pointer: '/**\/ssn', redact: true }]);
 * redactor.redact({ route: 'GET /u/:id', pointer: '/user/ssn', kind: 'changed', live: '1', candidate: '2' });
 * // { …, live: '[redacted]', candidate: '[redacted]' }
 */
export function createRedactor(rules: readonly Rule[]): Redactor {
  const entries: Entry[] = rules
    .filter((rule) => rule.redact === true)
    .map((rule) => ({
      route: rule.route ? compileRoutePattern(rule.route) : () => true,
      matches: compileSegmentsPattern(rule.pointer),
    }));
  const routes = new Map<string, Entry[]>();
  const entriesFor = (route: string) => {
    let found = routes.get(route);
    if (!found) {
      found = entries.filter((e) => e.route(route));
      if (routes.size < 10_000) routes.set(route, found);
    }
    return found;
  };
  const covered = (active: readonly Entry[], segments: readonly string[]) =>
    active.some((e) => e.matches(segments));

  /** A copy of `value` with every redacted pointer below `path` masked (values are never mutated). */
  const mask = (active: readonly Entry[], value: unknown, path: string[]): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const isArray = Array.isArray(value);
    // Only JSON containers are walked: an exact number (see parseJsonBody) is a value, not an object.
    if (
      !isArray &&
      Object.getPrototypeOf(value) !== Object.prototype &&
      Object.getPrototypeOf(value) !== null
    )
      return value;
    const out: Record<string, unknown> | unknown[] = isArray ? [] : {};
    for (const [key, child] of Object.entries(value)) {
      path.push(key);
      const masked = covered(active, path) ? REDACTED : mask(active, child, path);
      path.pop();
      if (isArray) (out as unknown[]).push(masked);
      else
        Object.defineProperty(out, key, {
          value: masked,
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
    return out;
  };

  return {
    isRedacted(route, pointer) {
      if (entries.length === 0) return false;
      return covered(entriesFor(route), splitPointer(pointer));
    },
    redact(difference) {
      if (entries.length === 0) return difference;
      const active = entriesFor(difference.route);
      if (active.length === 0) return difference;
      const segments = splitPointer(difference.pointer);
      const whole = covered(active, segments);
      for (const side of ['live', 'candidate'] as const) {
        const value = difference[side];
        if (value === undefined) continue;
        difference[side] = whole ? REDACTED : mask(active, value, [...segments]);
      }
      return difference;
    },
  };
}

const redactors = new WeakMap<readonly Rule[], Redactor>();

/**
 * True when a `redact: true` rule covers this pointer on this route: what a report renderer calls before it
 * shows a value. The compiled rules are cached per rules array.
 *
 * @example
 * isRedactedPointer(rules, 'GET /users/:id', '/user/ssn') // true with a rule { pointer: '/**\/ssn', redact: true }
 */
export function isRedactedPointer(rules: readonly Rule[], route: string, pointer: string): boolean {
  let redactor = redactors.get(rules);
  if (!redactor) {
    redactor = createRedactor(rules);
    redactors.set(rules, redactor);
  }
  return redactor.isRedacted(route, pointer);
}
