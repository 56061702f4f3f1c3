import type { Dispatcher } from 'undici';
import type { RateLimiter } from '../replay/createRateLimiter.js';
import { targetUrl } from '../replay/replayRecords.js';
import { sendRequest } from '../replay/sendRequest.js';
import { safeUrl } from '../report/buildReport.js';
import { parseVersion } from '../rules/semverPolicy.js';
import { USER_AGENT } from '../version.js';
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
 * The answer is read up to `maxBodyBytes` (default 5 MiB, as `--max-body`): a larger one is an error, not
 * a memory spike. Failures are data: the reason is returned (the URL without user:password or secret
 * query values) and the version stays unknown, so no policy relaxes anything.
 *
 * @example
 * await fetchVersion('https://api.example.com', '/version', {}) // { version: '1.4.2' }
 */
export async function fetchVersion(
  base: string,
  endpoint: string,
  options: VersionDiscovery & {
    dispatcher?: Dispatcher;
    timeoutMs?: number;
    maxBodyBytes?: number;
    /** Live's rate limiter: the request waits for its grant (`--rps` counts every live request). */
    limiter?: RateLimiter;
  },
): Promise<{ version?: string; error?: string }> {
  let url: string;
  try {
    url = targetUrl(base, endpoint);
  } catch (error) {
    return { error: `${safeUrl(base)} ${endpoint}: ${(error as Error).message}` };
  }
  const shown = safeUrl(url);
  const maxBodyBytes = options.maxBodyBytes ?? 5 * 1024 * 1024;
  if (options.limiter && !options.limiter.unlimited) await options.limiter.take();
  const answer = await sendRequest({
    method: 'GET',
    url,
    headers: { accept: 'application/json, text/plain;q=0.9, */*;q=0.1', 'user-agent': USER_AGENT },
    timeoutMs: options.timeoutMs ?? 5000,
    maxBodyBytes,
    dispatcher: options.dispatcher,
  });
  if (!answer.ok) return { error: `${shown} could not be reached: ${answer.code}` };
  if (answer.status >= 400) return { error: `${shown} answered ${answer.status}` };
  if (answer.truncated)
    return {
      error: `${shown} answered more than ${maxBodyBytes} bytes (--max-body); not a version endpoint?`,
    };
  const text = Buffer.from(answer.body).toString('utf8');
  let body: PreparedBody = { kind: 'text', text };
  try {
    body = { kind: 'json', value: JSON.parse(text) };
  } catch {
    // a bare version in text is fine too
  }
  const found = versionFromResponse(answer.headers, body, {
    versionHeader: options.versionHeader,
    versionPointer: options.versionPointer ?? '/version',
  });
  if (found) return { version: found.version };
  const bare = body.kind === 'text' ? parseVersion(text.trim()) : undefined;
  if (bare) return { version: bare };
  return {
    error: `${shown} answered without a semver version (looked at ${options.versionHeader ? `header ${options.versionHeader}, ` : ''}pointer ${options.versionPointer ?? '/version'} and the text body)`,
  };
}
