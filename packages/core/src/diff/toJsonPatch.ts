import type { Difference } from '../model.js';

/** One RFC 6902 operation of the kinds a diff produces. */
export type PatchOperation =
  | { op: 'add'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'replace'; path: string; value: unknown };

/**
 * Expresses body differences (`added`, `removed`, `changed`, `type`) as RFC 6902 operations, in the order
 * `diffJson` reported them; `status` and `header` differences are skipped. Without normalizers, array keys
 * or redaction, applying them to live's body yields candidate's.
 *
 * @example
 * toJsonPatch(diffJson({ a: 1 }, { a: 2, b: 3 }, 'GET /x'))
 * // [{ op: 'replace', path: '/a', value: 2 }, { op: 'add', path: '/b', value: 3 }]
 */
export function toJsonPatch(differences: readonly Difference[]): PatchOperation[] {
  const operations: PatchOperation[] = [];
  for (const d of differences) {
    if (d.kind === 'added') operations.push({ op: 'add', path: d.pointer, value: d.candidate });
    else if (d.kind === 'removed') operations.push({ op: 'remove', path: d.pointer });
    else if (d.kind === 'changed' || d.kind === 'type')
      operations.push({ op: 'replace', path: d.pointer, value: d.candidate });
  }
  return operations;
}
