import { REDACTED, SECRET_FIELD } from '../safety/privacy.js';

/** How much of the response values a report shows: `redacted` (default) masks secret-looking values. */
export type ReportBodies = 'none' | 'redacted' | 'full';

export const REPORT_BODIES: readonly ReportBodies[] = ['none', 'redacted', 'full'];

/** Keys whose values are never shown, beyond the request-side secret names. */
const SECRET_KEY = new RegExp(
  `${SECRET_FIELD.source}|csrf|xsrf|cookie|session|authenticity|verification[-_]?token|^(?:sig|pwd)$`,
  'i',
);

// Values that look like credentials wherever they appear, whatever their key: each pattern names what it
// hides, so a reader knows a value was there and what kind it was.
const VALUE_PATTERNS: ReadonlyArray<[RegExp, string | ((...groups: string[]) => string)]> = [
  // PEM private keys, whole blocks.
  [
    /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
    '[redacted:private-key]',
  ],
  // AWS credential ids by their unique-ID prefix (IAM User Guide, "IAM identifiers", unique ID prefixes):
  // AKIA access keys, ASIA temporary STS keys, ABIA STS bearer tokens, ACCA context-specific credentials.
  [/\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g, '[redacted:aws-key]'],
  // Connection strings and URLs with user:password@ (postgres://, mongodb+srv://, redis://, https://).
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s:@/'"<>]*:[^\s@/'"<>]*@/gi, (_m, scheme) => `${scheme}[redacted]@`],
  // JSON Web Tokens.
  [/\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g, '[redacted:jwt]'],
  // Authorization schemes written into bodies.
  [/\b(Bearer|Basic|Token)\s+[\w.~+/=-]{8,}/g, (_m, scheme) => `${scheme} [redacted]`],
  // CSRF tokens in HTML: <meta name="csrf-token" content="…">, <input name="_csrf" value="…">, either order.
  [
    /(\bname\s*=\s*["']?[\w-]*(?:csrf|xsrf|authenticity_token|verificationtoken)[\w-]*["']?[^>]*?\b(?:content|value)\s*=\s*["']?)[^"'\s>]+/gi,
    (_m, head) => `${head}${REDACTED}`,
  ],
  [
    /(\b(?:content|value)\s*=\s*["']?)[^"'\s>]+(["']?[^>]*?\bname\s*=\s*["']?[\w-]*(?:csrf|xsrf|authenticity_token|verificationtoken))/gi,
    (_m, head, tail) => `${head}${REDACTED}${tail}`,
  ],
  // key=value pairs with a secret key, in query strings, form bodies and config text.
  [
    /\b([\w-]*(?:pass(?:word|wd)?|pwd|secret|token|api[-_]?key|csrf|xsrf|session[-_]?id|signature)\s*[=:]\s*)(?!\[redacted)[^\s&;,"'<>]+/gi,
    (_m, head) => `${head}${REDACTED}`,
  ],
  // E-mail addresses.
  [/[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b/gi, '[redacted:email]'],
];

/**
 * A text with every credential-looking value masked: AWS access key ids, `user:password@` in URLs and
 * connection strings, JWTs, bearer tokens, private keys, CSRF tokens in HTML, `password=…`-style pairs,
 * and e-mail addresses.
 *
 * @example
 * maskSecretText('postgres://app:hunter2@db:5432/x, ops@example.com') // 'postgres://[redacted]@db:5432/x, [redacted:email]'
 */
export function maskSecretText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of VALUE_PATTERNS) {
    out = out.replace(pattern, replacement as string);
  }
  return out;
}

/**
 * A response value as a report may show it under `--report-bodies redacted`: values under secret-looking
 * keys replaced by `[redacted]`, every string masked by `maskSecretText`.
 *
 * @example
 * maskSecretValues({ email: 'a@b.example', csrfToken: 'x1' }) // { email: '[redacted:email]', csrfToken: '[redacted]' }
 */
export function maskSecretValues(value: unknown, key = ''): unknown {
  if (key !== '' && SECRET_KEY.test(key) && value !== null && value !== undefined) return REDACTED;
  if (typeof value === 'string') return maskSecretText(value);
  if (Array.isArray(value)) return value.map((item) => maskSecretValues(item));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskSecretValues(v, k);
    return out;
  }
  return value;
}

/** The last segment of a pointer (`/user/apiKey` → `apiKey`, `/headers/set-cookie` → `set-cookie`). */
const lastSegment = (pointer: string) => pointer.slice(pointer.lastIndexOf('/') + 1).replace(/~1/g, '/');

/**
 * One sample's values under a `--report-bodies` mode: `none` drops them (pointers and kinds stay),
 * `redacted` masks them (and hides the whole value when the pointer itself names a secret), `full` keeps
 * them as the diff saw them.
 */
export function limitSampleValues<T extends { pointer: string; live?: unknown; candidate?: unknown }>(
  sample: T,
  mode: ReportBodies,
): T {
  if (mode === 'full') return sample;
  const { live, candidate, ...rest } = sample;
  if (mode === 'none') return rest as T;
  const key = lastSegment(sample.pointer);
  const out = { ...rest } as T;
  if (live !== undefined) out.live = maskSecretValues(live, key);
  if (candidate !== undefined) out.candidate = maskSecretValues(candidate, key);
  return out;
}

/**
 * A saved report with its samples' values limited to `mode` (for re-rendering and merging): values can be
 * masked or left out again, never brought back, so `full` keeps what the report has.
 *
 * @example
 * const shareable = limitReportBodies(report, 'none');
 */
export function limitReportBodies<
  R extends { fields: Array<{ samples: Array<{ pointer: string }> }>; limits?: { bodies: ReportBodies } },
>(report: R, mode: ReportBodies): R {
  const saved = report.limits?.bodies ?? 'full';
  const strictest = (['none', 'redacted', 'full'] as const).find((m) => m === mode || m === saved) ?? mode;
  return {
    ...report,
    fields: report.fields.map((field) => ({
      ...field,
      samples: field.samples.map((sample) => limitSampleValues(sample, strictest)),
    })),
    ...(report.limits ? { limits: { ...report.limits, bodies: strictest } } : {}),
  };
}
