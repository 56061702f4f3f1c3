import type { Difference, DifferenceKind } from '../model.js';
import type { NormalizerName, Normalizers } from './normalizers.js';
import { joinPointer } from './pointer.js';

/** How one array is compared: by a key field of its objects, as a multiset of scalars, or (absent) by position. */
export interface ArrayShape {
  key?: string;
  unordered?: boolean;
  /** The rule that asked for it, credited with a hit when it is applied. */
  ruleId?: string;
}

/** Numeric tolerance at a pointer. */
export interface ToleranceShape {
  tolerance: number;
  ruleId?: string;
}

/** Per-pointer shaping of the diff (from `arrayKeys`, `unorderedArrays`, `tolerances` and shaping rules). */
export interface DiffShape {
  arrayAt(segments: readonly string[]): ArrayShape | undefined;
  toleranceAt(segments: readonly string[]): ToleranceShape | undefined;
}

export interface DiffJsonOptions {
  shape?: DiffShape;
  /** Applied only where two values differ. */
  normalizers?: Normalizers;
  /** Comparison time in ms, for the timestamp normalizer (default `Date.now()`). */
  now?: number;
  /** Called each time a normalizer equates two values. */
  onNormalized?: (name: NormalizerName) => void;
  /** Called each time a shaping rule changed the outcome (keyed or unordered array compared, tolerance absorbed). */
  onShapeUsed?: (ruleId: string) => void;
  /** Replace values of secret-looking fields (`password`, `token`, `apiKey`…) by `[redacted]` (default true). */
  redact?: boolean;
}

const SECRET_FIELD =
  /pass(?:word|wd)|secret|token|api[-_]?key|authorization|credential|private[-_]?key|session[-_]?key/i;
const REDACTED = '[redacted]';

type Kind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null' | 'undefined';

function kindOf(value: unknown): Kind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as Kind;
}

const has = (object: object, key: string) => Object.hasOwn(object, key);

/** The nearest field name above a path (skipping array indices), for normalizers and redaction. */
function fieldOf(path: readonly string[], arrayDepths: readonly boolean[]): string | undefined {
  for (let i = path.length - 1; i >= 0; i -= 1) if (!arrayDepths[i]) return path[i];
  return undefined;
}

function scalarKey(value: unknown): string | undefined {
  if (value === null) return 'null';
  const t = typeof value;
  if (t === 'string') return `s${value as string}`;
  if (t === 'number' || t === 'boolean') return `${t[0]}${String(value)}`;
  return undefined;
}

/**
 * Structural differences between two JSON documents in one recursive walk, as typed differences with JSON
 * Pointers: `added`, `removed`, `changed` (same type) and `type` (a value changed type). Arrays are compared
 * by position unless `shape` keys them (a reorder is then no difference, an insertion or deletion one each)
 * or makes them order-insensitive. Without shape and normalizers, applying the differences as RFC 6902
 * operations (see `toJsonPatch`) to `live` yields `candidate`.
 *
 * @example
 * diffJson({ a: 1, b: 'x' }, { a: '1', c: true }, 'GET /x')
 * // [{ kind: 'removed', pointer: '/b' }, { kind: 'type', pointer: '/a' }, { kind: 'added', pointer: '/c' }]
 */
