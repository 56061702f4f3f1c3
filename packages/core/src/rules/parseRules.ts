import { readFile } from 'node:fs/promises';
import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import { parseYamlDocument } from '../_parseYamlDocument.js';
import { BgReplayError } from '../errors.js';
import { type Rule, rulesFileSchema } from './ruleSchema.js';

/** Finds the line of the YAML/JSON node at `path` (1-based), or of its nearest parent that exists. */
function lineOf(
  document: Document.Parsed,
  counter: LineCounter,
  path: readonly PropertyKey[],
): number | undefined {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const keys = path.slice(0, depth) as (string | number)[];
    const node = keys.length === 0 ? document.contents : document.getIn(keys, true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return counter.linePos(range[0]).line;
  }
  return undefined;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.length > 0 ? issue.path.join('.') : 'the file';
  if (issue.code === 'unrecognized_keys')
    return `${field}: unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return `${field}: ${issue.message}`;
}

/**
 * Parses a rules file (YAML or JSON; JSON is YAML) and validates it. Errors name the file, line and field.
 *
 * @example
 * parseRules('rules:\n  - id: volatile-ids\n    pointer: /**\/requestId\n    ignore: true\n', 'rules.yaml');
 */
export function parseRules(text: string, file: string): Rule[] {
  const { document, counter, value } = parseYamlDocument(text, file, 'E_RULES');
  const parsed = rulesFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    // An unknown field is reported on its own line, not on the line of the object that holds it.
    const at =
      issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined
        ? [...issue.path, issue.keys[0]]
        : issue.path;
    const line = lineOf(document, counter, at);
    throw new BgReplayError('E_RULES', `${file}${line ? `:${line}` : ''}: ${describeIssue(issue)}`);
  }
  const seen = new Map<string, number>();
  parsed.data.rules.forEach((rule, index) => {
    if (seen.has(rule.id)) {
      const line = lineOf(document, counter, ['rules', index, 'id']);
      throw new BgReplayError(
        'E_RULES',
        `${file}${line ? `:${line}` : ''}: rules.${index}.id: duplicate rule id "${rule.id}"`,
      );
    }
    seen.set(rule.id, index);
  });
  return parsed.data.rules;
}

/**
 * Reads and parses a rules file; a missing file is an input error naming it.
 *
 * @example
 * const rules = await loadRules('rules.yaml');
 * const report = await validate({ logs, live, candidate, rules });
 */
export async function loadRules(file: string): Promise<Rule[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BgReplayError(
      'E_RULES',
      `cannot read rules file ${file}: ${code === 'ENOENT' ? 'no such file' : code}`,
      {
        cause: error,
      },
    );
  }
  return parseRules(text, file);
}
