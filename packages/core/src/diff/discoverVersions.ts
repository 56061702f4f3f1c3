import { type Dispatcher, request } from 'undici';
import { parseVersion } from '../rules/semverPolicy.js';
import type { PreparedBody } from './diffResponses.js';
import type { VersionSource } from './diffSummary.js';
import { valueAtPointer } from './pointer.js';

/** Where each side's version is read from. */
export interface VersionDiscovery {
  /** Response header carrying the version, e.g. `x-service-version`. */
  versionHeader?: string;
  /** JSON Pointer into response bodies (and the version endpoint's body), e.g. `/meta/version`. */
  versionPointer?: string;
}

/**
 * Reads a version from one response: the header first, then the body pointer. Undefined when neither
 * carries a semver version.
 *
 * @example
 * versionFromResponse({ 'x-service-version': '1.5.0' }, { kind: 'text', text: '' }, { versionHeader: 'x-service-version' })
 * // { version: '1.5.0', source: 'header' }
 */
export function versionFromResponse(
  headers: Record<string, string>,
  body: PreparedBody,
  discovery: VersionDiscovery,
): { version: string; source: VersionSource } | undefined {
  if (discovery.versionHeader) {
    const version = parseVersion(headers[discovery.versionHeader.toLowerCase()]);
    if (version) return { version, source: 'header' };
  }
  if (discovery.versionPointer && body.kind === 'json') {
    const value = valueAtPointer(body.value, discovery.versionPointer);
    const version = typeof value === 'string' ? parseVersion(value) : undefined;
    if (version) return { version, source: 'pointer' };
  }
  return undefined;
}

/**
 * Asks one side's version endpoint once (e.g. `/version`): the version header if named, else the body's
 * `versionPointer` (default `/version`) when it is JSON, else the whole body when it is a bare version.
 * Failures are data: the reason is returned and the version stays unknown (so no policy relaxes anything).
 *
 * @example
 * await fetchVersion('https://api.example.com', '/version', {}) // { version: '1.4.2' }
 */
export async function fetchVersion(
  base: string,
  endpoint: string,
  options: VersionDiscovery & { dispatcher?: Dispatcher; timeoutMs?: number },
): Promise<{ version?: string; error?: string }> {
  const url = `${base.replace(/\/+$/, '')}${endpoint.startsWith('/') ? endpoint : `/${endpoint}`}`;
  const timeout = options.timeoutMs ?? 5000;
  try {
    const response = await request(url, {
      method: 'GET',
      headers: { accept: 'application/json, text/plain;q=0.9, */*;q=0.1', 'user-agent': 'bg-replay' },
      headersTimeout: timeout,
      bodyTimeout: timeout,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    const text = await response.body.text();
    if (response.statusCode >= 400) return { error: `${url} answered ${response.statusCode}` };
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    let body: PreparedBody = { kind: 'text', text };
    try {
      body = { kind: 'json', value: JSON.parse(text) };
    } catch {
      // a bare version in text is fine too
    }
    const found = versionFromResponse(headers, body, {
      versionHeader: options.versionHeader,
      versionPointer: options.versionPointer ?? '/version',
    });
    if (found) return { version: found.version };
    const bare = body.kind === 'text' ? parseVersion(text.trim()) : undefined;
    if (bare) return { version: bare };
    return {
      error: `${url} answered without a semver version (looked at ${options.versionHeader ? `header ${options.versionHeader}, ` : ''}pointer ${options.versionPointer ?? '/version'} and the text body)`,
    };
  } catch (error) {
    return { error: `${url} could not be reached: ${(error as Error).message}` };
  }
}
