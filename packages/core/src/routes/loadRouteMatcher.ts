import { readFile } from 'node:fs/promises';
import { BgReplayError } from '../errors.js';
import { createRouteMatcher, type RouteMatcher, type RouteTemplate } from './createRouteMatcher.js';
import { parseOpenApiRoutes } from './parseOpenApiRoutes.js';
import { parseRouteTemplates } from './parseRouteTemplates.js';

/** Where the service's own route templates come from (`--routes`, `--openapi`, or inline). */
export interface RouteSourceOptions {
  /** A route templates file: one `[METHOD] /path/:param` a line. */
  routesFile?: string;
  /** An OpenAPI 3.x document (YAML or JSON). */
  openapiFile?: string;
  /** Templates given inline (library and hook config): `GET /products/:sku`, `/orders/{id}`. */
  routes?: readonly string[];
}

async function readText(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BgReplayError(
      'E_INPUT',
      `${flag} ${path}: cannot read it (${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)})`,
      { cause: error },
    );
  }
}

/**
 * Builds the matcher of the service's own routes from `--routes`, `--openapi` and inline templates;
 * undefined when none is given (routes are then taken from the log or inferred).
 *
 * @example
 * const matcher = await loadRouteMatcher({ openapiFile: 'openapi.yaml' });
 * matcher?.match('GET', '/v1/products/SKU-1') // 'GET /products/{sku}' normalised to 'GET /products/:sku'
 */
export async function loadRouteMatcher(options: RouteSourceOptions): Promise<RouteMatcher | undefined> {
  const templates: RouteTemplate[] = [];
  const basePaths: string[] = [];
  if (options.routes && options.routes.length > 0)
    templates.push(...parseRouteTemplates(options.routes.join('\n'), 'routes option'));
  if (options.routesFile)
    templates.push(
      ...parseRouteTemplates(await readText(options.routesFile, '--routes'), options.routesFile),
    );
  if (options.openapiFile) {
    const spec = parseOpenApiRoutes(await readText(options.openapiFile, '--openapi'), options.openapiFile);
    templates.push(...spec.templates);
    basePaths.push(...spec.basePaths);
  }
  return templates.length > 0 ? createRouteMatcher(templates, { basePaths }) : undefined;
}
