// Ingest benchmark (issue 8 P3/P4): parse + route + stratified sample of an API Gateway log vs a bare
// readline line count, and peak RSS for 100k vs 1M lines. Plain node over the built dist; not a test.
//   node packages/core/bench/ingest.mjs [--lines 1000000] [--keep] [--json]   (BENCH_ROUNDS=3)
// Each measurement runs in a fresh child process so one run's heap does not inflate the next one's RSS.
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist', 'internal.js');

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
  let importMs = 0;
  if (mode === 'readline') {
    let n = 0;
    for await (const _ of createInterface({
      input: createReadStream(file),
      crlfDelay: Number.POSITIVE_INFINITY,
    }))
      n += 1;
    result = { lines: n };
  } else {
    const imported = performance.now();
    const { collectSample } = await import(dist);
    // Loading the library (zod, undici, ... : ~150 ms) is start-up, not ingest: timed apart.
    importMs = performance.now() - imported;
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
  const ms = performance.now() - started - importMs;
  const used = process.cpuUsage(cpu0);
  const cpuMs = (used.user + used.system) / 1000;
  // Peak RSS of this process (maxRSS is in KiB).
  console.log(
    JSON.stringify({ ...result, ms, importMs, cpuMs, peakRssMb: process.resourceUsage().maxRSS / 1024 }),
  );
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
  // Paired rounds: each round measures readline and the ingest back to back, so a noisy neighbour hits both.
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const pairs = Array.from({ length: rounds }, () => ({
    readBig: measure('readline', files.big),
    ingestBig: measure('ingest', files.big),
    ingestSmall: measure('ingest', files.small),
  }));
  const stats = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return {
      median: sorted[Math.floor(sorted.length / 2)],
      min: sorted[0],
      max: sorted.at(-1),
      rounds: values,
    };
  };
  const ratio = stats(pairs.map((p) => p.readBig.ms / p.ingestBig.ms));
  const withImport = stats(pairs.map((p) => p.readBig.ms / (p.ingestBig.ms + p.ingestBig.importMs)));
  const cpuRatio = stats(pairs.map((p) => p.readBig.cpuMs / p.ingestBig.cpuMs));
  const rss = stats(pairs.map((p) => p.ingestBig.peakRssMb / p.ingestSmall.peakRssMb));
  const med = (pick) => stats(pairs.map(pick)).median;
  const readMs = med((p) => p.readBig.ms);
  const ingestMs = med((p) => p.ingestBig.ms);
  const last = pairs.at(-1).ingestBig;
  const mb = (statSync(files.big).size / 1048576).toFixed(0);
  const fmt = (n) => n.toFixed(0);
  const rows = [
    {
      id: 'P3',
      name: `ingest ÷ readline count, ${big / 1e6}M API GW lines (wall)`,
      ...ratio,
      target: '≥ 0.7×',
      detail: `${fmt(ingestMs)} ms vs ${fmt(readMs)} ms (${mb} MB, ${fmt(big / (ingestMs / 1000))} lines/s); by CPU ${cpuRatio.median.toFixed(2)}× (CPU incl. import); with the ${fmt(med((p) => p.ingestBig.importMs))} ms library import ${withImport.median.toFixed(2)}×; ${last.sampled} sampled over ${last.routes} routes`,
    },
    {
      id: 'P4',
      name: `peak RSS ${big / 1e6}M ÷ ${small / 1e3}k lines`,
      ...rss,
      target: '≤ 1.2',
      detail: `${fmt(med((p) => p.ingestSmall.peakRssMb))} MB vs ${fmt(med((p) => p.ingestBig.peakRssMb))} MB`,
    },
  ];
  if (args.includes('--json')) console.log(JSON.stringify(rows));
  else {
    console.log(
      `P3 ingest: ${big.toLocaleString('en')} API Gateway lines (${mb} MB), median of ${rounds} paired rounds`,
    );
    console.log(`  readline count        ${fmt(readMs)} ms wall, ${fmt(med((p) => p.readBig.cpuMs))} ms CPU`);
    console.log(
      `  parse+route+sample    ${fmt(ingestMs)} ms wall (+${fmt(med((p) => p.ingestBig.importMs))} ms library import), ${fmt(med((p) => p.ingestBig.cpuMs))} ms CPU, ${last.sampled} sampled over ${last.routes} routes`,
    );
    // On a shared machine wall time swings with the neighbours' load; CPU time is the steadier figure.
    console.log(
      `  throughput ratio      ${ratio.median.toFixed(2)}x (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)}) of readline by wall time (${withImport.median.toFixed(2)}x with the import), ${cpuRatio.median.toFixed(2)}x by CPU   (target >= 0.7x: ${ratio.median >= 0.7 ? 'met' : 'NOT met'})`,
    );
    console.log(
      `P4 memory: peak RSS ${small.toLocaleString('en')} vs ${big.toLocaleString('en')} lines: ${rows[1].detail}, ratio ${rss.median.toFixed(2)} (target <= 1.2: ${rss.median <= 1.2 ? 'met' : 'NOT met'})`,
    );
  }
  if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
}

await main();
