/** What each side's own origin becomes in bodies and URL-valued headers before they are compared. */
export const ORIGIN_PLACEHOLDER = '{origin}';

/** Headers whose values are URLs a service builds from its own origin. */
export const ORIGIN_HEADERS: readonly string[] = ['location', 'content-location', 'link'];

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A `/` as written in text or escaped in a JSON string (`\/`). */
const SLASH = '\\\\?/';

/**
 * Rewrites one side's own absolute URLs into `{origin}`-relative ones. A service builds its links (`Link`,
 * `Location`, `links.self`) from the origin it was called on, so live's say live's host and candidate's say
 * candidate's: without this, two healthy copies of one version differ in every link.
 */
export interface OriginRewriter {
  /** The text with this side's origins replaced by the placeholder (the same string when none occurs). */
  rewrite(text: string): string;
}

/**
 * Builds the rewriter of one side from its base URL as given (`http://127.0.0.1:8080/prod`): its scheme,
 * host, port and base path, and the Host the service is sent (host and port, which links built from the
 * `Host` header carry, under `http`, `https` or no scheme at all). The base path is replaced with the origin
 * when it follows it. Matches are case-insensitive and end at a URL boundary, so `:8080` never matches
 * `:80801` and `/prod` never matches `/production`. Undefined when the base is not an absolute URL.
 *
 * @example
 * createOriginRewriter('http://127.0.0.1:8080/prod')?.rewrite('{"self":"http://127.0.0.1:8080/prod/orders/1"}')
 * // '{"self":"{origin}/orders/1"}'
 */
export function createOriginRewriter(base: string | undefined): OriginRewriter | undefined {
  if (base === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  // `url.host` omits a default port; a link may still spell it out.
  const defaultPort = url.protocol === 'https:' ? '443' : '80';
  const hosts = [url.host];
  if (url.port === '') hosts.push(`${url.hostname}:${defaultPort}`);
  const path = url.pathname.replace(/\/+$/, '');
  const pathPattern =
    path === ''
      ? ''
      : `(?:${path
          .split('/')
          .slice(1)
          .map((s) => `${SLASH}${escapeRegExp(s)}`)
          .join('')})?`;
  const pattern = new RegExp(
    `(?:https?:)?${SLASH}${SLASH}(?:${hosts.map(escapeRegExp).join('|')})${pathPattern}(?![\\w.~%+:@-])`,
    'gi',
  );
  const needle = url.hostname.toLowerCase();
  return {
    rewrite(text) {
      // A quick look before the regular expression: most bodies carry no absolute URL of their own. (A host
      // spelled in upper case is missed by this look; services write the host they were called on.)
      if (!text.includes(needle)) return text;
      return text.replace(pattern, ORIGIN_PLACEHOLDER);
    },
  };
}
