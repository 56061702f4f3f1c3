/**
 * `@bg-replay/core`: the blue/green replay validator. `validate(options)` reads logs, samples them, replays
 * them against live and candidate, diffs, applies the rules and resolves to the JSON report; the report can
 * be parsed back, merged across shards and rendered. The options have one schema (`runOptionsSchema`) that
 * a config file, the environment and flags are resolved against. Everything else of the engine is internal:
 * the sibling `@bg-replay/*` packages reach it through `@bg-replay/core/internal`, which semver does not cover.
 *
 * @example
 * import { renderMarkdown, validate } from '@bg-replay/core';
 *
 * const report = await validate({
 *   logs: [{ kind: 'file', path: 'access.log' }],
 *   live: 'https://api.example.com',
 *   candidate: 'https://api.example.com:8080',
 * });
 * console.log(report.verdict, renderMarkdown(report));
 *
 * @packageDocumentation
 */

export type { DiffStageOptions } from './diff/createComparer.js';
export type {
  DiffSummary,
  NoisePointerSummary,
  NoiseReorderSummary,
  NoiseRouteSummary,
  NoiseSummary,
  SideVersionSummary,
  VersionSource,
  VersionsSummary,
} from './diff/diffSummary.js';
export type { NormalizerName } from './diff/normalizers.js';
export { BgReplayError, type BgReplayErrorCode, isUserError } from './errors.js';
export type { Logger } from './logger.js';
export type * from './model.js';
export { learnNoiseRules } from './noise/learnNoiseRules.js';
export { readOptionsFile } from './options/readOptionsFile.js';
export {
  defaultOptionsLayer,
  type OptionIssue,
  type OptionLayer,
  type OptionSource,
  OptionsError,
  readOptionsEnv,
  resolveOptionLayers,
} from './options/resolveOptionLayers.js';
export {
  envNameOf,
  OPTION_GROUPS,
  OPTION_KEYS,
  type OptionDefinition,
  type OptionGroup,
  type OptionKey,
  type OptionMeta,
  optionDefinitions,
  type RunOptions,
  type RunOptionsInput,
  runOptionsSchema,
} from './options/runOptionsSchema.js';
export {
  type OptionContext,
  toValidateOptions,
  type ValidateOptionsFromRun,
} from './options/toValidateOptions.js';
export type { RateLimiter } from './replay/createRateLimiter.js';
export type { LambdaInvoker } from './replay/lambdaTarget.js';
export type { ReplayDeps, ReplayOptions } from './replay/replayRecords.js';
export { type MergeOptions, mergeReports } from './report/mergeReports.js';
export { parseReport } from './report/parseReport.js';
export type { ReportBodies } from './report/redactValues.js';
export { type HtmlOptions, renderHtml } from './report/renderHtml.js';
export { type JunitOptions, renderJunit } from './report/renderJunit.js';
export { type MarkdownOptions, renderMarkdown } from './report/renderMarkdown.js';
export type * from './report/reportTypes.js';
export type { RouteSourceOptions } from './routes/loadRouteMatcher.js';
export { formatRulesFile } from './rules/formatRules.js';
export { loadRules, parseRules } from './rules/parseRules.js';
export { type Rule, type RulesFile, ruleSchema, rulesFileSchema } from './rules/ruleSchema.js';
export type { VersionRelation } from './rules/semverPolicy.js';
export type { Privacy } from './safety/privacy.js';
export type {
  BudgetStop,
  CloudWatchLogsLike,
  CloudWatchOptions,
  CloudWatchStrategy,
} from './sources/cloudwatch/readCloudWatch.js';
export type { CloudWatchSourceOptions, SourceOptions } from './sources/collectSample.js';
export type { FieldMap } from './sources/formatParser.js';
export type { LogInput } from './sources/readRecords.js';
export { type ValidateOptions, validate } from './validate.js';
export type { RecordOutcome } from './verdict/aggregate.js';
export type { VerdictOptions } from './verdict/computeVerdict.js';
export type { LatencySketch } from './verdict/latencySketch.js';
export {
  type RouteDistribution,
  type RunLabel,
  type TuneCell,
  type TuneOptions,
  type TuneResult,
  type TuneRun,
  tuneThresholds,
} from './verdict/tuneThresholds.js';
