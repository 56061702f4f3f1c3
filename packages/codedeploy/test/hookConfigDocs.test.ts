/**
 * The variable table of "The validation hook" in docs/codedeploy.md against the config schema: every key of
 * the hook's own (not an option of `bg-replay replay --config`, which flags.md lists) has its `BG_REPLAY_*`
 * variable in the table, and every variable the table names is a key of the schema.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { envNameOf, runOptionsSchema } from '@bg-replay/core';
import { describe, expect, it } from 'vitest';
import { validationHookConfigSchema } from '../src/validationHookConfig.js';

const DOC = fileURLToPath(new URL('../../../docs/codedeploy.md', import.meta.url));

/** The rows of the first table after the "## The validation hook" heading. */
async function variableTable(): Promise<string[]> {
  const text = await readFile(DOC, 'utf8');
  const section = text.slice(text.indexOf('## The validation hook'));
  const lines = section.split('\n');
  const start = lines.findIndex((line) => line.startsWith('| Variable'));
  const rows: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line);
  }
  return rows;
}

/** Variables that name where the config comes from, or the nested `report` fields, not a top-level key. */
const NOT_KEYS = new Set([
  'BG_REPLAY_CONFIG_FILE',
  'BG_REPLAY_CONFIG_SSM_PARAMETER',
  'BG_REPLAY_REPORT_BUCKET',
  'BG_REPLAY_REPORT_PREFIX',
  'BG_REPLAY_REPORT_LOG',
]);

describe('the validation hook config table of docs/codedeploy.md', () => {
  it("lists every key of the hook's own with its variable", async () => {
    const rows = (await variableTable()).join('\n');
    const runKeys = new Set(Object.keys(runOptionsSchema.shape));
    const hookKeys = Object.keys(validationHookConfigSchema.shape).filter((key) => !runKeys.has(key));
    expect(hookKeys).toEqual(
      expect.arrayContaining(['stateMachineArn', 'shards', 'lambdaEndpoint', 'logGroup']),
    );
    const missing = hookKeys
      .filter((key) => key !== 'report')
      .filter((key) => !rows.includes(`\`${envNameOf(key)}\``) || !rows.includes(`\`${key}\``));
    expect(missing).toEqual([]);
    for (const name of ['BG_REPLAY_REPORT_BUCKET', 'BG_REPLAY_REPORT_PREFIX', 'BG_REPLAY_REPORT_LOG'])
      expect(rows).toContain(`\`${name}\``);
  });

  it('names no variable that is not a key of the schema', async () => {
    const rows = (await variableTable()).join('\n');
    const keyOf = new Map(Object.keys(validationHookConfigSchema.shape).map((key) => [envNameOf(key), key]));
    const named = [...rows.matchAll(/`(BG_REPLAY_[A-Z0-9_]+)`/g)].map((m) => m[1] as string);
    expect(named.length).toBeGreaterThan(15);
    expect(named.filter((name) => !NOT_KEYS.has(name) && !keyOf.has(name))).toEqual([]);
  });
});
