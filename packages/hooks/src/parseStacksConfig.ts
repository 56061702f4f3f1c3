import { readFile } from 'node:fs/promises';
import { BgReplayError } from '@bg-replay/core';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { type StacksConfig, stacksConfigSchema } from './stacksConfig.js';

/**
 * Parses and validates the text of an a/b stacks file (YAML or JSON). Every problem is reported in one
 * `BgReplayError` with code `E_CONFIG`, each line naming `file:line:column`, the field and the fix.
 *
 * @example
 * const config = parseStacksConfig(text, 'stacks.yaml');
 * config.stacks.b.database; // { type: 'dynamodb', tableName: 'orders-b' }
 */
export function parseStacksConfig(text: string, fileName = 'stacks config'): StacksConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((error) => {
      const pos = lineCounter.linePos(error.pos[0]);
      return `${fileName}:${pos.line}:${pos.col}: ${error.message.split('\n')[0]}`;
    });
    throw new BgReplayError('E_CONFIG', `cannot parse ${fileName}:\n${lines.join('\n')}`);
  }
  const result = stacksConfigSchema.safeParse(doc.toJS());
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => describeIssue(issue, doc, lineCounter, fileName));
  throw new BgReplayError(
    'E_CONFIG',
    `invalid stacks config ${fileName} (see the format in docs/ab-stacks.md):\n${lines.join('\n')}`,
  );
}

/**
 * Reads and validates an a/b stacks file.
 *
 * @example
 * const config = await loadStacksConfig('fixtures/stacks/orders-ecs.yaml');
 */
export async function loadStacksConfig(file: string): Promise<StacksConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new BgReplayError(
      'E_CONFIG',
      `cannot read stacks config ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}; check the --config path`,
      { cause: error },
    );
  }
  return parseStacksConfig(text, file);
}

function describeIssue(
  issue: z.core.$ZodIssue,
  doc: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
  fileName: string,
): string {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  const field = path.length > 0 ? path.join('.') : '(top level)';
  // Point at the deepest node that exists: a missing field is reported at its parent.
  let where = '';
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) {
      const pos = lineCounter.linePos(node.range[0]);
      where = `:${pos.line}:${pos.col}`;
      break;
    }
  }
  let message = issue.message;
  if (issue.code === 'unrecognized_keys')
    message = `unknown field(s) ${issue.keys.join(', ')}: remove or fix the spelling`;
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    message = `${message} (check "${issue.discriminator}")`;
  }
  return `${fileName}${where} ${field}: ${message}`;
}
