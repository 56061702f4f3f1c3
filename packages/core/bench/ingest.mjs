// Ingest benchmark (issue 8 P3/P4): parse + route + stratified sample of an API Gateway log vs a bare
// readline line count, and peak RSS for 100k vs 1M lines. Plain node over the built dist; not a test.
//   node packages/core/bench/ingest.mjs [--lines 1000000] [--keep]
// Each measurement runs in a fresh child process so one run's heap does not inflate the next one's RSS.
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist', 'index.js');

async function writeLog(path, lines) {
  const out = createWriteStream(path);
  const routes = [
    ['/products/{id}', (i) => `/prod/products/${i % 500}`],
    ['/orders/{id}', (i) => `/prod/orders/${i}`],
    ['/health', () => '/prod/health'],
    ['/search', () => '/prod/search'],
    ['/stores/{id}', (i) => `/prod/stores/${i % 40}`],
  ];
  for (let i = 0; i < lines; i += 1) {
    const [template, path] =
      routes[i % 997 === 0 ? 4 : i % 97 === 0 ? 2 : i % 3 === 0 ? 1 : i % 5 === 0 ? 3 : 0];
    const line = JSON.stringify({
      requestId: `a8de1f33-f060-1aec-b197-${String(i).padStart(12, '0')}`,
      ip: `203.0.113.${i % 250}`,
      caller: '-',
      user: '-',
      requestTime: '26/Nov/2026:10:00:00 +0000',
      requestTimeEpoch: 1795687200587 + i,
      httpMethod: i % 50 === 0 ? 'POST' : 'GET',
      resourcePath: template,
      path: path(i),
      stage: 'prod',
      status: i % 41 === 0 ? '404' : '200',
      protocol: 'HTTP/1.1',
      responseLength: String(400 + (i % 700)),
      userAgent:
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
      responseLatency: String(10 + (i % 90)),
    });
    if (!out.write(`${line}\n`)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve) => out.end(resolve));
}

async function child(mode, file) {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  let result;
  if (mode === 'readline') {
    let n = 0;
    for await (const _ of createInterface({
      input: createReadStream(file),
      crlfDelay: Number.POSITIVE_INFINITY,
    }))
      n += 1;
    result = { lines: n };
  } else {
    const { collectSample } = await import(dist);
    const collected = await collectSample({
      logs: [{ kind: 'file', path: file }],
      sample: 200,
      seed: 1,
      minPerRoute: 5,
    });
    result = {
      lines: collected.counts.read,
      sampled: collected.counts.sampled,
      routes: collected.seenPerRoute.size,
    };
  }
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu0);
  const cpuMs = (used.user + used.system) / 1000;
  // Peak RSS of this process (maxRSS is in KiB).
  console.log(JSON.stringify({ ...result, ms, cpuMs, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
}

function measure(mode, file) {
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, file], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout.trim().split('\n').at(-1));
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1], args[2]);
  if (!existsSync(dist)) execFileSync('pnpm', ['--filter', '@bg-replay/core', 'build'], { stdio: 'inherit' });
  const big = Number(args[args.indexOf('--lines') + 1] || 0) || 1_000_000;
  const small = Math.round(big / 10);
  const dir = join(tmpdir(), 'bg-replay-bench');
  mkdirSync(dir, { recursive: true });
  const files = { small: join(dir, `apigw-${small}.log`), big: join(dir, `apigw-${big}.log`) };
  for (const [size, path] of [
    [small, files.small],
    [big, files.big],
  ]) {
    if (!existsSync(path)) await writeLog(path, size);
  }
  const rounds = 3;
  const best = (mode, file) => {
    const runs = Array.from({ length: rounds }, () => measure(mode, file));
    return {
      ...runs.reduce((a, b) => (a.ms <= b.ms ? a : b)),
      cpuMs: Math.min(...runs.map((r) => r.cpuMs)),
      peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
    };
  };
  const readSmall = best('readline', files.small);
  const readBig = best('readline', files.big);
  const ingestSmall = best('ingest', files.small);
  const ingestBig = best('ingest', files.big);
  const mb = (statSync(files.big).size / 1048576).toFixed(0);
  const fmt = (n) => n.toFixed(0);
  console.log(`P3 ingest: ${big.toLocaleString('en')} API Gateway lines (${mb} MB), best of ${rounds}`);
  console.log(
    `  readline count        ${fmt(readBig.ms)} ms wall, ${fmt(readBig.cpuMs)} ms CPU  (${fmt(big / (readBig.ms / 1000))} lines/s)`,
  );
  console.log(
    `  parse+route+sample    ${fmt(ingestBig.ms)} ms wall, ${fmt(ingestBig.cpuMs)} ms CPU  (${fmt(big / (ingestBig.ms / 1000))} lines/s), ${ingestBig.sampled} sampled over ${ingestBig.routes} routes`,
  );
  const ratio = readBig.ms / ingestBig.ms;
  const cpuRatio = readBig.cpuMs / ingestBig.cpuMs;
  // On a shared machine wall time swings with the neighbours' load; CPU time is the steadier figure.
  console.log(
    `  throughput ratio      ${ratio.toFixed(2)}x of readline by wall time, ${cpuRatio.toFixed(2)}x by CPU time   (target >= 0.7x: ${ratio >= 0.7 ? 'met' : 'NOT met'} by wall, ${cpuRatio >= 0.7 ? 'met' : 'NOT met'} by CPU)`,
  );
  console.log(`P4 memory: peak RSS, ${small.toLocaleString('en')} vs ${big.toLocaleString('en')} lines`);
  console.log(`  readline              ${fmt(readSmall.peakRssMb)} MB vs ${fmt(readBig.peakRssMb)} MB`);
  console.log(`  parse+route+sample    ${fmt(ingestSmall.peakRssMb)} MB vs ${fmt(ingestBig.peakRssMb)} MB`);
  const rss = ingestBig.peakRssMb / ingestSmall.peakRssMb;
  console.log(
    `  RSS ratio 1M/100k     ${rss.toFixed(2)}   (target <= 1.2: ${rss <= 1.2 ? 'met' : 'NOT met'})`,
  );
  if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
}

await main();
