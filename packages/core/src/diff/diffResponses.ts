import { createHash } from 'node:crypto';
import type { Difference, ExchangeResponse } from '../model.js';
import { DEFAULT_SECRET_HEADERS, type Privacy, REDACTED } from '../safety/privacy.js';
import { type DiffJsonOptions, diffJson } from './diffJson.js';
import { decodeUtf8, parseJsonBody, parseJsonText } from './parseJsonBody.js';

export { diffJson, parseJsonBody };

/**
 * Headers compared when the user names none: the ones whose change or removal a client notices (paging,
 * links, redirects, caching, encoding, content negotiation and CORS).
 */
export const DEFAULT_COMPARED_HEADERS: readonly string[] = [
  'content-type',
  'content-encoding',
  'cache-control',
  'vary',
  'location',
  'content-location',
  'link',
  'x-total-count',
  'content-language',
  'content-disposition',
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-expose-headers',
  'access-control-max-age',
];

export interface DiffOptions extends DiffJsonOptions {
  /** Response headers compared (lower case; default {@link DEFAULT_COMPARED_HEADERS}). */
  headers?: readonly string[];
  /** How header values are redacted in differences (default: the built-in secret headers hidden). */
  redactHeader?: HeaderRedactor;
}

/** A response body ready to compare: parsed JSON, decoded text, or raw bytes (compared by hash). */
export type PreparedBody =
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array };

const TEXT_TYPE =
  /^text\/|[/+](?:json|xml|javascript|ecmascript|x-www-form-urlencoded|yaml|x-yaml|csv|graphql)\b/i;
const JSON_TYPE = /[/+]json\b/i;
const MAX_TEXT_IN_REPORT = 2000;
const secretHeaders = new Set(DEFAULT_SECRET_HEADERS);

/**
 * Decides how a body is compared: JSON bodies (by content type, or any body that parses when there is none)
 * structurally with numbers kept exactly, text as text, anything else by hash. A body that is not valid UTF-8
 * is compared as bytes (decoding would turn any invalid sequence into the same U+FFFD). `rewrite` edits the
 * text before it is parsed (each side's own origin becomes a placeholder).
 *
 * @example
 * prepareBody({ headers: { 'content-type': 'application/json' }, body: Buffer.from('{"a":1}') }) // { kind: 'json', value: { a: 1 } }
 */
export function prepareBody(
  response: Pick<ExchangeResponse, 'headers' | 'body' | 'truncated'>,
  rewrite?: (text: string) => string,
): PreparedBody {
  const type = response.headers['content-type'];
  const textual = type === undefined || TEXT_TYPE.test(type);
  if (!textual) return { kind: 'bytes', bytes: response.body };
  const decoded = decodeUtf8(response.body);
  if (decoded === undefined) return { kind: 'bytes', bytes: response.body };
  const text = rewrite ? rewrite(decoded) : decoded;
  if (!response.truncated && text.length > 0 && (type === undefined || JSON_TYPE.test(type))) {
    const parsed = parseJsonText(text);
    if (parsed) return { kind: 'json', value: parsed.value };
  }
  return { kind: 'text', text };
}

function summarizeBytes(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')} (${bytes.length} bytes)`;
}

function clip(text: string): string {
  return text.length > MAX_TEXT_IN_REPORT ? `${text.slice(0, MAX_TEXT_IN_REPORT)}…` : text;
}

/** Body differences of two prepared bodies. */
export function diffBodies(
  live: PreparedBody,
  candidate: PreparedBody,
  route: string,
  options: DiffJsonOptions = {},
): Difference[] {
  if (live.kind === 'json' && candidate.kind === 'json')
    return diffJson(live.value, candidate.value, route, options);
  if (live.kind === 'bytes' || candidate.kind === 'bytes') {
    const a =
      live.kind === 'bytes'
        ? live.bytes
        : Buffer.from(live.kind === 'text' ? live.text : JSON.stringify(live.value));
    const b =
      candidate.kind === 'bytes'
        ? candidate.bytes
        : Buffer.from(candidate.kind === 'text' ? candidate.text : JSON.stringify(candidate.value));
    if (
      Buffer.compare(
        Buffer.from(a.buffer, a.byteOffset, a.byteLength),
        Buffer.from(b.buffer, b.byteOffset, b.byteLength),
      ) === 0
    )
      return [];
    return [{ route, pointer: '', kind: 'changed', live: summarizeBytes(a), candidate: summarizeBytes(b) }];
  }
  if (live.kind === 'json' || candidate.kind === 'json') {
    // One side answered JSON, the other text that does not parse: the body changed type.
    const a = live.kind === 'json' ? live.value : clip(live.text);
    const b = candidate.kind === 'json' ? candidate.value : clip(candidate.text);
    return [{ route, pointer: '', kind: 'type', live: a, candidate: b }];
  }
  if (live.text === candidate.text) return [];
  return [{ route, pointer: '', kind: 'changed', live: clip(live.text), candidate: clip(candidate.text) }];
}

/** Headers whose value is a URL, whose query may carry a token (`Location: /cb?access_token=…`). */
const URL_HEADERS = new Set(['location', 'content-location', 'link', 'refresh']);

/** Redacts a header value for a report: secret headers whole, URL headers in their secret query parameters. */
export type HeaderRedactor = (name: string, value: string) => string;

const defaultRedactor: HeaderRedactor = (name, value) => (secretHeaders.has(name) ? REDACTED : value);

