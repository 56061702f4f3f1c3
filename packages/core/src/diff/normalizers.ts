/**
 * Built-in normalizers for values that differ between two calls to the same version. They
 * are applied lazily: only where the diff finds two values that differ does it ask whether they are equal
 * once normalized, so an equal document costs nothing.
 */

/** Names of the built-in normalizers; each is on by default and can be switched off. */
export type NormalizerName = 'ids' | 'timestamps' | 'headers' | 'origins';

/** `origins` (each side's own URLs in bodies and `Location`/`Content-Location`/`Link`) works on text before parsing: see createOriginRewriter. */
export const NORMALIZER_NAMES: readonly NormalizerName[] = ['ids', 'timestamps', 'headers', 'origins'];

/** Default distance from the comparison time within which two timestamps are taken as "now" (5 minutes). */
export const DEFAULT_TIMESTAMP_WINDOW_MS = 5 * 60 * 1000;

/** Fields that carry per-request identifiers (camelCase, snake_case or kebab-case). Plain `id` is not one. */
const ID_FIELD =
  /^(?:x[-_]?)?(?:amzn[-_]?)?(?:request|req|trace|span|correlation|transaction|txn|message|msg|event|execution|invocation|idempotency|session|operation|causation)[-_]?(?:id|uuid)$|^(?:uuid|guid|nonce)$/i;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const HEX = /^[0-9a-f]{16,}$/i;
/** Opaque tokens: optional prefix (`req_`, `1-`), then 12+ url-safe characters with at least one digit. */
const OPAQUE = /^(?:[a-z]{1,8}[_-])?(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{12,}$/;

/**
 * True when a value looks like a generated identifier (UUID, ULID, long hex, or an opaque token).
 *
 * @example
 * isIdLike('3f2c8a2e-5d7b-4e2a-9a51-0c1c3a1f9b77') // true
 * isIdLike('shipped') // false
 */
export function isIdLike(value: string): boolean {
  return UUID.test(value) || ULID.test(value) || HEX.test(value) || OPAQUE.test(value);
}

/**
 * True when a field name is one that carries a per-request identifier (`requestId`, `trace_id`, `x-correlation-id`).
 *
 * @example
 * isIdField('requestId') // true
 * isIdField('id') // false: an entity's id is data, not noise
 */
export function isIdField(name: string): boolean {
  return ID_FIELD.test(name);
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;

/** Milliseconds since the epoch of an ISO-8601 string or an epoch number (seconds or milliseconds), else undefined. */
export function timestampOf(value: unknown): number | undefined {
  if (typeof value === 'string') {
    if (value.length < 16 || value.length > 40 || !ISO_8601.test(value)) return undefined;
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (value >= 1e9 && value < 1e10) return value * 1000;
    if (value >= 1e12 && value < 1e13) return value;
  }
  return undefined;
}

function epochUnit(value: number): 's' | 'ms' {
  return value < 1e10 ? 's' : 'ms';
}

/** Headers whose value changes on every response. */
export const VOLATILE_HEADERS: readonly string[] = [
  'date',
  'age',
  'etag',
  'last-modified',
  'expires',
  'x-request-id',
  'request-id',
  'x-correlation-id',
  'x-amzn-requestid',
  'x-amz-request-id',
  'x-amz-id-2',
  'x-amz-cf-id',
  'x-amz-apigw-id',
  'x-amzn-trace-id',
  'traceparent',
  'tracestate',
  'x-b3-traceid',
  'x-b3-spanid',
  'server-timing',
  'x-response-time',
  'x-runtime',
];
const volatileHeaders = new Set(VOLATILE_HEADERS);

/** Canonical form of a Content-Type: lower case, no blanks or quotes, and no `charset=utf-8` on JSON. */
function canonicalContentType(value: string): string {
  const [type = '', ...parameters] = value
    .split(';')
    .map((part) =>
      part
        .trim()
        .toLowerCase()
        .replace(/\s*=\s*/, '=')
        .replace(/"/g, ''),
    )
    .filter(Boolean);
  // JSON is UTF-8 by definition (RFC 8259): saying so is not a change.
  const kept = /[/+]json$/.test(type) ? parameters.filter((p) => p !== 'charset=utf-8') : parameters;
  return [type, ...kept].join(';');
}

export interface Normalizers {
  /** True when two different scalar values at `field` are equal once normalized; names the normalizer. */
  equalValues(
    field: string | undefined,
    live: unknown,
    candidate: unknown,
    now: number,
  ): NormalizerName | undefined;
  /** True when two values of header `name` are equal once normalized. */
  equalHeaders(name: string, live: string, candidate: string): boolean;
}

/**
 * Builds the normalizers of a run. All are on unless switched off.
 *
 * @example
 * const n = createNormalizers({ timestamps: false });
 * n.equalValues('requestId', 'a1b2c3d4e5f60718', '0f1e2d3c4b5a6978', Date.now()) // 'ids'
 */
export function createNormalizers(
  switches: Partial<Record<NormalizerName, boolean>> = {},
  windowMs: number = DEFAULT_TIMESTAMP_WINDOW_MS,
): Normalizers {
  const ids = switches.ids !== false;
  const timestamps = switches.timestamps !== false;
  const headers = switches.headers !== false;
  return {
    equalValues(field, live, candidate, now) {
      if (
        ids &&
        field !== undefined &&
        typeof live === 'string' &&
        typeof candidate === 'string' &&
        isIdField(field)
      ) {
        if (isIdLike(live) && isIdLike(candidate)) return 'ids';
      }
      // Same representation only: seconds against milliseconds is a change of format, not noise.
      if (
        timestamps &&
        typeof live === typeof candidate &&
        (typeof live !== 'number' || epochUnit(live) === epochUnit(candidate as number))
      ) {
        const a = timestampOf(live);
        if (a !== undefined && Math.abs(a - now) <= windowMs) {
          const b = timestampOf(candidate);
          if (b !== undefined && Math.abs(b - now) <= windowMs) return 'timestamps';
        }
      }
      return undefined;
    },
    equalHeaders(name, live, candidate) {
      if (!headers) return false;
      if (volatileHeaders.has(name)) return true;
      if (name === 'content-type') return canonicalContentType(live) === canonicalContentType(candidate);
      return false;
    },
  };
}
