// Build step: writes the JSON Schema of rules files (from the zod schema) to dist/rules.schema.json,
// published as `@bg-replay/core/rules.schema.json` for editor completion.
import { writeFileSync } from 'node:fs';
import { rulesJsonSchema } from '../dist/rules/ruleSchema.js';

writeFileSync(
  new URL('../dist/rules.schema.json', import.meta.url),
  `${JSON.stringify(rulesJsonSchema(), null, 2)}\n`,
);
