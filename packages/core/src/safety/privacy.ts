import type { RequestRecord } from '../model.js';

/** Methods replayed unless the user opts in to more: replaying a write against live changes production data. */
export const SAFE_METHODS: readonly string[] = ['GET', 'HEAD', 'OPTIONS'];

/** Headers never forwarded nor reported unless allowed. */
export const DEFAULT_SECRET_HEADERS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-amz-security-token',
  'x-auth-token',
  'x-csrf-token',
];

/** Query parameters stripped before replay and redacted in reports. */
export const DEFAULT_SECRET_QUERY_PARAMS: readonly string[] = [
  'api_key',
  'apikey',
  'token',
  'access_token',
  'id_token',
  'refresh_token',
  'sig',
  'signature',
  'x-amz-signature',
  'x-amz-security-token',
  'x-amz-credential',
  'password',
  'secret',
  'client_secret',
];

export const REDACTED = '[redacted]';

export interface PrivacyOptions {
  secretHeaders?: readonly string[];
  secretQueryParams?: readonly string[];
  /** Names the user explicitly allows through (header or query parameter). */
  allow?: readonly string[];
}

export interface Privacy {
  isSecretHeader(name: string): boolean;
  isSecretQueryParam(name: string): boolean;
  /** The record as it may be replayed: secret headers and query parameters removed. */
  stripRecord(record: RequestRecord): RequestRecord;
  /** A path whose secret query values are replaced by `[redacted]`, for reports. */
  redactPath(path: string): string;
  /** Headers with secret values replaced by `[redacted]`, for reports. */
  redactHeaders(headers: Record<string, string>): Record<string, string>;
  /** Replaces every secret value seen so far in `text` (values registered with `remember`). */
  redactText(text: string): string;
  /** Registers a secret value (from a log or an injected header) so it is scrubbed from any text. */
  remember(value: string): void;
}

/**
 * Builds the privacy policy of one run: which headers and query parameters are secret, how to strip them
 * from a replayed request and how to redact them from any report.
 *
 * @example
 * const privacy = createPrivacy({});
 * privacy.stripRecord({ method: 'GET', path: '/a?token=x&b=1', headers: { cookie: 'c' } });
 * // → { method: 'GET', path: '/a?b=1', headers: {} }
 */
export function createPrivacy(options: PrivacyOptions = {}): Privacy {
  const allow = new Set((options.allow ?? []).map((n) => n.toLowerCase()));
  const headers = new Set((options.secretHeaders ?? DEFAULT_SECRET_HEADERS).map((n) => n.toLowerCase()));
  const params = new Set((options.secretQueryParams ?? DEFAULT_SECRET_QUERY_PARAMS).map((n) => n.toLowerCase()));
  const secrets = new Set<string>();
  const isSecretHeader = (name: string) => headers.has(name.toLowerCase()) && !allow.has(name.toLowerCase());
  const isSecretQueryParam = (name: string) => params.has(name.toLowerCase()) && !allow.has(name.toLowerCase());
  const remember = (value: string) => {
    // Very short values would redact ordinary words; they are not credentials anyway.
    if (value.length >= 6) secrets.add(value);
  };

  function rewriteQuery(path: string, replace: (name: string, value: string) => string | undefined): string {
    const q = path.indexOf('?');
    if (q < 0) return path;
    const kept: string[] = [];
    for (const pair of path.slice(q + 1).split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {}
      if (!isSecretQueryParam(name)) {
        kept.push(pair);
        continue;
      }
      const replaced = replace(rawName, rawValue);
      if (replaced !== undefined) kept.push(replaced);
    }
    return kept.length > 0 ? `${path.slice(0, q)}?${kept.join('&')}` : path.slice(0, q);
  }

  return {
    isSecretHeader,
    isSecretQueryParam,
    remember,
    stripRecord(record) {
      const kept: Record<string, string> = {};
      for (const [name, value] of Object.entries(record.headers)) {
        if (isSecretHeader(name)) remember(value);
        else kept[name] = value;
      }
      const path = rewriteQuery(record.path, (_name, value) => {
        if (value) {
          try {
            remember(decodeURIComponent(value));
          } catch {
            remember(value);
          }
        }
        return undefined;
      });
      return { ...record, path, headers: kept };
    },
    redactPath(path) {
      return rewriteQuery(path, (name) => `${name}=${REDACTED}`);
    },
    redactHeaders(input) {
      const out: Record<string, string> = {};
      for (const [name, value] of Object.entries(input)) out[name] = isSecretHeader(name) ? REDACTED : value;
      return out;
    },
    redactText(text) {
      let out = text;
      for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
      return out;
    },
  };
}
