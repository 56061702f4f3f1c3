// Request-safety figures (docs/safety.md): plain node over the built dist; prints figures, gates nothing.
//   node packages/core/bench/safety.mjs
// 1. worst time of one 80 KB API Gateway line, over lines built to make a backtracking or quadratic reader slow;
// 2. a one-line 19 MB HAR: entries kept and peak RSS (in a child process of its own);
// 3. the version endpoint: bytes read of a 300 MB answer with the default cap.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist', 'internal.js');
const dir = join(tmpdir(), 'bg-replay-bench-safety');
mkdirSync(dir, { recursive: true });
const KB80 = 80 * 1024;

function apigwLine(fields) {
  return JSON.stringify({
    requestId: 'a8de1f33-f060-1aec-b197-3e1c20bbdddb',
    ip: '203.0.113.10',
    requestTime: '26/Nov/2026:10:00:00 +0000',
    requestTimeEpoch: 1795687200587,
    httpMethod: 'GET',
    resourcePath: '/products/{id}',
    path: '/prod/products/40',
    stage: 'prod',
    status: '200',
    ...fields,
  });
}

const fill = (unit) => unit.repeat(Math.ceil(KB80 / unit.length)).slice(0, KB80);
const hostileLines = {
  'quotes and keys in a user agent': apigwLine({ userAgent: fill('"httpMethod":"GET","path":"/') }),
  'many keys': apigwLine(
    Object.fromEntries(Array.from({ length: 4000 }, (_, i) => [`k${i}`, 'v'.repeat(12)])),
  ),
  'a nested object before the head': `{"a":${JSON.stringify(Array(3000).fill({ httpMethod: 'GET', path: '/x' }))},${apigwLine({}).slice(1)}`,
  'a duplicate key at the end': `${apigwLine({ userAgent: fill('x') }).slice(0, -1)},"httpMethod":"DELETE"}`,
  'dot segments': apigwLine({ path: `/prod${fill('/a/..%2e/%2e')}` }),
  'JWT-looking runs': apigwLine({ path: `/prod/${fill('eyJ')}.eyJ${fill('a')}` }),
  'escaped quotes': apigwLine({ userAgent: fill('\\"') }),
};

async function worstLine() {
  const { collectSample } = await import(dist);
  const times = {};
  for (const [name, line] of Object.entries(hostileLines)) {
    const file = join(dir, 'line.log');
    // The line twice: the first teaches nothing to the second (no learned format any more), both are timed.
    writeFileSync(file, `${line}\n${line}\n`);
    const started = performance.now();
    await collectSample({ logs: [{ kind: 'file', path: file }], format: 'apigw', sample: 10 });
    times[name] = (performance.now() - started) / 2;
  }
  return times;
}

function oneLineHar(count) {
  const entries = Array.from({ length: count }, (_, i) => ({
    startedDateTime: '2026-11-26T10:00:00.000Z',
    time: 12,
    request: {
      method: 'GET',
      url: `https://shop.example.com/products/${i}?q=${'x'.repeat(700)}`,
      httpVersion: 'HTTP/2',
      headers: [{ name: 'Accept', value: 'application/json' }],
    },
    response: { status: 200 },
  }));
  return JSON.stringify({ log: { version: '1.2', creator: { name: 'bench', version: '1' }, entries } });
}

async function harChild(file) {
  const { readRecords } = await import(dist);
  let records = 0;
  let malformed = 0;
  for await (const o of readRecords({ kind: 'file', path: file })) {
    if (o.kind === 'record') records += 1;
    else malformed += 1;
  }
  console.log(JSON.stringify({ records, malformed, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
}

async function versionCap() {
  const { fetchVersion } = await import(dist);
  let sent = 0;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let left = 300;
    const pump = () => {
      while (left > 0) {
        left -= 1;
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('close', () => {
      left = 0;
    });
    pump();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const rss0 = process.memoryUsage().rss;
  const found = await fetchVersion(`http://127.0.0.1:${server.address().port}`, '/version', {});
  const rssGrowthMb = (process.memoryUsage().rss - rss0) / 1048576;
  server.closeAllConnections();
  server.close();
  return { error: found.error, serverWroteMb: sent / 1048576, rssGrowthMb };
}

async function main() {
  if (process.argv[2] === '--har') return harChild(process.argv[3]);
  const times = await worstLine();
  const worst = Object.entries(times).sort((a, b) => b[1] - a[1])[0];
  console.log('1. 80 KB API Gateway lines, time per line:');
  for (const [name, ms] of Object.entries(times)) console.log(`   ${name.padEnd(36)} ${ms.toFixed(1)} ms`);
  console.log(`   worst: ${worst[0]} (${worst[1].toFixed(1)} ms)`);
  const har = join(dir, 'one-line-19mb.har');
  const text = oneLineHar(24_000);
  writeFileSync(har, text);
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--har', har], {
    encoding: 'utf8',
  });
  const result = JSON.parse(child.stdout.trim().split('\n').at(-1));
  console.log(
    `2. one-line HAR of ${(text.length / 1048576).toFixed(1)} MB, 24000 entries: ${result.records} kept, ${result.malformed} malformed, peak RSS ${result.peakRssMb.toFixed(0)} MB`,
  );
  const cap = await versionCap();
  console.log(
    `3. version endpoint answering 300 MB: "${cap.error}"; server wrote ${cap.serverWroteMb.toFixed(0)} MB before the reader stopped; RSS grew ${cap.rssGrowthMb.toFixed(0)} MB`,
  );
}

await main();
