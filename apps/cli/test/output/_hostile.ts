import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendJson, startServer, type TestServer } from '@bg-replay/test-utils';

/** Fake secrets (AWS's documented example key id among them) that must never reach a redacted report. */
export const SECRETS = [
  'AKIAIOSFODNN7EXAMPLE',
  'hunter2',
  'ops.oncall@example.com',
  'csrf-9f8e7d6c5b4a',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbm4ifQ.c2lnbmF0dXJl',
] as const;

/** Everything a renderer could mistake for markup or a terminal for a command. */
export const HOSTILE = {
  script: '<script>window.__pwned = 1; document.title = "pwned"</script>',
  img: '<img src=x onerror="window.__pwned = 2">',
  mdLink: '[click me](https://evil.example/phish)',
  mdImage: '![tracker](https://evil.example/pixel.png)',
  autolink: 'see https://evil.example/auto and www.evil.example and mail evil@evil.example',
  cr: 'first\rsecond | third\u2028fourth\u2029fifth\nsixth',
  backticks: '``` ` ~~~',
  terminal: '\u001b]0;pwned title\u0007\u001b[2J\u001b[31mred\u001b[0m\u009b1m',
  bidi: 'abc\u202edcba',
  nul: 'a\u0000b\u0008c',
} as const;

/** A route name from a log line, as hostile as a log can make it. */
export const HOSTILE_ROUTE =
  'GET /x\r| [a](https://evil.example/r) ![i](https://evil.example/i.png) `<script>alert(1)</script>` \u2028\u001b]0;t\u0007\u001b[2J';

function body(candidate: boolean, path: string) {
  return {
    path,
    ...HOSTILE,
    // Candidate answers differently everywhere, so every value shows up as a difference sample.
    note: candidate ? `${HOSTILE.script}${HOSTILE.mdLink}` : `${HOSTILE.img}${HOSTILE.mdImage}`,
    version: candidate ? 2 : '1',
    account: {
      accessKeyId: candidate ? SECRETS[0] : 'AKIAEXAMPLEOLDKEY123',
      database: candidate
        ? `postgres://app:${SECRETS[1]}@db.internal:5432/shop`
        : 'postgres://db.internal/shop',
      contact: candidate ? SECRETS[2] : 'nobody',
      page: candidate ? `<meta name="csrf-token" content="${SECRETS[3]}">` : '<meta name="x">',
      bearer: candidate ? `Bearer ${SECRETS[4]}` : 'none',
    },
    [HOSTILE.cr]: candidate ? HOSTILE.terminal : HOSTILE.backticks,
  };
}

export interface HostileServers {
  live: TestServer;
  candidate: TestServer;
  close(): Promise<void>;
}

export async function startHostile(): Promise<HostileServers> {
  const live = await startServer((req, res) => sendJson(res, 200, body(false, req.url ?? '/')));
  const candidate = await startServer((req, res) => sendJson(res, 200, body(true, req.url ?? '/')));
  return { live, candidate, close: async () => void (await Promise.all([live.close(), candidate.close()])) };
}

/** A JSONL log (bg-replay's own format) whose routes and paths are hostile too. */
export async function writeHostileLog(records = 12): Promise<{ dir: string; log: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'bg-replay-hostile-'));
  const log = join(dir, 'hostile.jsonl');
  const lines = Array.from({ length: records }, (_, i) =>
    JSON.stringify({
      method: 'GET',
      path: `/x/${i}?q=${encodeURIComponent(HOSTILE.script)}`,
      headers: {},
      route: i % 2 === 0 ? HOSTILE_ROUTE : 'GET /fine/:id',
    }),
  );
  await writeFile(log, `${lines.join('\n')}\n`);
  return { dir, log };
}
