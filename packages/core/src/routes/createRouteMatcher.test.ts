import { describe, expect, it } from 'vitest';
import { createRouteMatcher, normalizeTemplatePath } from './createRouteMatcher.js';

describe('createRouteMatcher', () => {
  const matcher = createRouteMatcher([
    { method: 'GET', path: '/products/{sku}' },
    { method: 'GET', path: '/products/featured' },
    { method: '*', path: '/orders/:id/invoice' },
    { method: 'GET', path: '/files/{path+}' },
  ]);

  it('turns a concrete path into the template with :name parameters, ignoring the query', () => {
    expect(matcher.match('GET', '/products/SKU-1042?ref=home')).toBe('GET /products/:sku');
    expect(matcher.match('HEAD', '/orders/42/invoice')).toBe('HEAD /orders/:id/invoice');
  });

  it('prefers a literal segment to a parameter, whatever the order of the templates', () => {
    expect(matcher.match('GET', '/products/featured')).toBe('GET /products/featured');
  });

  it('lets a trailing + parameter take the rest of the path, and matches nothing else', () => {
    expect(matcher.match('GET', '/files/a/b/c.txt')).toBe('GET /files/:path+');
    expect(matcher.match('GET', '/products/SKU-1/reviews')).toBeUndefined();
    expect(matcher.match('POST', '/products/SKU-1')).toBeUndefined();
    expect(matcher.match('GET', '/products/')).toBeUndefined();
  });

  it('matches a path under a base path of the servers with the base removed', () => {
    const withBase = createRouteMatcher([{ method: 'GET', path: '/products/{sku}' }], { basePaths: ['/v1'] });
    expect(withBase.match('GET', '/v1/products/SKU-1')).toBe('GET /products/:sku');
    expect(withBase.match('GET', '/products/SKU-1')).toBe('GET /products/:sku');
    expect(withBase.match('GET', '/v2/products/SKU-1')).toBeUndefined();
  });

  it('normalises {name} and {name+} parameters and a trailing slash', () => {
    expect(normalizeTemplatePath('/files/{proxy+}')).toBe('/files/:proxy+');
    expect(normalizeTemplatePath('/orders/{id}/')).toBe('/orders/:id');
  });
});