export function diffJson(
  live: unknown,
  candidate: unknown,
  route: string,
  options: DiffJsonOptions = {},
): Difference[] {
  const out: Difference[] = [];
  const path: string[] = [];
  /** arrayDepths[i] is true when path[i] is an array index. */
  const arrayDepths: boolean[] = [];
  const { shape, normalizers, onNormalized, onShapeUsed } = options;
  const redact = options.redact !== false;
  const now = options.now ?? Date.now();

  const report = (kind: DifferenceKind, a: unknown, b: unknown, pointer = joinPointer(path)) => {
    const difference: Difference = { route, pointer, kind };
    const field = redact ? fieldOf(path, arrayDepths) : undefined;
    const secret = field !== undefined && SECRET_FIELD.test(field);
    if (a !== undefined) difference.live = secret ? REDACTED : a;
    if (b !== undefined) difference.candidate = secret ? REDACTED : b;
    out.push(difference);
  };
  const enter = (segment: string, isIndex: boolean) => {
    path.push(segment);
    arrayDepths.push(isIndex);
  };
  const leave = () => {
    path.pop();
    arrayDepths.pop();
  };

  const walk = (a: unknown, b: unknown): void => {
    if (a === b) return;
    const ka = kindOf(a);
    const kb = kindOf(b);
    if (ka === 'object' && kb === 'object') {
      walkObject(a as Record<string, unknown>, b as Record<string, unknown>);
      return;
    }
    if (ka === 'array' && kb === 'array') {
      walkArray(a as unknown[], b as unknown[]);
      return;
    }
    if (ka === kb && ka === 'number' && Number.isNaN(a) && Number.isNaN(b)) return;
    if (normalizers && ka !== 'object' && ka !== 'array' && kb !== 'object' && kb !== 'array') {
      const name = normalizers.equalValues(fieldOf(path, arrayDepths), a, b, now);
      if (name) {
        onNormalized?.(name);
        return;
      }
    }
    if (ka === 'number' && kb === 'number' && shape) {
      const tolerance = shape.toleranceAt(path);
      if (tolerance && Math.abs((a as number) - (b as number)) <= tolerance.tolerance) {
        if (tolerance.ruleId) onShapeUsed?.(tolerance.ruleId);
        return;
      }
    }
    report(ka === kb ? 'changed' : 'type', a, b);
  };

  const walkObject = (a: Record<string, unknown>, b: Record<string, unknown>) => {
    for (const key in a) {
      if (!has(a, key)) continue;
      enter(key, false);
      if (has(b, key)) walk(a[key], b[key]);
      else report('removed', a[key], undefined);
      leave();
    }
    for (const key in b) {
      if (!has(b, key) || has(a, key)) continue;
      enter(key, false);
      report('added', undefined, b[key]);
      leave();
    }
  };

  const walkPositional = (a: unknown[], b: unknown[]) => {
    const common = Math.min(a.length, b.length);
    for (let i = 0; i < common; i += 1) {
      if (a[i] === b[i]) continue;
      enter(String(i), true);
      walk(a[i], b[i]);
      leave();
    }
    for (let i = common; i < b.length; i += 1) {
      enter(String(i), true);
      report('added', undefined, b[i]);
      leave();
    }
    // Descending, so the differences applied in order as a JSON Patch remove the right elements.
    for (let i = a.length - 1; i >= common; i -= 1) {
      enter(String(i), true);
      report('removed', a[i], undefined);
      leave();
    }
  };

  /** Indexes elements by key; undefined when an element is not an object, lacks a scalar key, or repeats one. */
  const indexByKey = (items: unknown[], key: string): Map<string, number> | undefined => {
    const index = new Map<string, number>();
    for (let i = 0; i < items.length; i += 1) {
      const item = items[i];
      if (kindOf(item) !== 'object') return undefined;
      const k = scalarKey((item as Record<string, unknown>)[key]);
      if (k === undefined || index.has(k)) return undefined;
      index.set(k, i);
    }
    return index;
  };

  const walkKeyed = (a: unknown[], b: unknown[], key: string): boolean => {
    const ia = indexByKey(a, key);
    const ib = ia && indexByKey(b, key);
    if (!ia || !ib) return false;
    const removedAt: number[] = [];
    for (const [k, i] of ia) {
      const j = ib.get(k);
      if (j === undefined) {
        removedAt.push(i);
        continue;
      }
      if (a[i] === b[j]) continue;
      // Differences inside a matched element are reported at live's index.
      enter(String(i), true);
      walk(a[i], b[j]);
      leave();
    }
    for (const [k, j] of ib) {
      if (ia.has(k)) continue;
      enter(String(j), true);
      report('added', undefined, b[j]);
      leave();
    }
    for (let n = removedAt.length - 1; n >= 0; n -= 1) {
      const i = removedAt[n] as number;
      enter(String(i), true);
      report('removed', a[i], undefined);
      leave();
    }
    return true;
  };

  const walkUnordered = (a: unknown[], b: unknown[]): boolean => {
    const pending = new Map<string, number[]>();
    for (let j = 0; j < b.length; j += 1) {
      const k = scalarKey(b[j]);
      if (k === undefined) return false;
      const list = pending.get(k);
      if (list) list.push(j);
      else pending.set(k, [j]);
    }
    const removedAt: number[] = [];
    for (let i = 0; i < a.length; i += 1) {
      const k = scalarKey(a[i]);
      if (k === undefined) return false;
      const list = pending.get(k);
      if (list && list.length > 0) list.pop();
      else removedAt.push(i);
    }
    const addedAt = [...pending.values()].flat().sort((x, y) => x - y);
    for (const j of addedAt) {
      enter(String(j), true);
      report('added', undefined, b[j]);
      leave();
    }
    for (let n = removedAt.length - 1; n >= 0; n -= 1) {
      const i = removedAt[n] as number;
      enter(String(i), true);
      report('removed', a[i], undefined);
      leave();
    }
    return true;
  };

  const walkArray = (a: unknown[], b: unknown[]) => {
    const arrayShape = shape?.arrayAt(path);
    if (arrayShape?.key !== undefined) {
      if (walkKeyed(a, b, arrayShape.key)) {
        if (arrayShape.ruleId) onShapeUsed?.(arrayShape.ruleId);
        return;
      }
    } else if (arrayShape?.unordered) {
      if (walkUnordered(a, b)) {
        if (arrayShape.ruleId) onShapeUsed?.(arrayShape.ruleId);
        return;
      }
    }
    walkPositional(a, b);
  };

  walk(live, candidate);
  return out;
}
