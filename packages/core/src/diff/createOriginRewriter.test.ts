import { describe, expect, it } from 'vitest';
import { createOriginRewriter } from './createOriginRewriter.js';

describe('createOriginRewriter', () => {
  it('replaces the origin and base path in plain and JSON-escaped URLs, under any scheme', () => {
    const rewriter = createOriginRewriter('http://127.0.0.1:8080/prod/');
    expect(
      rewriter?.rewrite(
        '{"self":"http://127.0.0.1:8080/prod/orders/1","up":"https:\\/\\/127.0.0.1:8080\\/prod"}',
      ),
    ).toBe('{"self":"{origin}/orders/1","up":"{origin}"}');
    expect(rewriter?.rewrite('<//127.0.0.1:8080/other>; rel="x"')).toBe('<{origin}/other>; rel="x"');
  });

  it('stops at URL boundaries: another port, a longer host or a longer path segment stay as they are', () => {
    const rewriter = createOriginRewriter('http://127.0.0.1:8080/v1');
    expect(
      rewriter?.rewrite('http://127.0.0.1:80801/v1 http://127.0.0.1:8080/v10/x http://127.0.0.1:8080.evil/x'),
    ).toBe('http://127.0.0.1:80801/v1 {origin}/v10/x http://127.0.0.1:8080.evil/x');
  });

  it('matches a default port written out and a host in another case', () => {
    const rewriter = createOriginRewriter('https://API.example.com');
    expect(
      rewriter?.rewrite(
        'https://api.example.com:443/a https://Api.Example.com/b https://api.example.com.cn/c',
      ),
    ).toBe('{origin}/a {origin}/b https://api.example.com.cn/c');
  });

  it('leaves text without the host untouched and ignores a base that is not an http URL', () => {
    const rewriter = createOriginRewriter('http://localhost:3000');
    const text = '{"a":"http://other:3000/x"}';
    expect(rewriter?.rewrite(text)).toBe(text);
    expect(createOriginRewriter('not a url')).toBeUndefined();
    expect(createOriginRewriter(undefined)).toBeUndefined();
  });
});
