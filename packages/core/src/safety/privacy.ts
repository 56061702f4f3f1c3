import { BgReplayError } from '../errors.js';
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

/**
 * Header and query parameter names that are secret by their look, beyond the exact lists above:
 * `X-Access-Token`, `X-Goog-Api-Key`, `Private-Token`, `X-Session-Token`, `accessToken`, `auth_token`, `jwt`,
 * `key`, `sessionid`… No nested quantifier: linear in the name.
 */
export const SECRET_NAME =
  /token|secret|passw(?:or)?d|passwd|session|auth|api[-_]?key|(?:^|[-_.])key(?:$|[-_.])|jwt|signature|credential|cookie|private[-_]?key/i;

/** A cheap superset of `SECRET_NAME`, to skip queries that cannot hold a secret name. */
const SECRET_HINT = /token|secret|pass|session|auth|key|jwt|signature|credential|cookie/i;

/** Body field names whose values are never shown in a report (the diff engine redacts the same names). */
export const SECRET_FIELD =
  /pass(?:word|wd)|secret|token|api[-_]?key|authorization|credential|private[-_]?key|session[-_]?key/i;

/**
 * A request body with the values of secret-looking fields replaced by `[redacted]`: JSON (any depth) and
 * form-encoded bodies; anything else is returned as it is. For reports and sample files, never for replay.
 *
 * @example
 * redactBodyFields('{"user":"ann","password":"hunter2"}', () => false) // '{"user":"ann","password":"[redacted]"}'
 */
export function redactBodyFields(body: string, isSecretParam: (name: string) => boolean): string {
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.stringify(JSON.parse(body), (key, value) =>
        key !== '' && SECRET_FIELD.test(key) && value !== null && typeof value !== 'object'
          ? REDACTED
          : value,
      );
    } catch {
      return body;
    }
  }
  if (/^[^=&\s]+=[^&]*(&[^=&\s]+=[^&]*)*$/.test(body)) {
    return body
      .split('&')
      .map((pair) => {
        const raw = pair.slice(0, pair.indexOf('='));
        let name = raw;
        try {
          name = decodeURIComponent(raw.replace(/\+/g, ' '));
        } catch {}
        return SECRET_FIELD.test(name) || isSecretParam(name) ? `${raw}=${REDACTED}` : pair;
      })
      .join('&');
  }
  return body;
}

export interface PrivacyOptions {
  /** Secret header names (default `DEFAULT_SECRET_HEADERS`; replaces it). */
  secretHeaders?: readonly string[];
  /** Secret query parameter names (default `DEFAULT_SECRET_QUERY_PARAMS`; replaces it). */
  secretQueryParams?: readonly string[];
  /** Names the user explicitly lets through to the replay (header or query parameter); still redacted in reports. */
  allow?: readonly string[];
}

