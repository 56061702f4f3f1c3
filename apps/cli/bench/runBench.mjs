// pnpm bench: figures measured against the limits of this machine, as ratios within one run.
// Never a test and never a CI gate. Prints a table and writes bench-results/bench.json.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { validate } from '@bg-replay/core';
import jsonPatch from 'fast-json-patch';
import pLimit from 'p-limit';
import { Agent, request } from 'undici';
import { benchDiff } from './diffBench.mjs';
import { benchProcess } from './processBench.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../../..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const quick = process.env.BENCH_QUICK === '1';
// BENCH_ONLY=P1,P5 runs only those figures (P3 and P4 come together); BENCH_RECORDS sets P7's log size.
const only = process.env.BENCH_ONLY?.split(',').map((id) => id.trim().toUpperCase());
const want = (...ids) => !only || ids.some((id) => only.includes(id));
const results = [];

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)],
    min: sorted[0],
    max: sorted.at(-1),
    rounds: values,
  };
}

function record(id, name, value, target, detail) {
  results.push({ id, name, ...value, target, detail });
  const f = (v) => (typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2)) : String(v));
  console.log(
    `${id.padEnd(4)} ${name.padEnd(46)} ${f(value.median).padStart(9)}  (${f(value.min)}–${f(value.max)})  target ${target}${detail ? `  ${detail}` : ''}`,
  );
}

async function startServers() {
  const child = spawn(process.execPath, [join(here, 'servers.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const iterator = lines[Symbol.asyncIterator]();
  const first = JSON.parse((await iterator.next()).value);
  return {
    ...first,
    async stats() {
      child.stdin.write('stats\n');
      return JSON.parse((await iterator.next()).value);
    },
    reset: () => child.stdin.write('reset\n'),
    close: () => child.kill(),
  };
}

async function writeLog(n) {
  const dir = await mkdtemp(join(tmpdir(), 'bg-replay-bench-'));
  const file = join(dir, 'records.jsonl');
  const lines = [];
  for (let i = 0; i < n; i += 1)
    lines.push(JSON.stringify({ method: 'GET', path: `/items/${i}?page=${i % 10}`, headers: {} }));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

// P1: the full pipeline vs a bare loop, same servers, 32 records in flight.
async function p1(servers) {
  const N = quick ? 1000 : 4000;
  const log = await writeLog(N);
  const bare = [];
  const full = [];
  const bareCpu = [];
  const fullCpu = [];
  // Round 0 is a warm-up of both loops (JIT, sockets, the servers), not counted: the figure is steady state.
  for (let round = 0; round <= ROUNDS; round += 1) {
    const counted = round > 0;
    {
      const dispatcher = new Agent({ connections: 64 });
      const limit = pLimit(32);
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: N }, (_, i) =>
          limit(async () => {
            const path = `/items/${i}?page=${i % 10}`;
            const [a, b] = await Promise.all([
              request(`${servers.live}${path}`, { dispatcher }).then((r) => r.body.text()),
              request(`${servers.candidate}${path}`, { dispatcher }).then((r) => r.body.text()),
            ]);
            jsonPatch.compare(JSON.parse(a), JSON.parse(b));
          }),
        ),
      );
      const seconds = (performance.now() - t0) / 1000;
      const used = process.cpuUsage(cpu);
      if (counted) {
        bare.push(N / seconds);
        bareCpu.push((used.user + used.system) / N);
      }
      await dispatcher.close();
    }
    {
      const dispatcher = new Agent({ connections: 64 });
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      const report = await validate({
        logs: [{ kind: 'file', path: log }],
        live: servers.live,
        candidate: servers.candidate,
        sample: N,
        minSamples: 1,
        concurrency: 32,
        rps: 0,
        dispatcher,
      });
      const seconds = (performance.now() - t0) / 1000;
      const used = process.cpuUsage(cpu);
      if (report.counts.compared !== N) throw new Error(`P1: compared ${report.counts.compared} of ${N}`);
      if (counted) {
        full.push(N / seconds);
        fullCpu.push((used.user + used.system) / N);
      }
      await dispatcher.close();
    }
  }
  const ratios = full.map((f, i) => f / bare[i]);
  record(
    'P1',
    'replay records/s, full ÷ bare loop',
    stats(ratios),
    '≥ 0.8×',
    `full ${stats(full).median.toFixed(0)}/s, bare ${stats(bare).median.toFixed(0)}/s; CPU µs/record full ${stats(fullCpu).median.toFixed(0)}, bare ${stats(bareCpu).median.toFixed(0)}`,
  );
}

// P7: the whole `bg-replay replay` process vs the bare loop as a process, alternating (processBench.mjs).
// Issue 15's figures: throughput (records/s of the bare loop ÷ the CLI's, i.e. wall time inverted) ≥ 0.8×,
// peak RSS ≤ 1.5× the bare loop's; CPU (user + sys) is reported beside them. Throughput is wall time, which
// other work on the machine stretches: the load average before and after is printed so a reader can judge;
// CPU time and peak RSS are the figures that load barely moves.
async function p7(servers) {
  const records = Number(process.env.BENCH_RECORDS ?? (quick ? 5000 : 40000));
  const loadBefore = loadavg()[0];
  const { runs, throughput, cpu, rss } = await benchProcess(servers, {
    records,
    rounds: Math.min(ROUNDS, 3),
    writeLog,
  });
  const loadAfter = loadavg()[0];
  const median = (list, key) => stats(list.map((r) => r[key])).median;
  const figures = (side) =>
    `wall ${median(runs[side], 'wall').toFixed(1)} s (${(records / median(runs[side], 'wall')).toFixed(0)} records/s), CPU ${median(runs[side], 'cpu').toFixed(1)} s, peak RSS ${median(runs[side], 'rssMb').toFixed(0)} MB`;
  const verdict = (value, ok) => (ok(value) ? 'PASS' : 'MISS');
  const t = stats(throughput);
  const c = stats(cpu);
  const r = stats(rss);
  record(
    'P7',
    'replay process throughput ÷ bare loop',
    t,
    '≥ 0.8×',
    verdict(t.median, (v) => v >= 0.8),
  );
  record('P7', 'replay process CPU (user+sys) ÷ bare loop', c, '(reported)', '');
  record(
    'P7',
    'replay process peak RSS ÷ bare loop',
    r,
    '≤ 1.5×',
    verdict(r.median, (v) => v <= 1.5),
  );
  console.log(
    `     ${records} records, concurrency 32, --rps 0; medians of ${runs.full.length} alternating pairs`,
  );
  console.log(`     bg-replay replay: ${figures('full')}`);
  console.log(`     bare loop:        ${figures('bare')}`);
  console.log(
    `     load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after, on ${cpus().length} cores` +
      (loadAfter > cpus().length || loadBefore > cpus().length
        ? ': a loaded machine, so read wall time and throughput with care'
        : ''),
  );
}

// P5: with --rps R, the rate live's server counts stays within 10% of R.
async function p5(servers) {
  const R = 100;
  const N = quick ? 150 : 300;
  const log = await writeLog(N);
  const rates = [];
  for (let round = 0; round < Math.min(ROUNDS, 3); round += 1) {
    servers.reset();
    await validate({
      logs: [{ kind: 'file', path: log }],
      live: servers.live,
      candidate: servers.candidate,
      sample: N,
      minSamples: 1,
      concurrency: 32,
      rps: R,
    });
    const { live } = await servers.stats();
    const span = (live.at(-1) - live[0]) / 1000;
    rates.push((live.length - 1) / span);
  }
  record(
    'P5',
    `live req/s with --rps ${R}`,
    stats(rates.map((r) => r / R)),
    '0.9–1.1× R',
    `median ${stats(rates).median.toFixed(1)} req/s`,
  );
}

// P6: start-up of the CLI and of each hook bundle over a bare `node -e 0`.
function timeSpawn(args, n) {
  const times = [];
  for (let i = 0; i < n; i += 1) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore', cwd: root });
    if (r.status !== 0) throw new Error(`P6: ${args.join(' ')} exited ${r.status}`);
    times.push(performance.now() - t0);
  }
  return stats(times).median;
}

