import jsonPatch from 'fast-json-patch';
import type { Difference, ExchangeResponse } from '../model.js';
import { splitPointer } from './pointer.js';

export interface DiffOptions {
  /** Response headers compared (lower case). */
  headers?: readonly string[];
}

const decoder = new TextDecoder('utf-8', { fatal: false });

function isJson(response: ExchangeResponse): boolean {
  const type = response.headers['content-type'] ?? '';
  return /[/+]json\b/i.test(type);
}

/** Parses a JSON body; undefined when the body is not valid JSON. */
export function parseJsonBody(body: Uint8Array): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(decoder.decode(body)) };
  } catch {
    return undefined;
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function valueAt(document: unknown, segments: string[]): unknown {
  let node: unknown = document;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/**
 * Structural differences between two JSON documents, as typed differences with JSON Pointers.
 *
 * @example
 * diffJson({ a: 1, b: 'x' }, { a: '1', c: true }, 'GET /x')
 * // [{ kind: 'type', pointer: '/a', ... }, { kind: 'removed', pointer: '/b' }, { kind: 'added', pointer: '/c' }]
 */
export function diffJson(live: unknown, candidate: unknown, route: string): Difference[] {
  if (live === null || candidate === null || typeof live !== 'object' || typeof candidate !== 'object') {
    if (Object.is(live, candidate)) return [];
    const kind = typeName(live) === typeName(candidate) ? 'changed' : 'type';
    return [{ route, pointer: '', kind, live, candidate }];
  }
  if (Array.isArray(live) !== Array.isArray(candidate)) {
    return [{ route, pointer: '', kind: 'type', live, candidate }];
  }
  const differences: Difference[] = [];
  for (const op of jsonPatch.compare(live as object, candidate as object)) {
    const segments = splitPointer(op.path);
    if (op.op === 'add') {
      differences.push({ route, pointer: op.path, kind: 'added', candidate: op.value });
    } else if (op.op === 'remove') {
      differences.push({ route, pointer: op.path, kind: 'removed', live: valueAt(live, segments) });
    } else if (op.op === 'replace') {
      const before = valueAt(live, segments);
      const kind = typeName(before) === typeName(op.value) ? 'changed' : 'type';
      differences.push({ route, pointer: op.path, kind, live: before, candidate: op.value });
    }
  }
  return differences;
}

/**
 * Compares live's and candidate's answers to one request: status, chosen headers, and body (JSON
 * structurally, anything else as text).
 */
export function diffResponses(
  live: ExchangeResponse,
  candidate: ExchangeResponse,
  route: string,
  options: DiffOptions = {},
): Difference[] {
  const differences: Difference[] = [];
  if (live.status !== candidate.status) {
    differences.push({ route, pointer: '/status', kind: 'status', live: live.status, candidate: candidate.status });
  }
  for (const name of options.headers ?? []) {
    const a = live.headers[name];
    const b = candidate.headers[name];
    if (a !== b) differences.push({ route, pointer: `/headers/${name}`, kind: 'header', live: a, candidate: b });
  }
  const liveJson = isJson(live) ? parseJsonBody(live.body) : undefined;
  const candidateJson = isJson(candidate) ? parseJsonBody(candidate.body) : undefined;
  if (liveJson && candidateJson) {
    differences.push(...diffJson(liveJson.value, candidateJson.value, route));
  } else if (Buffer.compare(Buffer.from(live.body), Buffer.from(candidate.body)) !== 0) {
    differences.push({
      route,
      pointer: '',
      kind: 'changed',
      live: decoder.decode(live.body).slice(0, 2000),
      candidate: decoder.decode(candidate.body).slice(0, 2000),
    });
  }
  return differences;
}
