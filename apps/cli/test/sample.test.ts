import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { collectSample } from '@bg-replay/core/internal';
import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { sampleCommand } from '../src/commands/sample.js';
import type { CliIo } from '../src/io.js';

const logsDir = fileURLToPath(new URL('../../../fixtures/logs/', import.meta.url));

function memoryIo(
  cwd: string,
  env: Record<string, string> = {},
): CliIo & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  return { stdout, stderr, env, cwd, out: () => out, err: () => err };
}

/** Parses argv with the command's own builder, as `bg-replay sample …` would, and runs it. */
async function runSample(argv: string[], io: CliIo): Promise<number> {
  let code = -1;
  await yargs(argv)
    .command({
      command: sampleCommand.command,
      describe: sampleCommand.describe,
      builder: sampleCommand.builder,
      handler: async (args) => {
        code = await sampleCommand.run(args as never, io);
      },
    })
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new Error(message);
    })
    .parseAsync();
  return code;
}

describe('bg-replay sample', () => {
  it('writes the chosen records as JSONL without secrets and prints what was read, skipped and chosen per route', async () => {
    const out = await mkdtemp(join(tmpdir(), 'bg-replay-sample-'));
    const io = memoryIo(logsDir);
    const code = await runSample(
      [
        'sample',
        '--logs',
        '*-access.log',
        'nginx-combined.log',
        '--out',
        join(out, 'sample.jsonl'),
        '--min-per-route',
        '2',
      ],
      io,
    );
    expect(code).toBe(0);
    const text = await readFile(join(out, 'sample.jsonl'), 'utf8');
    expect(text).not.toContain('SECRET-');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => `${l.method} ${l.path}`)).toContain('GET /orders/1001');
    expect(lines.find((l) => l.path === '/products/40?color=red' && l.meta)).toMatchObject({
      route: 'GET /products/:id',
      meta: { targetGroupArn: expect.stringContaining('targetgroup/shop-blue') },
    });
    const summary = io.out();
    expect(summary).toMatch(/read 12 records, sampled \d+/);
    expect(summary).toMatch(/skipped: 4 malformed, 1 unsafe method/);
    expect(summary).toContain(`${join(logsDir, 'alb-access.log')}:3: ALB request field has no HTTP method`);
    expect(summary).toMatch(/GET \/products\/:id\s+\d+\s+\d+/);
    expect(summary).not.toContain('SECRET-');
    expect(summary).toContain(`sample: ${join(out, 'sample.jsonl')}`);

    // The file is the tool's own JSONL: it reads back as the same records.
    const again = await collectSample({
      logs: [{ kind: 'file', path: join(out, 'sample.jsonl') }],
      sample: 1000,
      minPerRoute: 1,
    });
    expect(again.records.map((r) => r.record.path).sort()).toEqual(lines.map((l) => l.path).sort());
  });

  it('writes JSONL to stdout and the summary to stderr without --out, and reports why records were filtered', async () => {
    const io = memoryIo(logsDir);
    await runSample(
      ['sample', '--logs', 'nginx-combined.log', '--live-status', '2xx', '--exclude', '/search'],
      io,
    );
    const paths = io
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).path);
    expect(paths.sort()).toEqual(['/orders/1001', '/products/40?color=red']);
    expect(io.err()).toMatch(/1 live status \(--live-status\), 1 excluded \(--exclude\)/);
  });

  it('is the same sample for the same seed', async () => {
    const pick = async (seed: string) => {
      const io = memoryIo(logsDir);
      await runSample(
        [
          'sample',
          '--logs',
          'apigw-rest.log',
          'alb-access.log',
          'nginx-combined.log',
          '--sample',
          '3',
          '--seed',
          seed,
          '--min-per-route',
          '1',
        ],
        io,
      );
      return io.out();
    };
    expect(await pick('5')).toBe(await pick('5'));
  });
});
