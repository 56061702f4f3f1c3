/** Runs of token characters: what a JWT or an access key is made of. No nested quantifier: linear. */
const TOKEN_RUN = /[A-Za-z0-9_.-]+/g;
const BASE64URL_RUN = /^[A-Za-z0-9_-]*$/;
const ACCESS_KEY_BODY = /^[A-Z0-9]{16}$/;

/**
 * Credentials recognised by their value wherever they sit (a path segment, a query value, a body field of
 * any name): JSON Web Tokens (`eyJ….eyJ….sig`) and AWS access key ids (`AKIA…`, `ASIA…`). Linear in the
 * text: it is cut into runs of token characters once, and each run is checked on its own.
 *
 * @example
 * findSecretValues('/reset/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln?k=AKIAIOSFODNN7EXAMPLE')
 * // ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', 'AKIAIOSFODNN7EXAMPLE']
 */
export function findSecretValues(text: string): string[] {
  if (!text.includes('eyJ') && !text.includes('AKIA') && !text.includes('ASIA')) return [];
  const found: string[] = [];
  for (const [run] of text.matchAll(TOKEN_RUN)) {
    if (run.length < 20) continue;
    const jwt = jwtIn(run);
    if (jwt) found.push(jwt);
    for (const prefix of ['AKIA', 'ASIA']) {
      let at = run.indexOf(prefix);
      while (at >= 0) {
        const key = run.slice(at, at + 20);
        const before = run.charCodeAt(at - 1);
        const after = run.charCodeAt(at + 20);
        if (ACCESS_KEY_BODY.test(key.slice(4)) && !isUpperOrDigit(before) && !isUpperOrDigit(after))
          found.push(key);
        at = run.indexOf(prefix, at + 4);
      }
    }
  }
  return found;
}

function isUpperOrDigit(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
}

/** A JWT inside a run: three dot-separated base64url parts, the first two JSON objects (`eyJ`). */
function jwtIn(run: string): string | undefined {
  const parts = run.split('.');
  for (let i = 0; i + 2 < parts.length; i += 1) {
    const header = parts[i] as string;
    const start = header.indexOf('eyJ');
    if (start < 0) continue;
    const payload = parts[i + 1] as string;
    const signature = parts[i + 2] as string;
    if (
      header.length - start >= 10 &&
      payload.startsWith('eyJ') &&
      payload.length >= 10 &&
      BASE64URL_RUN.test(header.slice(start)) &&
      BASE64URL_RUN.test(payload) &&
      BASE64URL_RUN.test(signature)
    )
      return `${header.slice(start)}.${payload}.${signature}`;
  }
  return undefined;
}
