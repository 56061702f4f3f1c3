import { describe, expect, it } from 'vitest';
import { findSecretValues } from './findSecretValues.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk';

describe('findSecretValues', () => {
  it('finds JWTs and AWS access key ids in paths, queries and bodies', () => {
    expect(findSecretValues(`/reset/${JWT}/confirm`)).toEqual([JWT]);
    expect(findSecretValues(`/a?next=Bearer%20${JWT}&b=1`)).toEqual([JWT]);
    expect(findSecretValues(`{"note":"key AKIAIOSFODNN7EXAMPLE here","id":"ASIAY34FZKBOKMUTVV7A"}`)).toEqual([
      'AKIAIOSFODNN7EXAMPLE',
      'ASIAY34FZKBOKMUTVV7A',
    ]);
  });

  it('leaves ordinary ids, words and longer capitals alone', () => {
    expect(findSecretValues('/orders/eyJ/items/AKIA?q=eyJhbGc')).toEqual([]);
    expect(findSecretValues('/x/AKIAIOSFODNN7EXAMPLEXX/y')).toEqual([]);
    expect(findSecretValues('/products/123e4567-e89b-12d3-a456-426614174000')).toEqual([]);
  });

  it('stays linear on a long run of JWT-looking prefixes', () => {
    const text = `/${'eyJ'.repeat(30_000)}.${'eyJ'.repeat(30_000)}`;
    expect(findSecretValues(text)).toEqual([]);
  });
});