/** Bytes of a bundle and of the chunks it imports statically (chunks behind `import()` are not loaded at import). */
function startupBytes(file, seen = new Set()) {
  if (seen.has(file)) return 0;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  let bytes = statSync(file).size;
  for (const [, path] of text.matchAll(/\bfrom\s*["'](\.{1,2}\/[^"']+)["']/g))
    bytes += startupBytes(join(dirname(file), path), seen);
  return bytes;
}

async function p6() {
  const n = quick ? 5 : 11;
  const base = timeSpawn(['-e', '0'], n);
  const help = timeSpawn([join(root, 'apps/cli/bin/bg-replay.js'), '--help'], n);
  record(
    'P6',
    'bg-replay --help, ms over node -e 0',
    stats([help - base]),
    '(reported)',
    `node -e 0 = ${base.toFixed(0)} ms`,
  );
  const { readdirSync, existsSync } = await import('node:fs');
  const dist = join(root, 'apps/hook-lambdas/dist');
  if (!existsSync(dist)) return;
  for (const name of readdirSync(dist)) {
    const bundle = join(dist, name, 'index.mjs');
    if (!existsSync(bundle)) continue;
    const ms = timeSpawn(['-e', `import(${JSON.stringify(bundle)})`], n) - base;
    record(
      'P6',
      `import ${name}, ms over node -e 0`,
      stats([ms]),
      '≤ 150 ms',
      `${(startupBytes(bundle) / 1024).toFixed(0)} KiB loaded at import`,
    );
  }
}

async function p3p4() {
  const script = join(root, 'packages/core/bench/ingest.mjs');
  const { existsSync } = await import('node:fs');
  if (!existsSync(script)) return console.log('P3/P4 ingest bench not found');
  const r = spawnSync(process.execPath, [script, '--json'], {
    encoding: 'utf8',
    cwd: root,
    env: { ...process.env, BENCH_ROUNDS: String(Math.min(ROUNDS, 3)) },
  });
  if (r.status !== 0) return console.log(`P3/P4 failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1));
  for (const row of out) record(row.id, row.name, row, row.target, row.detail);
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`;
console.log(`bg-replay bench on ${machine}; median of ${ROUNDS} rounds (min–max)\n`);
const servers = await startServers();
try {
  if (want('P1')) await p1(servers);
  if (want('P2'))
    for (const row of await benchDiff(ROUNDS)) record(row.id, row.name, row, row.target, row.detail);
  if (want('P5')) await p5(servers);
  if (want('P7')) await p7(servers);
} finally {
  servers.close();
}
if (want('P3', 'P4')) await p3p4();
if (want('P6')) await p6();
mkdirSync(join(root, 'bench-results'), { recursive: true });
writeFileSync(
  join(root, 'bench-results/bench.json'),
  `${JSON.stringify({ machine, at: new Date().toISOString(), results }, null, 2)}\n`,
);
console.log('\nwritten bench-results/bench.json');
