import { describe, expect, it } from 'vitest';
import { targetUrl } from '../../src/replay/replayRecords.js';
import { validate } from '../../src/validate.js';

const records = {
  kind: 'records' as const,
  name: 'mem',
  records: [{ method: 'GET', path: '/a', headers: {} }],
};

describe('base URLs', () => {
  it('keep their path and query when a record is joined to them, with the URL API', () => {
    expect(targetUrl('https://api.example.com/prod?api_key=X', '/a/1?b=2')).toBe(
      'https://api.example.com/prod/a/1?api_key=X&b=2',
    );
    expect(targetUrl('https://api.example.com/prod/', '/a//b/./c')).toBe(
      'https://api.example.com/prod/a/b/c',
    );
    expect(() => targetUrl('https://api.example.com/prod', '/a/../../x')).toThrow(
      'request path refused: the path climbs above the base path (..)',
    );
  });

  it('never show user:password or a secret query value in an error', async () => {
    await expect(
      validate({
        logs: [records],
        live: 'ftp://ann:hunter2@api.example.com/?token=T0KEN-VALUE',
        candidate: 'http://127.0.0.1:1',
      }),
    ).rejects.toThrow(
      'live ftp://api.example.com/?token=[redacted]: must be an http:// or https:// URL, not ftp:',
    );
    await expect(
      validate({ logs: [records], live: 'http://127.0.0.1:1', candidate: 'ann:hunter2@nowhere' }),
    ).rejects.toThrow('candidate nowhere: must be an http:// or https:// URL, not ann:');
    await expect(
      validate({
        logs: [records],
        live: 'http://127.0.0.1:1',
        candidate: '//ann:hunter2@host:99999/x?api_key=K',
      }),
    ).rejects.toThrow('candidate //host:99999/x?api_key=[redacted]: not a URL');
  });
});
