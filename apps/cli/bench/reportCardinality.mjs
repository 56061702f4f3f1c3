// Report size and memory when answers are maps keyed by random ids (issue 11): 2,000 records, each answer
// 400 keys that no other answer has, live and candidate drawing different ids. Prints the figures; never a
// test. Run after a build: node apps/cli/bench/reportCardinality.mjs [records] [keys]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const records = Number(process.argv[2] ?? 2000);
const keys = Number(process.argv[3] ?? 400);
const bin = fileURLToPath(new URL('../bin/bg-replay.js', import.meta.url));

function idKeyedServer() {
  const server = createServer((_req, res) => {
    const body = {};
    for (let i = 0; i < keys; i += 1) body[randomBytes(8).toString('hex')] = { balance: i, currency: 'EUR' };
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${server.address().port}` }),
    ),
  );
}

const dir = await mkdtemp(join(tmpdir(), 'bg-replay-cardinality-'));
const log = join(dir, 'log.jsonl');
await writeFile(
  log,
  `${Array.from({ length: records }, (_, i) => JSON.stringify({ method: 'GET', path: `/accounts?page=${i}`, route: 'GET /accounts' })).join('\n')}\n`,
);
// The child prints its own peak RSS on exit, so the servers here do not count.
const rssHook = join(dir, 'rss.mjs');
await writeFile(
  rssHook,
  "process.on('exit', () => process.stderr.write('maxRSS ' + process.resourceUsage().maxRSS + '\\n'));\n",
);
const live = await idKeyedServer();
const candidate = await idKeyedServer();
const started = process.hrtime.bigint();
const child = spawn(
  process.execPath,
  [
    '--import',
    rssHook,
    bin,
    'replay',
    '--logs',
    log,
    '--live',
    live.url,
    '--candidate',
    candidate.url,
    '--rps',
    '0',
    '--sample',
    String(records),
    '--report-json',
    join(dir, 'run.json'),
    '--report-html',
    join(dir, 'run.html'),
    '--report-md',
    join(dir, 'run.md'),
    '--report-junit',
    join(dir, 'junit.xml'),
  ],
  { stdio: ['ignore', 'ignore', 'pipe'] },
);
let stderr = '';
child.stderr.on('data', (c) => {
  stderr += c;
});
const code = await new Promise((resolve) => child.on('exit', resolve));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
live.server.close();
candidate.server.close();
const rssKb = Number(/maxRSS (\d+)/.exec(stderr)?.[1] ?? Number.NaN);
const size = async (name) => (await stat(join(dir, name))).size;
const report = JSON.parse(await (await import('node:fs/promises')).readFile(join(dir, 'run.json'), 'utf8'));
console.log(`records ${records}, keys per answer ${keys}, exit ${code}, ${seconds.toFixed(1)} s`);
console.log(`max RSS ${(rssKb / 1024).toFixed(0)} MB`);
for (const name of ['run.json', 'run.html', 'run.md', 'junit.xml'])
  console.log(`${name.padEnd(10)} ${((await size(name)) / 1024).toFixed(1)} KB`);
console.log(
  `pointer rows ${report.fields.length}: ${report.fields.map((f) => `${f.pointer} ${f.kind} ×${f.count + Object.values(f.hidden).reduce((a, n) => a + n, 0)}`).join(', ')}`,
);
console.log(`limits ${JSON.stringify(report.limits)}`);
