// P7: the whole `bg-replay replay` process against the bare loop (bareLoop.mjs) as a process, same log,
// same servers, alternating runs so both see the same machine load. Each run's wall time is timed here;
// CPU (user + sys) and peak RSS come from /usr/bin/time (or, without it, process.resourceUsage() in the
// child through a preloaded module).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../../..');
const TIME = '/usr/bin/time';

/** Runs `node ...args` to the end; resolves to wall seconds, CPU seconds and peak RSS in MB. */
async function measure(args, dir) {
  const usage = join(dir, 'usage.txt');
  rmSync(usage, { force: true });
  const viaTime = existsSync(TIME);
  const [command, argv] = viaTime
    ? [TIME, ['-f', '%U %S %M', '-o', usage, process.execPath, ...args]]
    : [process.execPath, ['--import', join(here, 'reportUsage.mjs'), ...args]];
  const t0 = performance.now();
  const child = spawn(command, argv, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, BENCH_USAGE_FILE: usage },
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise((resolve) => child.on('close', resolve));
  const wall = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`P7: node ${args.join(' ')} exited ${code}\n${stderr.slice(-2000)}`);
  const [user, sys, maxKb] = readFileSync(usage, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  return { wall, cpu: user + sys, rssMb: maxKb / 1024 };
}

/**
 * Alternates `rounds` + 1 runs of each (the first pair warms the disk cache and the servers, not counted).
 * Resolves to the per-round ratios and the raw figures.
 */
export async function benchProcess(servers, { records, rounds, writeLog }) {
  const dir = await mkdtemp(join(tmpdir(), 'bg-replay-p7-'));
  const log = await writeLog(records);
  const report = join(dir, 'report.json');
  const cli = [
    join(root, 'apps/cli/bin/bg-replay.js'),
    'replay',
    '--logs',
    log,
    '--format',
    'jsonl',
    '--live',
    servers.live,
    '--candidate',
    servers.candidate,
    '--sample',
    String(records),
    '--min-samples',
    '1',
    '--concurrency',
    '32',
    '--rps',
    '0',
    '--report-json',
    report,
  ];
  const bare = [join(here, 'bareLoop.mjs'), log, servers.live, servers.candidate, '32'];
  const runs = { full: [], bare: [] };
  for (let round = 0; round <= rounds; round += 1) {
    // Alternate which goes first, so neither always runs right after the other's garbage.
    const order = round % 2 === 0 ? ['bare', 'full'] : ['full', 'bare'];
    for (const which of order) {
      const figures = await measure(which === 'full' ? cli : bare, dir);
      if (which === 'full') {
        const compared = JSON.parse(readFileSync(report, 'utf8')).counts.compared;
        if (compared !== records) throw new Error(`P7: the CLI compared ${compared} of ${records} records`);
      }
      if (round > 0) runs[which].push(figures);
    }
  }
  writeFileSync(join(dir, 'runs.json'), JSON.stringify(runs));
  const ratio = (key, invert) =>
    runs.full.map((f, i) => (invert ? runs.bare[i][key] / f[key] : f[key] / runs.bare[i][key]));
  return {
    runs,
    throughput: ratio('wall', true),
    cpu: ratio('cpu'),
    rss: ratio('rssMb'),
  };
}
