import { describe, expect, it } from 'vitest';
import { inferRoute, isCatchAllRoute, routeFromTemplate } from './inferRoute.js';

describe('route templates from logs', () => {
  it('keeps the + of a greedy parameter so a catch-all can be told from a route', () => {
    expect(routeFromTemplate('get', '/products/{id}')).toBe('GET /products/:id');
    expect(routeFromTemplate('ANY', '/{proxy+}')).toBe('ANY /:proxy+');
    expect(isCatchAllRoute(routeFromTemplate('GET', '/api/{proxy+}'))).toBe(true);
    expect(isCatchAllRoute('ANY $default')).toBe(true);
    expect(isCatchAllRoute('GET /$default')).toBe(false);
    expect(isCatchAllRoute('GET /products/:id')).toBe(false);
  });

  it('infers numbers, UUIDs and opaque ids as parameters, not ordinary names', () => {
    expect(inferRoute('GET', '/orders/42/items/9f1c2d3e-1a2b-4c3d-8e9f-0a1b2c3d4e5f?x=1')).toBe(
      'GET /orders/:id/items/:id2',
    );
    expect(inferRoute('GET', '/products/SKU-1000')).toBe('GET /products/SKU-1000');
  });
});
