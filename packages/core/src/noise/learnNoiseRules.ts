import type { NoiseSummary } from '../diff/diffSummary.js';
import type { Rule } from '../rules/ruleSchema.js';

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/\*\*?/g, 'any')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'root'
  );
}

const percent = (rate: number) => `${Math.round(rate * 1000) / 10}%`;

/**
 * Turns what the noise probe learned into rules for review: an `arrayKey` rule for each array of objects that
 * live returned in a different order on two calls, an `unordered` rule for each array of scalars it did, and an
 * `ignore` rule for each route and pointer that Diffy's rule judged noise and whose value really changed live
 * vs live (pointers inside a reordered array only when they still differed once the array was matched by key
 * or as a multiset). Pointers come from the report, where keys named `*` or `**` are escaped (`\*`, `\**`), so
 * a learned rule never matches more than the key it was learned on.
 *
 * @example
 * const rules = learnNoiseRules(report.noise);
 * await writeFile('noise.rules.yaml', formatRulesFile(rules, { comment: 'Learned by bg-replay learn-noise' }));
 */
export function learnNoiseRules(noise: NoiseSummary): Rule[] {
  const rules: Rule[] = [];
  const ids = new Set<string>();
  const uniqueId = (base: string) => {
    let id = base;
    for (let n = 2; ids.has(id); n += 1) id = `${base}-${n}`;
    ids.add(id);
    return id;
  };
  const judgedRoutes = new Set(noise.routes.filter((r) => r.judged).map((r) => r.route));
  const reorders = noise.reorders.filter((r) => judgedRoutes.has(r.route));
  for (const reorder of reorders) {
    const where = `live returned ${reorder.pointer || 'the body'} in another order in ${reorder.count} probed record(s)`;
    const id = uniqueId(`noise-${slug(reorder.route)}-${slug(reorder.pointer)}-order`);
    rules.push(
      reorder.key !== undefined
        ? {
            id,
            description: `learned: ${where}; match elements by ${reorder.key}`,
            route: reorder.route,
            pointer: reorder.pointer,
            arrayKey: reorder.key,
          }
        : {
            id,
            description: `learned: ${where}; compare it as a multiset`,
            route: reorder.route,
            pointer: reorder.pointer,
            unordered: true,
          },
    );
  }
  for (const pointer of noise.pointers) {
    if (pointer.verdict !== 'noise' || pointer.noise === 0) continue;
    const keyed = reorders.find(
      (r) =>
        r.route === pointer.route &&
        (pointer.pointer === r.pointer || pointer.pointer.startsWith(`${r.pointer}/`)),
    );
    if (keyed && !keyed.residual.includes(pointer.pointer)) continue;
    rules.push({
      id: uniqueId(`noise-${slug(pointer.route)}-${slug(pointer.pointer)}`),
      description: `learned: differed live vs live in ${pointer.noise}/${pointer.probed} probed record(s) (${percent(pointer.noiseRate)}), live vs candidate in ${pointer.raw}/${pointer.compared} (${percent(pointer.rawRate)})`,
      route: pointer.route,
      pointer: pointer.pointer,
      kinds: pointer.kinds,
      ignore: true,
    });
  }
  return rules;
}
