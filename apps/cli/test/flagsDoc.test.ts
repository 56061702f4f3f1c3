import { Writable } from 'node:stream';
import { type OptionKey, optionDefinitions, readOptionsFile, resolveOptionLayers } from '@bg-replay/core';
import { describe, expect, it } from 'vitest';
import { REPLAY_KEYS } from '../src/flags/optionFlags.js';
import { renderFlagsDoc } from '../src/flags/renderFlagsDoc.js';
import { runCli } from '../src/main.js';

/** `bg-replay <command> --help` as printed. */
async function helpOf(command: string): Promise<string> {
  let text = '';
  const stdout = new Writable({
    write: (chunk, _encoding, done) => {
      text += String(chunk);
      done();
    },
  });
  const code = await runCli([command, '--help'], { stdout, stderr: stdout, env: {}, cwd: process.cwd() });
  expect(code).toBe(0);
  return text;
}

describe('docs/flags.md', () => {
  it('is the reference generated from the option schema (pnpm --filter @bg-replay/cli docs:flags rewrites it)', async () => {
    await expect(renderFlagsDoc()).toMatchFileSnapshot('../../../docs/flags.md');
  });

  it('lists exactly the option flags that replay --help shows, each under its stage', async () => {
    const help = await helpOf('replay');
    const shown = new Set([...help.matchAll(/^\s+--([a-z][a-z-]*)/gm)].map((m) => m[1]));
    for (const builtIn of ['help', 'version', 'config']) shown.delete(builtIn);
    // The one flag that is not a run option: how the CLI reaches Lambda for lambda:// targets (documented
    // in docs/replay-and-sources.md, "Lambda functions as targets").
    shown.delete('lambda-endpoint');
    const documented = new Set(
      [...renderFlagsDoc().matchAll(/^\| `--([a-z-]+)` +\|/gm)].map((m) => m[1] as string),
    );
    expect([...shown].sort()).toEqual([...documented].sort());
    expect(documented.size).toBe(REPLAY_KEYS.length);
    // --help groups by stage in the schema's order.
    const groups = [...help.matchAll(/^([A-Z][A-Za-z]+):$/gm)].map((m) => m[1]);
    expect(groups.slice(0, 3)).toEqual(['Input', 'CloudWatch', 'Sampling']);
    expect(groups).toContain('Verdict');
    const latency = (optionDefinitions as Record<OptionKey, { help: string }>).latencyBudget.help;
    expect(help.replace(/\s+/g, ' ')).toContain(latency.slice(0, 40));
  });

  it('its config example is a valid config file', () => {
    const yaml = /```yaml\n([\s\S]*?)```/.exec(renderFlagsDoc())?.[1] ?? '';
    const { options } = resolveOptionLayers([readOptionsFile(yaml, '/srv/run.yaml')]);
    expect(options).toMatchObject({
      logs: ['/srv/access.log'],
      rps: 20,
      arrayKeys: { '/items': 'id' },
      latencyBudget: { p95: 1.5 },
      retryUntil: 600_000,
      reportJson: '/srv/run.json',
    });
  });

  it('sample --help shows the source flags and --config, not --header nor replay flags', async () => {
    const help = await helpOf('sample');
    expect(help).toContain('--config');
    expect(help).toContain('--secret-header');
    expect(help).not.toMatch(/--header\b/);
    expect(help).not.toContain('--live ');
  });
});
