import { joinPointer } from '../diff/pointer.js';

/**
 * An array whose elements came back in another order: objects with the field that identifies them (`key`),
 * or scalars, the same multiset in another order (`unordered`).
 */
export type Reorder =
  | { /** Pointer of the array (concrete indices). */ pointer: string; key: string; unordered?: undefined }
  | { pointer: string; unordered: true; key?: undefined };

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isScalar(value: unknown): value is string | number | boolean {
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean';
}

/** Candidate key fields in order of preference: `id`, then `*Id`/`*_id`, `key`, `sku`, `code`, `name`, then the rest. */
function rankField(field: string): number {
  if (field === 'id') return 0;
  if (/(?:Id|_id|ID)$/.test(field)) return 1;
  if (/^(?:key|sku|code|slug|uuid)$/i.test(field)) return 2;
  if (field === 'name') return 3;
  return 4;
}

/** A field of the elements that is a unique scalar in both arrays, with the same set of values; or undefined. */
function keyOf(a: readonly unknown[], b: readonly unknown[]): string | undefined {
  const first = a[0];
  if (!isObject(first) || a.length !== b.length || a.length < 2) return undefined;
  if (!a.every(isObject) || !b.every(isObject)) return undefined;
  const fields = Object.keys(first).sort((x, y) => rankField(x) - rankField(y));
  for (const field of fields) {
    const values = new Set<unknown>();
    let ok = true;
    for (const item of a as Record<string, unknown>[]) {
      const v = item[field];
      if (!isScalar(v) || values.has(v)) {
        ok = false;
        break;
      }
      values.add(v);
    }
    if (!ok) continue;
    const other = new Set<unknown>();
    for (const item of b as Record<string, unknown>[]) {
      const v = item[field];
      if (!values.has(v) || other.has(v)) {
        ok = false;
        break;
      }
      other.add(v);
    }
    if (!ok) continue;
    const moved = (a as Record<string, unknown>[]).some(
      (item, i) => item[field] !== (b[i] as Record<string, unknown>)[field],
    );
    return moved ? field : undefined;
  }
  return undefined;
}

/** True when two arrays of scalars hold the same values, as many times each, in another order. */
function isPermutation(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length || a.length < 2) return false;
  if (!a.every(isScalar) || !b.every(isScalar)) return false;
  const counts = new Map<unknown, number>();
  for (const v of a) counts.set(v, (counts.get(v) ?? 0) + 1);
  for (const v of b) {
    const n = counts.get(v);
    if (!n) return false;
    counts.set(v, n - 1);
  }
  return a.some((v, i) => v !== b[i]);
}

/**
 * Finds arrays of objects that two answers of the same version return in different orders, and a field
 * that identifies their elements, and arrays of scalars returned in different orders: what `learn-noise`
 * turns into `arrayKey` and `unordered` rules.
 *
 * @example
 * detectReorders({ items: [{ id: 1 }, { id: 2 }] }, { items: [{ id: 2 }, { id: 1 }] })
 * // [{ pointer: '/items', key: 'id' }]
 * detectReorders({ tags: ['a', 'b'] }, { tags: ['b', 'a'] }) // [{ pointer: '/tags', unordered: true }]
 */
export function detectReorders(a: unknown, b: unknown): Reorder[] {
  const found: Reorder[] = [];
  const path: string[] = [];
  const walk = (x: unknown, y: unknown) => {
    if (x === y) return;
    if (Array.isArray(x) && Array.isArray(y)) {
      const key = keyOf(x, y);
      if (key) {
        found.push({ pointer: joinPointer(path), key });
        const byKey = new Map((y as Record<string, unknown>[]).map((item) => [item[key], item]));
        x.forEach((item, i) => {
          path.push(String(i));
          walk(item, byKey.get((item as Record<string, unknown>)[key]));
          path.pop();
        });
        return;
      }
      if (isPermutation(x, y)) {
        found.push({ pointer: joinPointer(path), unordered: true });
        return;
      }
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i += 1) {
        path.push(String(i));
        walk(x[i], y[i]);
        path.pop();
      }
      return;
    }
    if (isObject(x) && isObject(y)) {
      for (const field of Object.keys(x)) {
        if (!Object.hasOwn(y, field)) continue;
        path.push(field);
        walk(x[field], y[field]);
        path.pop();
      }
    }
  };
  walk(a, b);
  return found;
}
