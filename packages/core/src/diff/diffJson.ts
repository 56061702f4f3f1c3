import type { Difference, DifferenceKind } from '../model.js';
import { SECRET_FIELD } from '../safety/privacy.js';
import type { NormalizerName, Normalizers } from './normalizers.js';
import { ExactNumber } from './parseJsonBody.js';
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

const REDACTED = '[redacted]';
/** Field names already tested against SECRET_FIELD: a document repeats few names many times. */
const secretFields = new Map<string, boolean>();
function isSecretField(field: string): boolean {
  let secret = secretFields.get(field);
  if (secret === undefined) {
    secret = SECRET_FIELD.test(field);
    if (secretFields.size < 10_000) secretFields.set(field, secret);
  }
  return secret;
}

type Kind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null' | 'undefined';

function kindOf(value: unknown): Kind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  // A number a double cannot hold, kept as its text by the lossless parse (see parseJsonBody).
  if (t === 'object' && value instanceof ExactNumber) return 'number';
  return t as Kind;
}

/** Two numbers, either kept exact: equal only when their decimal values are (a plain number never equals one). */
function equalExact(a: unknown, b: unknown): boolean {
  return a instanceof ExactNumber && b instanceof ExactNumber && a.canonical === b.canonical;
}

/** A reported value: an exact number as its source text (a report is JSON, and a double would round it). */
const reported = (value: unknown) => (value instanceof ExactNumber ? value.text : value);

const has = (object: object, key: string) => Object.hasOwn(object, key);

/** The nearest field name above a path (skipping array indices), for normalizers and redaction. */
function fieldOf(path: readonly string[], arrayDepths: readonly boolean[]): string | undefined {
  for (let i = path.length - 1; i >= 0; i -= 1) if (!arrayDepths[i]) return path[i];
  return undefined;
}

/** Array index segments, made once: a diff enters thousands of elements and most report nothing. */
const INDEX_SEGMENTS: string[] = [];
function indexSegment(i: number): string {
  if (i >= 4096) return String(i);
  let segment = INDEX_SEGMENTS[i];
  if (segment === undefined) {
    segment = String(i);
    INDEX_SEGMENTS[i] = segment;
  }
  return segment;
}

/** A value usable as a key of a keyed array: a Map compares these by SameValueZero, as `scalarKey` would. */
function isScalar(value: unknown): value is string | number | boolean | null {
  if (value === null) return true;
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean';
}

