import { stringify } from 'yaml';
import type { Rule } from './ruleSchema.js';

/**
 * Writes rules as a YAML rules file, with an optional comment on top and a `$schema` hint for editors.
 * What it writes parses back with `parseRules` to the same rules.
 *
 * @example
 * formatRulesFile([{ id: 'volatile-ids', pointer: '/**\/requestId', ignore: true }], { comment: 'Learned noise' });
 */
export function formatRulesFile(
  rules: readonly Rule[],
  options: { comment?: string; schema?: string } = {},
): string {
  const header = options.comment
    ? `${options.comment
        .split('\n')
        .map((line) => `# ${line}`.trimEnd())
        .join('\n')}\n`
    : '';
  const document = { ...(options.schema ? { $schema: options.schema } : {}), rules };
  return `${header}${stringify(document, { lineWidth: 0 })}`;
}
