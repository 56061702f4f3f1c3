import { describe, expect, it } from 'vitest';
import { createRouteLearner } from './createRouteLearner.js';

function learned(paths: string[]) {
  const learner = createRouteLearner();
  for (const path of paths) learner.learn('GET', path);
  learner.finish();
  return learner;
}

describe('createRouteLearner', () => {
  it('makes one route of many SKUs at one position, and keeps a heavily used name literal', () => {
    const skus = Array.from({ length: 60 }, (_, i) => `/products/SKU-${1000 + i}`);
    const learner = learned([...skus, ...skus, ...Array.from({ length: 20 }, () => '/products/featured')]);
    expect(learner.route('GET', '/products/SKU-1042')).toBe('GET /products/:id');
    // A SKU first seen after the prefix is still a parameter.
    expect(learner.route('GET', '/products/SKU-9999?x=1')).toBe('GET /products/:id');
    expect(learner.route('GET', '/products/featured')).toBe('GET /products/featured');
    expect(learner.learned()).toEqual(['GET /products/*']);
  });

  it('learns slugs and emails beside numeric ids, nested positions over passes', () => {
    const paths: string[] = [];
    for (let u = 0; u < 12; u += 1)
      for (let p = 0; p < 12; p += 1) paths.push(`/users/user${u}@example.com/posts/post-title-${p}-${u}`);
    const learner = learned(paths);
    expect(learner.route('GET', '/users/new@example.com/posts/another-title')).toBe(
      'GET /users/:id/posts/:id2',
    );
    expect(learner.route('GET', '/orders/42')).toBe('GET /orders/:id');
  });

  it('keeps a position with few values literal (versions, sections)', () => {
    const learner = learned(
      Array.from({ length: 200 }, (_, i) => `/api/v${(i % 3) + 1}/${['books', 'films', 'games'][i % 3]}`),
    );
    expect(learner.route('GET', '/api/v2/films')).toBe('GET /api/v2/films');
    expect(learner.learned()).toEqual([]);
  });
});