function scalarKey(value: unknown): string | undefined {
  if (value === null) return 'null';
  const t = typeof value;
  if (t === 'string') return `s${value as string}`;
  if (t === 'number' || t === 'boolean') return `${t[0]}${String(value)}`;
  if (value instanceof ExactNumber) return `x${value.canonical}`;
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

  const report = (kind: DifferenceKind, a: unknown, b: unknown) => {
    const pointer = joinPointer(path);
    const field = redact ? fieldOf(path, arrayDepths) : undefined;
    const secret = field !== undefined && isSecretField(field);
    const live = secret ? REDACTED : reported(a);
    const candidate = secret ? REDACTED : reported(b);
    // One literal per shape (same key order as ever): objects built whole are cheaper to copy and judge.
    out.push(
      a === undefined
        ? b === undefined
          ? { route, pointer, kind }
          : { route, pointer, kind, candidate }
        : b === undefined
          ? { route, pointer, kind, live }
          : { route, pointer, kind, live, candidate },
    );
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
    if (ka === kb && ka === 'number') {
      if (typeof a === 'object' || typeof b === 'object') {
        if (equalExact(a, b)) return;
      } else if (Number.isNaN(a) && Number.isNaN(b)) return;
    }
    if (normalizers && ka !== 'object' && ka !== 'array' && kb !== 'object' && kb !== 'array') {
      const name = normalizers.equalValues(fieldOf(path, arrayDepths), a, b, now);
      if (name) {
        onNormalized?.(name);
        return;
      }
    }
    if (ka === 'number' && kb === 'number' && shape) {
      const tolerance = shape.toleranceAt(path);
      if (tolerance && Math.abs(Number(a) - Number(b)) <= tolerance.tolerance) {
        if (tolerance.ruleId) onShapeUsed?.(tolerance.ruleId);
        return;
      }
    }
    report(ka === kb ? 'changed' : 'type', a, b);
  };

  const walkObject = (a: Record<string, unknown>, b: Record<string, unknown>) => {
    const keysA = Object.keys(a);
    const keysB = Object.keys(b);
    let same = keysA.length === keysB.length;
    for (let i = 0; same && i < keysA.length; i += 1) same = keysA[i] === keysB[i];
    if (same) {
      // The usual case: both objects have the same keys in the same order; no key can be missing.
      for (let i = 0; i < keysA.length; i += 1) {
        const key = keysA[i] as string;
        const va = a[key];
        const vb = b[key];
        if (va === vb) continue;
        enter(key, false);
        walk(va, vb);
        leave();
      }
      return;
    }
    for (let i = 0; i < keysA.length; i += 1) {
      const key = keysA[i] as string;
      const va = a[key];
      if (has(b, key)) {
        const vb = b[key];
        if (va === vb) continue;
        enter(key, false);
        walk(va, vb);
      } else {
        enter(key, false);
        report('removed', va, undefined);
      }
      leave();
    }
    for (let j = 0; j < keysB.length; j += 1) {
      const key = keysB[j] as string;
      if (has(a, key)) continue;
      enter(key, false);
      report('added', undefined, b[key]);
      leave();
    }
  };

  /** An element added or removed as a whole, reported at its own index. */
  const reportElement = (index: number, kind: 'added' | 'removed', live: unknown, candidate: unknown) => {
    enter(indexSegment(index), true);
    report(kind, live, candidate);
    leave();
  };
  /** Removed elements, last first, so the reported operations apply in order as RFC 6902 removes. */
  const reportRemoved = (a: unknown[], removedAt: number[]) => {
    for (let n = removedAt.length - 1; n >= 0; n -= 1) {
      const i = removedAt[n] as number;
      reportElement(i, 'removed', a[i], undefined);
    }
  };

  const walkPositional = (a: unknown[], b: unknown[]) => {
    const common = Math.min(a.length, b.length);
    for (let i = 0; i < common; i += 1) {
      if (a[i] === b[i]) continue;
      enter(indexSegment(i), true);
      walk(a[i], b[i]);
      leave();
    }
    for (let i = common; i < b.length; i += 1) reportElement(i, 'added', undefined, b[i]);
    // Descending, so the differences applied in order as a JSON Patch remove the right elements.
    for (let i = a.length - 1; i >= common; i -= 1) reportElement(i, 'removed', a[i], undefined);
  };

  /**
   * Matches elements by key: live's element i pairs with candidate's `match[i]` (-1: removed). Undefined when
   * an element is not an object, lacks a scalar key, or a key repeats on either side.
   */
  const matchByKey = (a: unknown[], b: unknown[], key: string) => {
    const indexB = new Map<unknown, number>();
    for (let j = 0; j < b.length; j += 1) {
      const item = b[j];
      if (kindOf(item) !== 'object') return undefined;
      const k = (item as Record<string, unknown>)[key];
      if (!isScalar(k) || indexB.has(k)) return undefined;
      indexB.set(k, j);
    }
    const match = new Int32Array(a.length);
    const taken = new Uint8Array(b.length);
    let unmatched: Set<unknown> | undefined;
    for (let i = 0; i < a.length; i += 1) {
      const item = a[i];
      if (kindOf(item) !== 'object') return undefined;
      const k = (item as Record<string, unknown>)[key];
      if (!isScalar(k)) return undefined;
      const j = indexB.get(k);
      if (j === undefined) {
        unmatched ??= new Set();
        if (unmatched.has(k)) return undefined;
        unmatched.add(k);
        match[i] = -1;
      } else {
        if (taken[j] === 1) return undefined;
        taken[j] = 1;
        match[i] = j;
      }
    }
    return { match, taken };
  };

  const walkKeyed = (a: unknown[], b: unknown[], key: string): boolean => {
    const matched = matchByKey(a, b, key);
    if (!matched) return false;
    const { match, taken } = matched;
    const removedAt: number[] = [];
    for (let i = 0; i < a.length; i += 1) {
      const j = match[i] as number;
      if (j < 0) {
        removedAt.push(i);
        continue;
      }
      if (a[i] === b[j]) continue;
      // Differences inside a matched element are reported at live's index.
      enter(indexSegment(i), true);
      walk(a[i], b[j]);
      leave();
    }
    for (let j = 0; j < b.length; j += 1) {
      if (taken[j] === 1) continue;
      reportElement(j, 'added', undefined, b[j]);
    }
    reportRemoved(a, removedAt);
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
    for (const j of addedAt) reportElement(j, 'added', undefined, b[j]);
    reportRemoved(a, removedAt);
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
