import { z } from 'zod';

const kind = z.enum(['added', 'removed', 'changed', 'type', 'status', 'header']);

/** One rule: which differences it matches, and whether it hides them. */
export const ruleSchema = z
  .object({
    id: z.string().min(1).describe('Stable id, shown in reports next to what the rule hid.'),
    description: z.string().optional(),
    route: z.string().optional().describe('Route it applies to, e.g. "GET /products/:id"; `*` matches a segment.'),
    pointer: z
      .string()
      .regex(/^(\/.*)?$/, 'must be a JSON Pointer starting with "/" (use /** for any depth)')
      .describe('JSON Pointer with `*` (one segment) and `**` (any depth).'),
    kinds: z.array(kind).optional().describe('Kinds of difference it matches; all when absent.'),
    ignore: z.boolean().optional().describe('Hide matching differences.'),
  })
  .strict();

/** A rules file: `{ rules: [...] }`. */
export const rulesFileSchema = z
  .object({
    $schema: z.string().optional(),
    rules: z.array(ruleSchema),
  })
  .strict();

export type Rule = z.infer<typeof ruleSchema>;
export type RulesFile = z.infer<typeof rulesFileSchema>;
