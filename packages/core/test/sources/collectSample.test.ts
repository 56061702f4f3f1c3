import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { collectSample } from '../../src/sources/collectSample.js';
import { logInputOf, resolveLogInputs } from '../../src/sources/resolveLogInputs.js';

const clf = (path: string, status = 200) =>
  `203.0.113.1 - - [26/Nov/2026:10:00:00 +0000] "GET ${path} HTTP/1.1" ${status} 10 "-" "curl/8"`;

function records(lines: string[]) {
  return { kind: 'stream' as const, name: 'access.log', stream: Readable.from([`${lines.join('\n')}\n`]) };
}

describe('collectSample', () => {
  it('dedupes identical requests, counting them as filtered', async () => {
    const lines = [
      ...Array.from({ length: 50 }, () => clf('/health')),
      clf('/orders/1'),
      clf('/orders/1'),
      clf('/orders/2'),
    ];
    const collected = await collectSample({ logs: [records(lines)], dedupe: true, minPerRoute: 5 });
    expect(collected.records.map((r) => r.record.path).sort()).toEqual(['/health', '/orders/1', '/orders/2']);
    expect(collected.skippedBy.duplicate).toBe(50);
    expect(collected.counts.skipped.filtered).toBe(50);
  });

  it('applies live-status, include/exclude, max-per-route and shards, and says why records were skipped', async () => {
    const lines = [
      ...Array.from({ length: 40 }, (_, i) => clf(`/products/${i}`)),
      clf('/products/99', 500),
      clf('/admin/users'),
      clf('/health'),
    ];
    const collected = await collectSample({
      logs: [records(lines)],
      liveStatus: '2xx',
      exclude: ['/admin/**'],
      maxPerRoute: 7,
      minPerRoute: 1,
    });
    expect(collected.skippedBy).toMatchObject({ liveStatus: 1, exclude: 1 });
    expect(collected.records.filter((r) => r.route === 'GET /products/:id')).toHaveLength(7);
    const shards = await Promise.all(
      [1, 2].map((index) =>
        collectSample({ logs: [records(lines)], shard: { index, total: 2 }, sample: 1000, minPerRoute: 1 }),
      ),
    );
    expect(shards.map((s) => s.counts.sampled).reduce((a, b) => a + b)).toBe(lines.length);
    expect(shards[0]?.skippedBy.shard).toBe(shards[1]?.counts.sampled);
  });

  it('rejects a sample size, seed or per-route bound that is not a sensible number, naming the flag', async () => {
    const logs = () => [records([clf('/a')])];
    await expect(collectSample({ logs: logs(), sample: Number.NaN })).rejects.toThrow(
      /^--sample is not a number/,
    );
    await expect(collectSample({ logs: logs(), sample: 0 })).rejects.toThrow(/^--sample 0 is out of range/);
    await expect(collectSample({ logs: logs(), seed: 1.5 })).rejects.toThrow(/^--seed 1.5 is out of range/);
    await expect(collectSample({ logs: logs(), maxPerRoute: 0 })).rejects.toThrow(/^--max-per-route 0/);
    await expect(collectSample({ logs: logs(), allowMethods: [] })).rejects.toThrow(
      /^--allow-methods is empty/,
    );
    await expect(collectSample({ logs: logs(), allowMethods: ['GET', 'FOO BAR'] })).rejects.toThrow(
      /^--allow-methods GET,FOO BAR: expected HTTP methods/,
    );
  });

  it('calls an empty input a mistake, naming it, and a cloudwatch:// without a group too', async () => {
    await expect(collectSample({ logs: [records([])] })).rejects.toThrow(
      /^access\.log: no log lines to read/,
    );
    expect(() => logInputOf('cloudwatch://', { cwd: '/' })).toThrow(
      /^--logs cloudwatch:\/\/: name the log group/,
    );
  });

  it('gives the same sample for the same seed', async () => {
    const lines = Array.from({ length: 500 }, (_, i) => clf(`/products/${i}`));
    const pick = async (seed: number) =>
      (await collectSample({ logs: [records(lines)], seed, sample: 10 })).records.map((r) => r.record.path);
    expect(await pick(3)).toEqual(await pick(3));
    expect(await pick(3)).not.toEqual(await pick(4));
  });

  it('reads several files through a glob, gzip ones included, in name order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bg-replay-glob-'));
    await writeFile(join(dir, 'a.log.gz'), gzipSync(`${clf('/a')}\n`));
    await writeFile(join(dir, 'b.log.gz'), gzipSync(`${clf('/b')}\n`));
    await writeFile(join(dir, 'c.txt'), 'not a log\n');
    const inputs = await resolveLogInputs(['*.log.gz'], { cwd: dir });
    expect(inputs.map((i) => (i.kind === 'file' ? i.path : ''))).toEqual([
      join(dir, 'a.log.gz'),
      join(dir, 'b.log.gz'),
    ]);
    const collected = await collectSample({ logs: inputs, minPerRoute: 1 });
    expect(collected.records.map((r) => r.record.path).sort()).toEqual(['/a', '/b']);
    await expect(resolveLogInputs(['*.nothing'], { cwd: dir })).rejects.toThrow(
      /--logs \*\.nothing: no file matches this pattern/,
    );
    expect(
      await resolveLogInputs(['cloudwatch://my/group', '-'], { cwd: dir, stdin: Readable.from([]) }),
    ).toMatchObject([
      { kind: 'cloudwatch', logGroup: 'my/group' },
      { kind: 'stream', name: 'stdin' },
    ]);
  });
});
