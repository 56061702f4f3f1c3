// P2: diff + normalize + rules of a JSON pair vs JSON.parse of both bodies.
import { createComparer } from '@bg-replay/core';

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

function answer(text) {
  return { ok: true, status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(text), truncated: false, latencyMs: 1 };
}

function time(fn, minMs = 300) {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    fn();
    n += 1;
  }
  return (performance.now() - t0) / n;
}

export async function benchDiff(rounds) {
  const rows = [];
  const comparer = await createComparer({ arrayKeys: { '/items': 'id' } });
  for (const [label, count] of [['10 KB', 85], ['200 KB', 1700]]) {
    const a = JSON.stringify(document(count));
    const b = JSON.stringify(mutate(document(count)));
    const ratios = [];
    let differences = 0;
    for (let r = 0; r < rounds; r += 1) {
      const parse = time(() => {
        JSON.parse(a);
        JSON.parse(b);
      });
      // compare() parses both bodies itself: its cost minus the parse is diff + normalize + rules.
      const whole = time(() => {
        differences = comparer.compare({ record: { method: 'GET', path: '/', headers: {} }, route: 'GET /', live: answer(a), candidate: answer(b) }).differences.length;
      });
      ratios.push(Math.max(0, whole - parse) / parse);
    }
    const sorted = [...ratios].sort((x, y) => x - y);
    rows.push({
      id: 'P2',
      name: `diff+normalize+rules ÷ parse, ${label} (${(a.length / 1024).toFixed(0)} KiB)`,
      median: sorted[Math.floor(sorted.length / 2)],
      min: sorted[0],
      max: sorted.at(-1),
      target: '≤ 1.0×',
      detail: `${differences} differences`,
    });
  }
  {
    const live = { items: Array.from({ length: 1000 }, (_, i) => ({ id: i, v: i })) };
    const candidate = { items: [...live.items].reverse() };
    const { differences } = comparer.compare({
      record: { method: 'GET', path: '/', headers: {} },
      route: 'GET /',
      live: answer(JSON.stringify(live)),
      candidate: answer(JSON.stringify(candidate)),
    });
    rows.push({ id: 'P2', name: 'keyed 1,000-element reorder: differences', median: differences.length, min: differences.length, max: differences.length, target: '≤ 1', detail: '' });
  }
  return rows;
}
