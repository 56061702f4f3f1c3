// Preloaded with `node --import` when /usr/bin/time is missing: writes "user sys maxRSS-kB" on exit.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const { userCPUTime, systemCPUTime, maxRSS } = process.resourceUsage();
  writeFileSync(process.env.BENCH_USAGE_FILE, `${userCPUTime / 1e6} ${systemCPUTime / 1e6} ${maxRSS}\n`);
});
