import { describe, expect, it } from 'vitest';
import { limitSampleValues, maskSecretText, maskSecretValues } from './redactValues.js';

describe('maskSecretText', () => {
  it('masks AWS access key ids, passwords in connection strings, JWTs and e-mail addresses', () => {
    expect(maskSecretText('key AKIAIOSFODNN7EXAMPLE here')).toBe('key [redacted:aws-key] here');
    expect(maskSecretText('postgres://app:hunter2@db.internal:5432/shop')).toBe(
      'postgres://[redacted]@db.internal:5432/shop',
    );
    expect(maskSecretText('mongodb+srv://u:p%40ss@cluster0.example.net/db')).toBe(
      'mongodb+srv://[redacted]@cluster0.example.net/db',
    );
    expect(maskSecretText('write to ops.team+alerts@example.com now')).toBe('write to [redacted:email] now');
    expect(maskSecretText('t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_x')).toBe('t=[redacted:jwt]');
    expect(maskSecretText('Authorization: Bearer abcdefgh12345678')).toBe('Authorization: Bearer [redacted]');
  });

  it('masks CSRF tokens in HTML forms and meta tags, in either attribute order', () => {
    expect(maskSecretText('<meta name="csrf-token" content="q1w2e3r4">')).toBe(
      '<meta name="csrf-token" content="[redacted]">',
    );
    expect(maskSecretText('<input type="hidden" value="q1w2e3r4" name="_csrf">')).toBe(
      '<input type="hidden" value="[redacted]" name="_csrf">',
    );
    expect(maskSecretText('a=1&password=swordfish&b=2')).toBe('a=1&password=[redacted]&b=2');
  });

  it('leaves ordinary text alone', () => {
    expect(maskSecretText('order 42 shipped to Berlin at 10:30')).toBe('order 42 shipped to Berlin at 10:30');
    expect(maskSecretText('https://api.example.com/orders/42')).toBe('https://api.example.com/orders/42');
  });
});

describe('maskSecretValues and limitSampleValues', () => {
  it('hides values under secret-looking keys at any depth', () => {
    expect(
      maskSecretValues({ user: { email: 'a@b.example', csrfToken: 'x1', name: 'Ann' }, session: { id: 1 } }),
    ).toEqual({
      user: { email: '[redacted:email]', csrfToken: '[redacted]', name: 'Ann' },
      session: '[redacted]',
    });
  });

  it('keeps pointers and kinds only under none, masks under redacted, keeps everything under full', () => {
    const sample = { method: 'GET', path: '/u', pointer: '/db', live: 'mysql://root:pw@h/x', candidate: 'x' };
    expect(limitSampleValues(sample, 'none')).toEqual({ method: 'GET', path: '/u', pointer: '/db' });
    expect(limitSampleValues(sample, 'redacted').live).toBe('mysql://[redacted]@h/x');
    expect(limitSampleValues(sample, 'full')).toBe(sample);
    expect(limitSampleValues({ ...sample, pointer: '/headers/set-cookie' }, 'redacted').candidate).toBe(
      '[redacted]',
    );
  });
});
