import semver from 'semver';
import { z } from 'zod';

const kind = z.enum(['added', 'removed', 'changed', 'type', 'status', 'header', 'truncated']);

const range = z
  .string()
  .refine(
    (value) => semver.validRange(value) !== null,
    'must be a semver range such as ">=2.0.0 <3.0.0" or "^1.4.0"',
  )
  .describe('A semver range (npm syntax), e.g. ">=2.0.0 <3.0.0".');

/**
 * Semver ranges a rule is scoped to; a side that is named but whose version is unknown does not match. A
 * prerelease matches as its release unless `prerelease: exact`.
 */
export const whenSchema = z
  .object({
    live: range.optional().describe('Range the live version must satisfy.'),
    candidate: range.optional().describe('Range the candidate version must satisfy.'),
    prerelease: z
      .enum(['release', 'exact'])
      .optional()
      .describe(
        'How a prerelease meets the ranges. release (default): as the release it leads to, so 1.0.0-beta.15 satisfies ">=1.0.0". exact: by semver order, where 1.0.0-beta.15 < 1.0.0.',
      ),
  })
  .strict();

/**
 * One rule: which differences it matches (`route`, `pointer`, `kinds`, `when`), and what it does with them:
 * `ignore` hides them whatever the versions (noise), `allow` declares them intended (hidden, except between
 * two equal versions), `allow: false` makes them count even where the semver policy would allow them.
 * `arrayKey`, `unordered` and `tolerance` shape the diff itself at the pointer; `redact` masks the values at
 * the pointer in reports. A rule with only shaping or `redact` fields judges nothing.
 *
 * @example
 * ruleSchema.parse({ id: 'volatile-ids', pointer: '/**\/requestId', ignore: true });
 */
export const ruleSchema = z
  .object({
    id: z.string().min(1).describe('Stable id, shown in reports next to what the rule hid.'),
    description: z.string().optional().describe('Why the rule exists, for reviewers.'),
    route: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Route it applies to, e.g. "GET /products/:id"; `*` matches one segment or any method, a final `**` any rest.',
      ),
    pointer: z
      .string()
      .regex(/^(\/.*)?$/, 'must be a JSON Pointer starting with "/" (use /** for any depth)')
      .describe(
        'JSON Pointer with `*` (one segment) and `**` (any number of segments); `/headers/<name>` and `/status` too.',
      ),
    kinds: z.array(kind).min(1).optional().describe('Kinds of difference it matches; all when absent.'),
    ignore: z
      .boolean()
      .optional()
      .describe('Hide matching differences whatever the versions (noise, volatile values).'),
    allow: z
      .boolean()
      .optional()
      .describe(
        'true: an intended change (hidden unless both versions are equal). false: always count it, overriding the semver policy.',
      ),
    arrayKey: z
      .string()
      .min(1)
      .optional()
      .describe('The array at `pointer` holds objects matched by this field, so a reorder is no difference.'),
    unordered: z
      .boolean()
      .optional()
      .describe('The array of scalars at `pointer` is compared as a multiset.'),
    tolerance: z
      .number()
      .nonnegative()
      .optional()
      .describe('Numbers at `pointer` within this absolute distance are equal.'),
    when: whenSchema.optional().describe('Semver ranges of live and/or candidate the rule applies to.'),
    redact: z
      .boolean()
      .optional()
      .describe(
        'Mask values at `pointer` (and inside values that contain it) in every report; they still count in the diff. Applies whatever `when` says.',
      ),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (rule.ignore !== undefined && rule.allow !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['allow'], message: 'give either ignore or allow, not both' });
    }
    if (rule.arrayKey !== undefined && rule.unordered) {
      ctx.addIssue({
        code: 'custom',
        path: ['unordered'],
        message: 'give either arrayKey (arrays of objects) or unordered (arrays of scalars), not both',
      });
    }
  });

/**
 * A rules file: `{ rules: [...] }`.
 *
 * @example
 * const { rules } = rulesFileSchema.parse(JSON.parse(text));
 */
export const rulesFileSchema = z
  .object({
    $schema: z.string().optional().describe('Path or URL of rules.schema.json, for editor completion.'),
    rules: z.array(ruleSchema).describe('Rules; for judging, the first matching rule decides.'),
  })
  .strict();

/** One rule of a rules file (see `ruleSchema`). */
export type Rule = z.infer<typeof ruleSchema>;
/** A parsed rules file (see `rulesFileSchema`). */
export type RulesFile = z.infer<typeof rulesFileSchema>;

/**
 * The JSON Schema of a rules file (draft 2020-12), published as `@bg-replay/core/rules.schema.json` so
 * editors complete and check rules files.
 *
 * @example
 * writeFileSync('rules.schema.json', JSON.stringify(rulesJsonSchema(), null, 2));
 */
export function rulesJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(rulesFileSchema, {
    target: 'draft-2020-12',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return { ...schema, $id: 'https://bg-replay.dev/rules.schema.json', title: 'bg-replay rules file' };
}
