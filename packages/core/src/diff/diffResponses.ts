import { createHash } from 'node:crypto';
import type { Difference, ExchangeResponse } from '../model.js';
import { DEFAULT_SECRET_HEADERS, type Privacy, REDACTED } from '../safety/privacy.js';
import { type DiffJsonOptions, diffJson } from './diffJson.js';

export { diffJson };

/** Headers compared when the user names none: the ones whose change a client notices. */
export const DEFAULT_COMPARED_HEADERS: readonly string[] = [
  'content-type',
  'cache-control',
  'location',
  'content-language',
  'content-disposition',
  'access-control-allow-origin',
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

const decoder = new TextDecoder('utf-8', { fatal: false });
const TEXT_TYPE =
  /^text\/|[/+](?:json|xml|javascript|ecmascript|x-www-form-urlencoded|yaml|x-yaml|csv|graphql)\b/i;
const JSON_TYPE = /[/+]json\b/i;
const MAX_TEXT_IN_REPORT = 2000;
const secretHeaders = new Set(DEFAULT_SECRET_HEADERS);

/** Parses a JSON body; undefined when the body is not valid JSON. */
export function parseJsonBody(body: Uint8Array): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(decoder.decode(body)) };
  } catch {
    return undefined;
  }
}

/**
 * Decides how a body is compared: JSON bodies (by content type, or any body that parses when there is none)
 * structurally, text as text, anything else by hash.
 *
 * @example
 * prepareBody({ headers: { 'content-type': 'application/json' }, body: Buffer.from('{"a":1}') }) // { kind: 'json', value: { a: 1 } }
 */
export function prepareBody(
  response: Pick<ExchangeResponse, 'headers' | 'body' | 'truncated'>,
): PreparedBody {
  const type = response.headers['content-type'];
  if (!response.truncated && response.body.length > 0 && (type === undefined || JSON_TYPE.test(type))) {
    const parsed = parseJsonBody(response.body);
    if (parsed) return { kind: 'json', value: parsed.value };
  }
  if (type === undefined || TEXT_TYPE.test(type))
    return { kind: 'text', text: decoder.decode(response.body) };
  return { kind: 'bytes', bytes: response.body };
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

/** Differences of the chosen headers; secret headers are compared but their values never reported. */
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

/**
 * Compares live's and candidate's answers to one request: status, chosen headers, and body (JSON
 * structurally, text as text, anything else by hash).
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
  differences.push(...diffBodies(bodies.live, bodies.candidate, route, options));
  return differences;
}
