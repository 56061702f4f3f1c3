// P2: diff + normalize + rules of a JSON pair vs JSON.parse of both bodies.
// `compare()` takes the raw bodies, as the replay hands them over: it decodes and parses both, then diffs,
// normalizes and judges. Its time minus the same decode + JSON.parse of both bodies is the diff stage's cost.
import { createComparer } from '@bg-replay/core/internal';

/** A small, typical rules file: ignores, a route-scoped allowance and a tolerance (a shaping rule). */
const RULES = [
  { id: 'volatile-ids', pointer: '/**/requestId', ignore: true },
  { id: 'generated-at', pointer: '/generatedAt', ignore: true },
  { id: 'new-extra-flag', route: 'GET /items', pointer: '/items/*/extra', kinds: ['added'], allow: true },
  { id: 'price-rounding', pointer: '/items/*/price', tolerance: 0.001 },
  { id: 'legacy-stock', route: 'GET /legacy/**', pointer: '/**/stock', ignore: true },
];

function document(count) {
  const items = Array.from({ length: count }, (_, i) => ({
    id: `item-${i}`,
    name: `name ${i}`,
    price: i * 1.5,
    stock: i % 13,
    active: i % 2 === 0,
    tags: ['a', 'b'],
    dims: { w: i, h: i + 1 },
  }));
  return { page: 1, generatedAt: '2026-11-26T10:00:00.000Z', items };
}

function mutate(doc) {
  const copy = structuredClone(doc);
  copy.items.forEach((item, i) => {
    if (i % 12 === 0) item.price += 1; // ~1% of leaves
    if (i % 50 === 7) item.extra = true;
    if (i % 50 === 9) delete item.active;
  });
  copy.items.reverse(); // a keyed array reordered
  return copy;
}

function answer(body) {
  return {
    ok: true,
    status: 200,
    headers: { 'content-type': 'application/json' },
    body,
    truncated: false,
    latencyMs: 1,
  };
}

const decoder = new TextDecoder();
const input = (a, b) => ({
  record: { method: 'GET', path: '/items', headers: {} },
  route: 'GET /items',
  live: answer(a),
  candidate: answer(b),
});

function time(fn, minMs = 300) {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    fn();
    n += 1;
  }
  return (performance.now() - t0) / n;
}

/** Median (min–max) over rounds of (compare − parse) ÷ parse, each round timing both back to back. */
function ratioRounds(comparer, a, b, rounds) {
  const ratios = [];
  let differences = 0;
  for (let r = 0; r < rounds; r += 1) {
    const parse = time(() => {
      JSON.parse(decoder.decode(a));
      JSON.parse(decoder.decode(b));
    });
    const whole = time(() => {
      differences = comparer.compare(input(a, b)).differences.length;
    });
    ratios.push(Math.max(0, whole - parse) / parse);
  }
  const sorted = [...ratios].sort((x, y) => x - y);
  return {
    median: sorted[Math.floor(sorted.length / 2)],
    min: sorted[0],
    max: sorted.at(-1),
    rounds: ratios,
    differences,
  };
}

export async function benchDiff(rounds) {
  const rows = [];
  const comparer = await createComparer({ rules: RULES, arrayKeys: { '/items': 'id' } });
  for (const [label, count] of [
    ['10 KB', 85],
    ['200 KB', 1700],
  ]) {
    const a = Buffer.from(JSON.stringify(document(count)));
    const b = Buffer.from(JSON.stringify(mutate(document(count))));
    const { differences, ...ratio } = ratioRounds(comparer, a, b, rounds);
    rows.push({
      id: 'P2',
      name: `diff+normalize+rules ÷ parse, ${label} (${(a.length / 1024).toFixed(0)} KiB)`,
      ...ratio,
      target: '≤ 1.0×',
      detail: `${differences} differences (items keyed by id, reversed; ${RULES.length} rules)`,
    });
  }
  {
    // The same 200 KB pair without `arrayKeys`: the reversal is compared by position, every element differs.
    const positional = await createComparer({ rules: RULES });
    const a = Buffer.from(JSON.stringify(document(1700)));
    const b = Buffer.from(JSON.stringify(mutate(document(1700))));
    const { differences, ...ratio } = ratioRounds(positional, a, b, rounds);
    rows.push({
      id: 'P2',
      name: 'same 200 KB, array not keyed (by position)',
      ...ratio,
      target: '(reported)',
      detail: `${differences} differences`,
    });
  }
  {
    const live = { items: Array.from({ length: 1000 }, (_, i) => ({ id: i, v: i })) };
    const candidate = { items: [...live.items].reverse() };
    const { differences } = comparer.compare(
      input(Buffer.from(JSON.stringify(live)), Buffer.from(JSON.stringify(candidate))),
    );
    rows.push({
      id: 'P2',
      name: 'keyed 1,000-element reorder: differences',
      median: differences.length,
      min: differences.length,
      max: differences.length,
      target: '≤ 1',
      detail: '',
    });
  }
  return rows;
}