/** The secret lists of a run: what is stripped from replayed requests and masked in reports. */
export interface Privacy {
  /** True for a header on the secret list (allowed or not): never shown in a report. */
  isSecretHeader(name: string): boolean;
  isSecretQueryParam(name: string): boolean;
  /** The record as it may be replayed: secret headers and query parameters removed (allowed ones kept, but remembered). */
  stripRecord(record: RequestRecord): RequestRecord;
  /** The record as it may be written to a sample file: every secret removed, allowed or not, and remembered values scrubbed. */
  redactRecord(record: RequestRecord): RequestRecord;
  /** A path whose secret query values are replaced by `[redacted]`, for reports. */
  redactPath(path: string): string;
  /** Headers with secret values replaced by `[redacted]`, for reports. */
  redactHeaders(headers: Record<string, string>): Record<string, string>;
  /** Replaces every secret value seen so far in `text` (values registered with `remember`). */
  redactText(text: string): string;
  /**
   * Registers a secret value so it is scrubbed from any text. A header value (`kind: 'header'`) is also
   * remembered by its parts a service may echo alone: a bearer token without its scheme, each cookie's value.
   */
  remember(value: string, kind?: 'header'): void;
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
  const params = new Set(
    (options.secretQueryParams ?? DEFAULT_SECRET_QUERY_PARAMS).map((n) => n.toLowerCase()),
  );
  const secrets = new Set<string>();
  const escapeRegex = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const secretParamPattern = new RegExp(`(?:^|&)(?:${[...params].map(escapeRegex).join('|')})(?:=|&|$)`, 'i');
  const isSecretHeader = (name: string) => headers.has(name.toLowerCase()) || SECRET_NAME.test(name);
  const isSecretQueryParam = (name: string) => params.has(name.toLowerCase()) || SECRET_NAME.test(name);
  const isAllowed = (name: string) => allow.has(name.toLowerCase());
  const remember = (value: string) => {
    // Very short values would redact ordinary words; they are not credentials anyway.
    if (value.length >= 6) secrets.add(value);
  };
  const rememberEncoded = (value: string) => {
    if (!value) return;
    remember(value);
    try {
      remember(decodeURIComponent(value.replace(/\+/g, ' ')));
    } catch {}
  };
  /** A secret header's value, and the parts of it that a service may echo on their own. */
  const rememberHeader = (value: string) => {
    remember(value);
    // A bearer token is also remembered without its scheme, and each cookie by its value, so they are
    // scrubbed wherever they show up (a service may echo one parsed cookie).
    const space = value.indexOf(' ');
    if (space > 0) remember(value.slice(space + 1));
    for (const part of value.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0) remember(part.slice(eq + 1).trim());
    }
  };
  const redactText = (text: string) => {
    let out = text;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };

  function rewriteQuery(
    path: string,
    replace: (rawName: string, rawValue: string, name: string) => string | undefined,
  ): string {
    const q = path.indexOf('?');
    if (q < 0) return path;
    // Most queries name no secret: one regex test spares splitting and rebuilding them (a hot path).
    const query = path.slice(q + 1);
    if (
      !query.includes('%') &&
      !query.includes('+') &&
      !secretParamPattern.test(query) &&
      !SECRET_HINT.test(query)
    )
      return path;
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
      const replaced = replace(rawName, rawValue, name);
      if (replaced !== undefined) kept.push(replaced);
    }
    return kept.length > 0 ? `${path.slice(0, q)}?${kept.join('&')}` : path.slice(0, q);
  }

  return {
    isSecretHeader,
    isSecretQueryParam,
    remember: (value, kind) => (kind === 'header' ? rememberHeader(value) : remember(value)),
    stripRecord(record) {
      const kept: Record<string, string> = {};
      for (const [name, value] of Object.entries(record.headers)) {
        if (isSecretHeader(name)) {
          rememberHeader(value);
          if (!isAllowed(name)) continue;
        }
        // A referring URL carries the query of another request: its secret parameters go like the path's.
        kept[name] =
          name.toLowerCase() === 'referer'
            ? rewriteQuery(value, (rawName, rawValue, param) => {
                rememberEncoded(rawValue);
                return isAllowed(param) ? `${rawName}=${rawValue}` : undefined;
              })
            : value;
      }
      const path = rewriteQuery(record.path, (rawName, rawValue, name) => {
        rememberEncoded(rawValue);
        return isAllowed(name) ? `${rawName}=${rawValue}` : undefined;
      });
      return { ...record, path, headers: kept };
    },
    redactRecord(record) {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(record.headers)) {
        if (isSecretHeader(name)) rememberHeader(value);
        else
          headers[name] = redactText(
            name.toLowerCase() === 'referer'
              ? rewriteQuery(value, (_rawName, rawValue) => {
                  rememberEncoded(rawValue);
                  return undefined;
                })
              : value,
          );
      }
      const path = rewriteQuery(record.path, (_rawName, rawValue) => {
        rememberEncoded(rawValue);
        return undefined;
      });
      const out: RequestRecord = { ...record, path: redactText(path), headers };
      if (record.body !== undefined && record.bodyEncoding !== 'base64') {
        out.body = redactText(redactBodyFields(record.body, isSecretQueryParam));
      }
      if (record.meta)
        out.meta = Object.fromEntries(Object.entries(record.meta).map(([k, v]) => [k, redactText(v)]));
      return out;
    },
    redactPath(path) {
      return redactText(rewriteQuery(path, (name) => `${name}=${REDACTED}`));
    },
    redactHeaders(input) {
      const out: Record<string, string> = {};
      for (const [name, value] of Object.entries(input))
        out[name] = isSecretHeader(name) ? REDACTED : redactText(value);
      return out;
    },
    redactText,
  };
}

/**
 * Resolves `--header 'Name: env:VAR'` (or `Name: value`) into headers to inject into every replayed request.
 * Values come from `env`, never from the command line when `env:` is used, and must be registered with
 * `privacy.remember` by the caller so reports scrub them.
 *
 * @example
 * resolveInjectedHeaders(['Authorization: env:TOKEN'], { TOKEN: 'Bearer abc123' }) // { authorization: 'Bearer abc123' }
 */
export function resolveInjectedHeaders(
  specs: readonly string[],
  env: Record<string, string | undefined>,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const spec of specs) {
    const colon = spec.indexOf(':');
    const name = colon < 0 ? '' : spec.slice(0, colon).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new BgReplayError(
        'E_USAGE',
        `--header ${spec.slice(0, Math.max(0, colon)) || spec}: expected 'Name: env:VARIABLE' (e.g. --header 'Authorization: env:TOKEN')`,
      );
    }
    const raw = spec.slice(colon + 1).trim();
    let value = raw;
    if (raw.startsWith('env:')) {
      const variable = raw.slice(4).trim();
      const found = env[variable];
      if (found === undefined || found === '') {
        throw new BgReplayError(
          'E_USAGE',
          `--header ${name}: environment variable ${variable} is not set; export it before running`,
        );
      }
      value = found;
    } else if (DEFAULT_SECRET_HEADERS.includes(name.toLowerCase())) {
      // A credential typed on the command line lands in shell history and process lists.
      throw new BgReplayError(
        'E_USAGE',
        `--header ${name}: a credential is read from the environment, never given on the command line: --header '${name}: env:VARIABLE'`,
      );
    }
    headers[name.toLowerCase()] = value;
  }
  return headers;
}
