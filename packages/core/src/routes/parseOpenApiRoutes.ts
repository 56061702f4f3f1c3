import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { BgReplayError } from '../errors.js';
import type { RouteTemplate } from './createRouteMatcher.js';
import { checkTemplatePath } from './parseRouteTemplates.js';

const OPERATIONS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

// Only what routing needs is checked: the version, the servers' URLs and the path items' operations.
const serverSchema = z.looseObject({
  url: z.string(),
  variables: z.record(z.string(), z.looseObject({ default: z.union([z.string(), z.number()]) })).optional(),
});
const openApiSchema = z.looseObject({
  openapi: z.string().regex(/^3\.\d+(\.\d+)?/, 'expected an OpenAPI 3.x version such as "3.1.0"'),
  servers: z.array(serverSchema).optional(),
  paths: z.record(z.string(), z.looseObject({ servers: z.array(serverSchema).optional() }).nullable()),
});

/** The path of a server URL (`https://api.example.com/v1` or `/v1`, variables at their defaults), without a trailing `/`. */
function basePathOf(server: z.infer<typeof serverSchema>): string {
  const url = server.url.replace(/\{([^}]+)\}/g, (_, name: string) =>
    String(server.variables?.[name]?.default ?? ''),
  );
  let path: string;
  try {
    path = new URL(url, 'http://relative.invalid').pathname;
  } catch {
    path = '/';
  }
  return path.replace(/\/+$/, '');
}

/** The route templates of an OpenAPI document and the base paths of its servers. */
export interface OpenApiRoutes {
  templates: RouteTemplate[];
  /** Distinct non-root base paths of `servers` (`/v1`): a logged `/v1/products/x` matches `/products/{sku}`. */
  basePaths: string[];
}

/**
 * Reads the route templates of an OpenAPI 3.x document (YAML or JSON): one per operation of each path
 * item, and the base paths of its `servers` (document, path item). Throws `E_INPUT` naming `source` and
 * the field at fault.
 *
 * @example
 * parseOpenApiRoutes('openapi: 3.0.3\nservers: [{url: /v1}]\npaths:\n  /products/{sku}:\n    get: {}\n', 'api.yaml')
 * // { templates: [{ method: 'GET', path: '/products/{sku}', origin: 'api.yaml#/paths/~1products~1{sku}/get' }], basePaths: ['/v1'] }
 */
export function parseOpenApiRoutes(text: string, source: string): OpenApiRoutes {
  let document: unknown;
  try {
    document = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new BgReplayError('E_INPUT', `${source}: not YAML or JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (document && typeof document === 'object' && 'swagger' in document) {
    throw new BgReplayError(
      'E_INPUT',
      `${source}: a Swagger 2.0 document; give an OpenAPI 3.x document (convert it, e.g. with swagger2openapi) or list the paths in a --routes file`,
    );
  }
  const parsed = openApiSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'document';
    throw new BgReplayError(
      'E_INPUT',
      `${source}: not an OpenAPI 3.x document: ${where}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const spec = parsed.data;
  const bases = new Set((spec.servers ?? []).map(basePathOf));
  const templates: RouteTemplate[] = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    const pointer = `${source}#/paths/${path.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    checkTemplatePath(path, pointer);
    for (const server of item?.servers ?? []) bases.add(basePathOf(server));
    for (const operation of OPERATIONS) {
      if (item && operation in item)
        templates.push({ method: operation.toUpperCase(), path, origin: `${pointer}/${operation}` });
    }
  }
  if (templates.length === 0)
    throw new BgReplayError('E_INPUT', `${source}: the OpenAPI document has no operations under paths`);
  bases.delete('');
  return { templates, basePaths: [...bases] };
}