/**
 * The header redactor of a run's privacy policy: its secret headers (the user's included) hidden whole, and
 * secret query parameters redacted inside URL-valued headers.
 *
 * @example
 * headerRedactor(createPrivacy())('location', '/cb?access_token=abc') // '/cb?access_token=[redacted]'
 */
export function headerRedactor(privacy: Privacy): HeaderRedactor {
  return (name, value) =>
    privacy.isSecretHeader(name) ? REDACTED : URL_HEADERS.has(name) ? privacy.redactPath(value) : value;
}

/** Headers whose value is a list whose order carries no meaning: compared as sets of tokens. */
const TOKEN_SET_HEADERS = new Set([
  'vary',
  'cache-control',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-expose-headers',
]);

function tokenSet(value: string, drop?: string): string {
  const tokens = new Set<string>();
  for (const raw of value.split(',')) {
    const token = raw
      .trim()
      .toLowerCase()
      .replace(/\s*=\s*/, '=');
    if (token !== '' && token !== drop) tokens.add(token === 'x-gzip' ? 'gzip' : token);
  }
  return [...tokens].sort().join(',');
}

/** `Link` values split at the commas between `<…>` links, so their order does not count. */
function linkSet(value: string): string {
  return value
    .split(/,\s*(?=<)/)
    .map((link) => link.trim().replace(/\s*;\s*/g, ';'))
    .filter(Boolean)
    .sort()
    .join(',');
}

/**
 * Header values compared by meaning rather than text: list headers (`Vary`, `Cache-Control`, CORS lists) as
 * sets of case-insensitive tokens; `Link` as a set of links; `Content-Encoding` as the set of codings applied,
 * where `identity` and no header at all are the same (no coding), so `gzip` against none is still a difference
 * but `gzip` against `x-gzip` is not.
 *
 * @example
 * equalHeaderValues('vary', 'Accept-Encoding, Origin', 'origin,accept-encoding') // true
 * equalHeaderValues('content-encoding', undefined, 'identity') // true
 */
export function equalHeaderValues(
  name: string,
  live: string | undefined,
  candidate: string | undefined,
): boolean {
  if (live === candidate) return true;
  if (name === 'content-encoding')
    return tokenSet(live ?? '', 'identity') === tokenSet(candidate ?? '', 'identity');
  if (live === undefined || candidate === undefined) return false;
  if (TOKEN_SET_HEADERS.has(name)) return tokenSet(live) === tokenSet(candidate);
  if (name === 'link') return linkSet(live) === linkSet(candidate);
  return false;
}

/**
 * Differences of the chosen headers (kind `header`, at `/headers/<name>`); secret headers are compared but
 * their values never reported. A header candidate no longer sends is breaking, like a removed field (see
 * `isBreakingDifference`).
 */
export function diffHeaders(
  live: Record<string, string>,
  candidate: Record<string, string>,
  names: readonly string[],
  route: string,
  equal: (name: string, live: string, candidate: string) => boolean = () => false,
  redact: HeaderRedactor = defaultRedactor,
): Difference[] {
  const differences: Difference[] = [];
  for (const raw of names) {
    const name = raw.toLowerCase();
    const a = live[name];
    const b = candidate[name];
    if (a === b) continue;
    if (equalHeaderValues(name, a, b)) continue;
    if (a !== undefined && b !== undefined && equal(name, a, b)) continue;
    const kind = 'header';
    const difference: Difference = {
      route,
      pointer: `/headers/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`,
      kind,
    };
    if (a !== undefined) difference.live = redact(name, a);
    if (b !== undefined) difference.candidate = redact(name, b);
    differences.push(difference);
  }
  return differences;
}

/** How a truncated body shows in a difference: its length and the hash of the part that was read. */
function describeTruncated(response: ExchangeResponse): string {
  return response.truncated
    ? `truncated after ${summarizeBytes(response.body)}`
    : `complete, ${summarizeBytes(response.body)}`;
}

/**
 * Compares live's and candidate's answers to one request: status, chosen headers, and body (JSON
 * structurally, text as text, anything else by hash). When either body was cut at the body cap, the bodies are
 * not compared: one `truncated` difference at the whole body (pointer ``) says so.
 *
 * @example
 * diffResponses(live, candidate, 'GET /orders/:id', { headers: ['content-type'] })
 * // [{ route: 'GET /orders/:id', pointer: '/total', kind: 'type', live: 12.5, candidate: '12.50' }]
 */
export function diffResponses(
  live: ExchangeResponse,
  candidate: ExchangeResponse,
  route: string,
  options: DiffOptions = {},
  bodies: { live: PreparedBody; candidate: PreparedBody } = {
    live: prepareBody(live),
    candidate: prepareBody(candidate),
  },
): Difference[] {
  const differences: Difference[] = [];
  if (live.status !== candidate.status) {
    differences.push({
      route,
      pointer: '/status',
      kind: 'status',
      live: live.status,
      candidate: candidate.status,
    });
  }
  const equalHeaders = options.normalizers
    ? options.normalizers.equalHeaders.bind(options.normalizers)
    : undefined;
  differences.push(
    ...diffHeaders(
      live.headers,
      candidate.headers,
      options.headers ?? DEFAULT_COMPARED_HEADERS,
      route,
      equalHeaders,
      options.redactHeader,
    ),
  );
  if (live.truncated || candidate.truncated) {
    // What lies past the cap is unknown: a truncated body is never a match, whatever its first bytes say.
    differences.push({
      route,
      pointer: '',
      kind: 'truncated',
      live: describeTruncated(live),
      candidate: describeTruncated(candidate),
    });
    return differences;
  }
  differences.push(...diffBodies(bodies.live, bodies.candidate, route, options));
  return differences;
}
