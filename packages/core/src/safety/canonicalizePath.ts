/** A request target in its one canonical form, or why it is refused. */
export type CanonicalTarget = { path: string } | { refused: string };

const HEX = /^[0-9A-Fa-f]{2}$/;
/** What the path part may hold that canonicalisation changes: escapes, backslashes, `;`, `//`, dot segments. */
const NEEDS_WORK_IN_PATH = /[%\\;]|\/\/|\/\.\.?(?:\/|$)/;
/** Fragments and control characters, anywhere in the target. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const NEEDS_WORK_ANYWHERE = /[#\u0000-\u001f\u007f]/;

function isUnreserved(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x30 && c <= 0x39) || // 0-9
    c === 0x2d || // -
    c === 0x2e || // .
    c === 0x5f || // _
    c === 0x7e // ~
  );
}

/**
 * Percent-encodings of unreserved characters decoded (`%61` → `a`, `%2e` → `.`), the others upper-cased
 * (RFC 3986 §6.2.2.1–2); a raw backslash becomes `%5C` (the URL parser would read it as a slash).
 */
function normalizeEncoding(segment: string): string {
  if (!segment.includes('%') && !segment.includes('\\')) return segment;
  let out = '';
  for (let i = 0; i < segment.length; i += 1) {
    const ch = segment[i] as string;
    if (ch === '\\') out += '%5C';
    else if (ch === '%' && HEX.test(segment.slice(i + 1, i + 3))) {
      const code = Number.parseInt(segment.slice(i + 1, i + 3), 16);
      out += isUnreserved(code) ? String.fromCharCode(code) : `%${segment.slice(i + 1, i + 3).toUpperCase()}`;
      i += 2;
    } else out += ch;
  }
  return out;
}

/** A segment that hides a dot segment behind an encoded slash (`..%2Fadmin`), which some servers decode. */
function hidesDotSegment(segment: string): boolean {
  if (!/%2F|%5C/.test(segment)) return false;
  return segment.split(/%2F|%5C/).some((part) => part === '.' || part === '..');
}

/**
 * The canonical form of a logged request target (path and query), computed once before filtering, routing,
 * replay and reporting, so what is judged is what is sent:
 * - the fragment is dropped, control characters are refused;
 * - percent-encodings of unreserved characters are decoded (`%2e%2e` is `..`, `%61dmin` is `admin`);
 * - `;parameters` are cut from each segment (Tomcat, Jetty and Spring route `/admin;x/purge` to `/admin/purge`);
 * - empty segments are merged (`//admin` is `/admin`, as nginx's default `merge_slashes` does);
 * - dot segments are resolved (RFC 3986 §5.2.4); a target that climbs above the root would escape the base
 *   path of `--live` (`/prod/../x`) and is refused, as is a dot segment behind an encoded slash.
 * The query is kept as logged. Case is kept: filters match without regard to case instead.
 *
 * @example
 * canonicalizePath('/public/%2e%2e/admin//purge;v=1?x=1') // { path: '/admin/purge?x=1' }
 * canonicalizePath('/a/../../x') // { refused: 'the path climbs above the base path (..)' }
 */
export function canonicalizePath(target: string): CanonicalTarget {
  // Most logged targets are canonical already: one linear test each spares the rebuild.
  const end = target.indexOf('?');
  if (
    target.charCodeAt(0) === 0x2f &&
    !NEEDS_WORK_IN_PATH.test(end < 0 ? target : target.slice(0, end)) &&
    !NEEDS_WORK_ANYWHERE.test(target)
  )
    return { path: target };
  const hash = target.indexOf('#');
  const withoutFragment = hash < 0 ? target : target.slice(0, hash);
  for (let i = 0; i < withoutFragment.length; i += 1) {
    const c = withoutFragment.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return { refused: 'a control character in the request target' };
  }
  const q = withoutFragment.indexOf('?');
  const rawPath = q < 0 ? withoutFragment : withoutFragment.slice(0, q);
  const query = q < 0 ? '' : withoutFragment.slice(q);
  if (!rawPath.startsWith('/')) return { refused: 'the path does not start with /' };
  const input = rawPath.slice(1).split('/');
  const out: string[] = [];
  // A target ending in `/`, `/.` or `/..` names a folder: it keeps its trailing slash.
  let trailing = false;
  for (let i = 0; i < input.length; i += 1) {
    const last = i === input.length - 1;
    let segment = input[i] as string;
    const semicolon = segment.indexOf(';');
    if (semicolon >= 0) segment = segment.slice(0, semicolon);
    segment = normalizeEncoding(segment);
    if (hidesDotSegment(segment)) return { refused: 'a dot segment behind an encoded slash (%2F or %5C)' };
    if (last) trailing = segment === '' || segment === '.' || segment === '..';
    if (segment === '.' || segment === '') continue;
    if (segment === '..') {
      if (out.length === 0) return { refused: 'the path climbs above the base path (..)' };
      out.pop();
      continue;
    }
    out.push(segment);
  }
  const path = `/${out.join('/')}${trailing && out.length > 0 ? '/' : ''}`;
  return { path: `${path}${query}` };
}
