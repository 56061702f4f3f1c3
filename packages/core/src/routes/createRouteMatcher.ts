/** One path template of the service: `GET /products/:sku`, or any method when `method` is `*`. */
export interface RouteTemplate {
  /** Upper-case method, or `*` for every method. */
  method: string;
  /** `/products/:sku`, `/files/:path+` (a trailing `+` parameter takes the rest of the path). */
  path: string;
  /** Where it was declared (`routes.txt:3`, `openapi.yaml#/paths/~1products~1{sku}`), for messages. */
  origin?: string;
}

/** Matches concrete requests to the service's own route templates. */
export interface RouteMatcher {
  /** `GET /products/:sku` for `GET /products/SKU-1?x=1`, or undefined when no template matches. */
  match(method: string, path: string): string | undefined;
  /** How many templates it holds. */
  size: number;
}

type Segment = { kind: 'literal'; text: string } | { kind: 'param' } | { kind: 'greedy' };

interface Compiled {
  method: string;
  segments: Segment[];
  greedy: boolean;
  path: string;
}

const RANK: Record<Segment['kind'], number> = { literal: 0, param: 1, greedy: 2 };

/**
 * Normalises a template's parameters to `:name`: `{sku}` → `:sku`, `{proxy+}` → `:proxy+`.
 *
 * @example
 * normalizeTemplatePath('/products/{sku}/') // '/products/:sku'
 */
export function normalizeTemplatePath(path: string): string {
  const bare = path.replace(/\{([^}+]+)(\+?)\}/g, ':$1$2');
  return bare.length > 1 && bare.endsWith('/') ? bare.slice(0, -1) : bare;
}

function compile(template: RouteTemplate): Compiled {
  const path = normalizeTemplatePath(template.path);
  const segments: Segment[] = path
    .split('/')
    .slice(1)
    .map((text) => {
      if (text.startsWith(':') && text.endsWith('+')) return { kind: 'greedy' as const };
      if (text.startsWith(':')) return { kind: 'param' as const };
      return { kind: 'literal' as const, text };
    });
  return {
    method: template.method.toUpperCase(),
    segments,
    greedy: segments.at(-1)?.kind === 'greedy',
    path,
  };
}

/** Literal segments before parameters, position by position (OpenAPI: concrete paths win over templated ones). */
function compareSpecificity(a: Compiled, b: Compiled): number {
  const n = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i += 1) {
    const diff = RANK[(a.segments[i] as Segment).kind] - RANK[(b.segments[i] as Segment).kind];
    if (diff !== 0) return diff;
  }
  if (a.method !== b.method) return a.method === '*' ? 1 : -1;
  return b.segments.length - a.segments.length;
}

function matches(compiled: Compiled, parts: readonly string[]): boolean {
  const { segments } = compiled;
  if (compiled.greedy ? parts.length < segments.length : parts.length !== segments.length) return false;
  for (let i = 0; i < segments.length; i += 1) {
    const segment = segments[i] as Segment;
    if (segment.kind === 'greedy') return true;
    const part = parts[i] as string;
    if (segment.kind === 'literal' ? segment.text !== part : part === '') return false;
  }
  return true;
}

/**
 * Compiles route templates (from `--routes` or `--openapi`) into a matcher. The most specific template wins
 * (a literal segment beats a parameter at the first position where they differ), and a path under one of
 * `basePaths` (an OpenAPI server's `/v1`) also matches with that prefix removed.
 *
 * @example
 * const m = createRouteMatcher([{ method: '*', path: '/products/{sku}' }]);
 * m.match('GET', '/products/SKU-1?x=1') // 'GET /products/:sku'
 */
export function createRouteMatcher(
  templates: readonly RouteTemplate[],
  options: { basePaths?: readonly string[] } = {},
): RouteMatcher {
  const compiled = templates.map(compile).sort(compareSpecificity);
  const byLength = new Map<number, Compiled[]>();
  const greedy: Compiled[] = [];
  for (const c of compiled) {
    if (c.greedy) greedy.push(c);
    else {
      const list = byLength.get(c.segments.length) ?? [];
      list.push(c);
      byLength.set(c.segments.length, list);
    }
  }
  const bases = (options.basePaths ?? []).filter((b) => b !== '' && b !== '/');
  const find = (method: string, bare: string): string | undefined => {
    const parts = bare.split('/').slice(1);
    if (parts.length > 1 && parts.at(-1) === '') parts.pop();
    let best: Compiled | undefined;
    for (const list of [byLength.get(parts.length) ?? [], greedy]) {
      for (const c of list) {
        if ((c.method === '*' || c.method === method) && matches(c, parts)) {
          if (!best || compareSpecificity(c, best) < 0) best = c;
          break;
        }
      }
    }
    return best ? `${method} ${best.path}` : undefined;
  };
  return {
    size: compiled.length,
    match(method, path) {
      const upper = method.toUpperCase();
      const query = path.indexOf('?');
      const bare = query < 0 ? path : path.slice(0, query);
      const direct = find(upper, bare);
      if (direct !== undefined) return direct;
      for (const base of bases) {
        if (bare.startsWith(`${base}/`)) {
          const found = find(upper, bare.slice(base.length));
          if (found !== undefined) return found;
        }
      }
      return undefined;
    },
  };
}
