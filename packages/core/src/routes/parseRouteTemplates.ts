import { BgReplayError } from '../errors.js';
import type { RouteTemplate } from './createRouteMatcher.js';

const METHOD = /^[A-Za-z]{3,10}$/;
const PARAM = /^(:[A-Za-z_][\w-]*\+?|\{[A-Za-z_][\w-]*\+?\})$/;

/**
 * Parses a route templates file (`--routes`): one template a line, with or without a method
 * (`GET /products/:sku`, `/orders/{id}/invoice`); blank lines and `#` comments are skipped. A line that is
 * not a template throws `E_INPUT` naming `source:line`.
 *
 * @example
 * parseRouteTemplates('GET /products/:sku\n/orders/{id}/invoice\n', 'routes.txt')
 * // [{ method: 'GET', path: '/products/:sku', origin: 'routes.txt:1' }, { method: '*', path: '/orders/{id}/invoice', origin: 'routes.txt:2' }]
 */
export function parseRouteTemplates(text: string, source: string): RouteTemplate[] {
  const templates: RouteTemplate[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    const origin = `${source}:${i + 1}`;
    const parts = line.split(/\s+/);
    const [method, path] = parts.length === 1 ? ['*', parts[0] as string] : [parts[0] as string, parts[1]];
    if (parts.length > 2 || !path || (method !== '*' && !METHOD.test(method))) {
      throw new BgReplayError(
        'E_INPUT',
        `${origin}: "${line}" is not a route template; write one a line as [METHOD] /path/:param (e.g. GET /products/:sku)`,
      );
    }
    checkTemplatePath(path, origin);
    templates.push({ method: method.toUpperCase(), path, origin });
  }
  if (templates.length === 0)
    throw new BgReplayError('E_INPUT', `${source}: no route templates (one a line, e.g. GET /products/:sku)`);
  return templates;
}

/** Throws `E_INPUT` naming `origin` unless `path` is `/`-rooted with well-formed parameters (a `+` one only last). */
export function checkTemplatePath(path: string, origin: string): void {
  const segments = path.split('/');
  const bad =
    !path.startsWith('/') ||
    path.includes('?') ||
    segments.some(
      (s, i) =>
        (s.includes(':') || s.includes('{') || s.includes('}')) &&
        (!PARAM.test(s) || (s.includes('+') && i !== segments.length - 1)),
    );
  if (bad) {
    throw new BgReplayError(
      'E_INPUT',
      `${origin}: "${path}" is not a path template; start with / and write parameters as whole segments, :name or {name} (a {name+} catch-all only last)`,
    );
  }
}
