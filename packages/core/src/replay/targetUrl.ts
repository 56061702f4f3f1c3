import { BgReplayError } from '../errors.js';
import { canonicalizePath } from '../safety/canonicalizePath.js';

/**
 * The URL a record is sent to: the base URL's path prefix (an API Gateway stage) followed by the record's
 * canonical path, and the base URL's query followed by the record's. Built with the URL API, never by
 * joining strings, and refused (a `BgReplayError`) when the path would leave the base path.
 *
 * @example
 * targetUrl('https://api.example.com/prod?v=2', '/orders/1?x=1') // 'https://api.example.com/prod/orders/1?v=2&x=1'
 */
export function targetUrl(base: string, path: string): string {
  return createTargetUrl(base)(path).href;
}

/**
 * {@link targetUrl} for one base URL, parsed once: each call canonicalizes the record's path and parses the
 * resulting URL once (the replay asks this twice per record, so the base is not parsed again each time).
 * The base's own path, query and fragment are set with the URL API; the record's part is appended only once
 * canonical (no dot segments, no fragment, no raw backslash), and the parsed result is checked to stay
 * under the base path.
 *
 * @example
 * createTargetUrl('https://api.example.com/prod?v=2')('/orders/1?x=1').href // 'https://api.example.com/prod/orders/1?v=2&x=1'
 */
export function createTargetUrl(base: string): (path: string) => URL {
  const url = new URL(base);
  const prefix = url.pathname.replace(/\/+$/, '');
  const baseQuery = url.search.slice(1);
  url.hash = '';
  url.search = '';
  url.pathname = '/';
  // Scheme, credentials, host and port: the base's href up to its (now bare) path.
  const head = url.href.slice(0, -1);
  return (path) => {
    const canonical = canonicalizePath(path.startsWith('/') ? path : `/${path}`);
    if ('refused' in canonical)
      throw new BgReplayError('E_INPUT', `request path refused: ${canonical.refused}`);
    const q = canonical.path.indexOf('?');
    const recordPath = q < 0 ? canonical.path : canonical.path.slice(0, q);
    const recordQuery = q < 0 ? '' : canonical.path.slice(q + 1);
    const query =
      baseQuery === '' ? recordQuery : recordQuery === '' ? baseQuery : `${baseQuery}&${recordQuery}`;
    const target = new URL(`${head}${prefix}${recordPath}${query === '' ? '' : `?${query}`}`);
    // The path is canonical, so the parser has nothing left to resolve; this holds the line if it ever did.
    if (!target.pathname.startsWith(`${prefix}/`) || target.hash !== '')
      throw new BgReplayError('E_INPUT', 'request path refused: it leaves the base path');
    return target;
  };
}
