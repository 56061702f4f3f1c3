import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseRouteTemplates } from './parseRouteTemplates.js';

const fixture = new URL('../../../../fixtures/realistic/routes.txt', import.meta.url);

describe('parseRouteTemplates', () => {
  it('reads one template a line, with or without a method, skipping comments and blank lines', () => {
    expect(
      parseRouteTemplates('# shop\nGET /products/:sku\n\n/orders/{id}/invoice  # any method\n', 'r.txt'),
    ).toEqual([
      { method: 'GET', path: '/products/:sku', origin: 'r.txt:2' },
      { method: '*', path: '/orders/{id}/invoice', origin: 'r.txt:4' },
    ]);
  });

  it('reads the realistic routes file', async () => {
    const templates = parseRouteTemplates(await readFile(fixture, 'utf8'), 'routes.txt');
    expect(templates.map((t) => `${t.method} ${t.path}`)).toContain('GET /products/:sku');
    expect(templates).toHaveLength(8);
  });

  it('names the file and line of a line that is not a template', () => {
    expect(() => parseRouteTemplates('GET /a\nGET products/:sku\n', 'routes.txt')).toThrow(
      /^routes\.txt:2: "products\/:sku" is not a path template/,
    );
    expect(() => parseRouteTemplates('GET /a/{b+}/c\n', 'routes.txt')).toThrow(/routes\.txt:1/);
    expect(() => parseRouteTemplates('GET /a b c\n', 'routes.txt')).toThrow(
      /routes\.txt:1: "GET \/a b c" is not a route template/,
    );
    expect(() => parseRouteTemplates('# nothing\n', 'routes.txt')).toThrow(/routes\.txt: no route templates/);
  });
});
