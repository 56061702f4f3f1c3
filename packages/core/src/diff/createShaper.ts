import { ruleApplies } from '../rules/createJudge.js';
import { compileRoutePattern, compileSegmentsPattern } from '../rules/matchPointer.js';
import type { Rule } from '../rules/ruleSchema.js';
import type { VersionPair } from '../rules/semverPolicy.js';
import type { ArrayShape, DiffShape, ToleranceShape } from './diffJson.js';

/** Options that shape the diff, as given on the command line or to `validate`. */
export interface ShapeOptions {
  arrayKeys?: Readonly<Record<string, string>>;
  unorderedArrays?: readonly string[];
  tolerances?: Readonly<Record<string, number>>;
}

interface Entry<T> {
  matches: (segments: readonly string[]) => boolean;
  route: (route: string) => boolean;
  rule?: Rule;
  value: T;
}

/**
 * Compiles `arrayKeys`, `unorderedArrays`, `tolerances` and the shaping fields of rules (`arrayKey`,
 * `unordered`, `tolerance`, scoped by `route` and `when`) into a function giving the diff shape of one
 * comparison. Options come first, then rules in file order; the first match at a pointer wins. Undefined
 * when nothing shapes that route, so the diff takes its fastest path.
 *
 * @example
 * const shapeOf = createShaper([], { arrayKeys: { '/items': 'id' } });
 * shapeOf('GET /cart', {})?.arrayAt(['items']) // { key: 'id' }
 */
export function createShaper(
  rules: readonly Rule[],
  options: ShapeOptions,
): (route: string, versions: VersionPair) => DiffShape | undefined {
  const always = () => true;
  const arrays: Entry<ArrayShape>[] = [];
  const tolerances: Entry<ToleranceShape>[] = [];
  for (const [pattern, key] of Object.entries(options.arrayKeys ?? {})) {
    arrays.push({ matches: compileSegmentsPattern(pattern), route: always, value: { key } });
  }
  for (const pattern of options.unorderedArrays ?? []) {
    arrays.push({ matches: compileSegmentsPattern(pattern), route: always, value: { unordered: true } });
  }
  for (const [pattern, tolerance] of Object.entries(options.tolerances ?? {})) {
    tolerances.push({ matches: compileSegmentsPattern(pattern), route: always, value: { tolerance } });
  }
  for (const rule of rules) {
    const matches = compileSegmentsPattern(rule.pointer);
    const route = rule.route ? compileRoutePattern(rule.route) : always;
    if (rule.arrayKey !== undefined)
      arrays.push({ matches, route, rule, value: { key: rule.arrayKey, ruleId: rule.id } });
    else if (rule.unordered)
      arrays.push({ matches, route, rule, value: { unordered: true, ruleId: rule.id } });
    if (rule.tolerance !== undefined)
      tolerances.push({ matches, route, rule, value: { tolerance: rule.tolerance, ruleId: rule.id } });
  }
  if (arrays.length === 0 && tolerances.length === 0) return () => undefined;

  const cache = new Map<string, DiffShape | undefined>();
  return (route, versions) => {
    const cacheKey = `${route}\u0000${versions.live ?? ''}\u0000${versions.candidate ?? ''}`;
    if (cache.has(cacheKey)) return cache.get(cacheKey);
    const applies = <T>(entry: Entry<T>) =>
      entry.route(route) && (!entry.rule || ruleApplies(entry.rule, versions));
    const activeArrays = arrays.filter(applies);
    const activeTolerances = tolerances.filter(applies);
    const shape: DiffShape | undefined =
      activeArrays.length === 0 && activeTolerances.length === 0
        ? undefined
        : {
            arrayAt: (segments) => activeArrays.find((e) => e.matches(segments))?.value,
            toleranceAt: (segments) => activeTolerances.find((e) => e.matches(segments))?.value,
          };
    cache.set(cacheKey, shape);
    return shape;
  };
}
