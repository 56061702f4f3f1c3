import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseOpenApiRoutes } from './parseOpenApiRoutes.js';

const fixture = new URL('../../../../fixtures/realistic/openapi.yaml', import.meta.url);

describe('parseOpenApiRoutes', () => {
  it('takes one template per operation and the base path of the servers (variables at their defaults)', async () => {
    const spec = parseOpenApiRoutes(await readFile(fixture, 'utf8'), 'openapi.yaml');
    expect(spec.basePaths).toEqual(['/v1']);
    expect(spec.templates.map((t) => `${t.method} ${t.path}`)).toEqual([
      'GET /orders',
      'POST /orders',
      'GET /orders/{id}',
      'GET /orders/{id}/invoice',
      'GET /products',
      'GET /products/featured',
      'GET /products/{sku}',
      'GET /health',
    ]);
    expect(spec.templates[2]?.origin).toBe('openapi.yaml#/paths/~1orders~1{id}/get');
  });

  it('reads JSON too, with a relative server URL', () => {
    const spec = parseOpenApiRoutes(
      JSON.stringify({ openapi: '3.1.0', servers: [{ url: '/api/' }], paths: { '/a/{b}': { head: {} } } }),
      'api.json',
    );
    expect(spec).toEqual({
      templates: [{ method: 'HEAD', path: '/a/{b}', origin: 'api.json#/paths/~1a~1{b}/head' }],
      basePaths: ['/api'],
    });
  });

  it('names the file and the field of a document that is not OpenAPI 3.x', () => {
    expect(() => parseOpenApiRoutes('swagger: "2.0"\npaths: {}\n', 'old.yaml')).toThrow(
      /^old\.yaml: a Swagger 2\.0 document/,
    );
    expect(() => parseOpenApiRoutes('openapi: 2.5\npaths: {}\n', 'x.yaml')).toThrow(
      /^x\.yaml: not an OpenAPI 3\.x document: openapi:/,
    );
    expect(() => parseOpenApiRoutes('openapi: 3.0.0\n', 'x.yaml')).toThrow(
      /x\.yaml: not an OpenAPI 3\.x document: paths/,
    );
    expect(() => parseOpenApiRoutes('openapi: 3.0.0\npaths: {}\n', 'x.yaml')).toThrow(
      /no operations under paths/,
    );
    expect(() => parseOpenApiRoutes('openapi: [\n', 'x.yaml')).toThrow(/^x\.yaml: not YAML or JSON/);
  });
});
