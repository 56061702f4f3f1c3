import type { RequestRecord } from '../model.js';
import { findSecretValues } from './findSecretValues.js';
import { REDACTED } from './privacy.js';

/** Headers that make a service treat a GET as another method (`X-HTTP-Method-Override: DELETE`). */
export const METHOD_OVERRIDE_HEADERS: readonly string[] = [
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
];

/** Headers that make a proxy or framework route or rewrite the request elsewhere (`X-Original-URL: /admin`). */
export const ROUTING_HEADERS: readonly string[] = [
  'forwarded',
  'x-original-url',
  'x-original-uri',
  'x-rewrite-url',
  'x-original-host',
  'x-host',
  'x-http-host-override',
  'x-envoy-original-path',
];

/** Query parameters and form fields that override the method (`_method=DELETE`, Rails and Laravel). */
export const METHOD_OVERRIDE_PARAMS: readonly string[] = ['_method', 'x-http-method-override'];

/**
 * Headers the HTTP client refuses or sets itself (undici throws on `expect`, `connection`, `upgrade`…):
 * dropped before sending and counted, so a logged `Expect: 100-continue` is not blamed on live.
 */
export const CLIENT_HEADERS: readonly string[] = [
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'proxy-connection',
  'http2-settings',
];

/** What the sanitizer took out of the chosen records, by name. */
export interface SafetyCounts {
  /** Method-override and routing headers, and method-override parameters, stripped (`x-forwarded-host: 3`). */
  stripped: Record<string, number>;
  /** Headers the HTTP client refuses, dropped (`expect: 1`). */
  dropped: Record<string, number>;
  /** JWTs and AWS access key ids masked by their value in paths, header values and bodies. */
  masked: number;
}

/** A fresh, empty tally. */
export function createSafetyCounts(): SafetyCounts {
  return { stripped: {}, dropped: {}, masked: 0 };
}

export interface SanitizeOptions {
  /** Override or routing header names the user lets through (`--keep-header`). */
  keepHeaders?: readonly string[];
  /** Called with each credential masked by value, so reports scrub it wherever it is echoed. */
  remember?: (value: string) => void;
}

const bump = (tally: Record<string, number>, name: string) => {
  tally[name] = (tally[name] ?? 0) + 1;
};

/**
 * The record as it may be sent: method-override and routing headers stripped (unless kept), headers the
 * client refuses dropped, `_method` parameters removed from the query and form bodies, and credentials
 * recognised by value (JWTs, AWS access key ids) replaced by `[redacted]` in the path, header values and
 * body. Everything removed is counted in `counts`.
 *
 * @example
 * sanitizeRequest({ method: 'GET', path: '/a?_method=DELETE', headers: { 'x-http-method-override': 'DELETE' } }, createSafetyCounts())
 * // → { method: 'GET', path: '/a', headers: {} }
 */
export function sanitizeRequest(
  record: RequestRecord,
  counts: SafetyCounts,
  options: SanitizeOptions = {},
): RequestRecord {
  const keep = new Set((options.keepHeaders ?? []).map((name) => name.toLowerCase()));
  const mask = (text: string): string => {
    let out = text;
    for (const secret of findSecretValues(text)) {
      counts.masked += 1;
      options.remember?.(secret);
      out = out.split(secret).join(REDACTED);
    }
    return out;
  };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.headers)) {
    const lower = name.toLowerCase();
    if (CLIENT_HEADERS.includes(lower)) {
      bump(counts.dropped, lower);
      continue;
    }
    const steers =
      METHOD_OVERRIDE_HEADERS.includes(lower) ||
      ROUTING_HEADERS.includes(lower) ||
      lower.startsWith('x-forwarded-');
    if (steers && !keep.has(lower)) {
      bump(counts.stripped, lower);
      continue;
    }
    headers[name] = mask(value);
  }
  const out: RequestRecord = { ...record, path: mask(withoutOverrideParams(record.path, counts)), headers };
  if (record.body !== undefined && record.bodyEncoding !== 'base64') {
    const isForm = /application\/x-www-form-urlencoded/i.test(headers['content-type'] ?? '');
    out.body = mask(isForm ? withoutOverrideFields(record.body, counts) : record.body);
  }
  return out;
}

function isOverrideParam(rawName: string): boolean {
  let name = rawName;
  try {
    name = decodeURIComponent(rawName.replace(/\+/g, ' '));
  } catch {}
  return METHOD_OVERRIDE_PARAMS.includes(name.toLowerCase());
}

function withoutOverrideParams(path: string, counts: SafetyCounts): string {
  const q = path.indexOf('?');
  if (q < 0) return path;
  const query = withoutOverrideFields(path.slice(q + 1), counts);
  return query === '' ? path.slice(0, q) : `${path.slice(0, q)}?${query}`;
}

/** `a=1&_method=DELETE` → `a=1`: a query or a form body without its method overrides. */
function withoutOverrideFields(pairs: string, counts: SafetyCounts): string {
  if (!/_method|method-override/i.test(pairs)) return pairs;
  return pairs
    .split('&')
    .filter((pair) => {
      const name = pair.split('=', 1)[0] as string;
      if (!isOverrideParam(name)) return true;
      bump(counts.stripped, name.toLowerCase());
      return false;
    })
    .join('&');
}
