export { type AwsClientPolicyOptions, awsClientConfig } from './awsClientPolicy.js';
export {
  type AwsCallInfo,
  type AwsErrorKind,
  annotateAwsCall,
  annotateAwsCalls,
  awsCallOf,
  awsErrorCode,
  awsErrorName,
  classifyAwsError,
  commandName,
  type DescribeAwsErrorOptions,
  describeAwsError,
  isAwsError,
  isRetryableAwsError,
  resourceOfInput,
  toAwsBgReplayError,
  withAwsCallNames,
} from './awsErrors.js';
export type { ComparerContext } from './diff/createComparer.js';
export {
  type Comparer,
  type ComparisonInput,
  createComparer,
  type DiffStageOptions,
} from './diff/createComparer.js';
export { createShaper, type ShapeOptions } from './diff/createShaper.js';
export type { ArrayShape, DiffJsonOptions, DiffShape, ToleranceShape } from './diff/diffJson.js';
export {
  DEFAULT_COMPARED_HEADERS,
  type DiffOptions,
  diffBodies,
  diffHeaders,
  diffJson,
  diffResponses,
  equalHeaderValues,
  type PreparedBody,
  parseJsonBody,
  prepareBody,
} from './diff/diffResponses.js';
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
export { fetchVersion, type VersionDiscovery, versionFromResponse } from './diff/discoverVersions.js';
export {
  createNormalizers,
  DEFAULT_TIMESTAMP_WINDOW_MS,
  isIdField,
  isIdLike,
  NORMALIZER_NAMES,
  type NormalizerName,
  type Normalizers,
  timestampOf,
  VOLATILE_HEADERS,
} from './diff/normalizers.js';
export { ExactNumber } from './diff/parseJsonBody.js';
export { aggregatePointer, joinPointer, splitPointer, valueAtPointer } from './diff/pointer.js';
export { type PatchOperation, toJsonPatch } from './diff/toJsonPatch.js';
export { BgReplayError, type BgReplayErrorCode, checkRange, isUserError } from './errors.js';
export { type Logger, silentLogger } from './logger.js';
export type * from './model.js';
export { applyNoiseProbe, type NoiseProbeSettings } from './noise/applyNoiseProbe.js';
export { detectReorders, type Reorder } from './noise/detectReorders.js';
export {
  DEFAULT_NOISE_THRESHOLDS,
  isRealDifference,
  type NoiseCounts,
  type NoiseThresholds,
} from './noise/isRealDifference.js';
export { learnNoiseRules } from './noise/learnNoiseRules.js';
export { parseDuration } from './parseDuration.js';
export { createRateLimiter } from './replay/createRateLimiter.js';
export {
  buildApiGatewayEvent,
  isLambdaTarget,
  type LambdaInvoker,
  type LambdaTarget,
  mapLambdaResult,
  parseLambdaTarget,
  sendLambdaRequest,
} from './replay/lambdaTarget.js';
export { type ReplayOptions, replayRecords, targetUrl } from './replay/replayRecords.js';
export { sendRequest } from './replay/sendRequest.js';
export {
  buildReport,
  MAX_FIELDS_PER_ROUTE,
  type ReportInput,
  redactReport,
  safeUrl,
} from './report/buildReport.js';
export {
  type CoverageNotes,
  coverageNotes,
  criticalText,
  escapeMarkdown,
  flattenLine,
  type RouteStatus,
  routeStatus,
  safetyText,
  topDifferences,
} from './report/format.js';
export { type MergeOptions, mergeReports, tallyOfReport } from './report/mergeReports.js';
export { parseReport } from './report/parseReport.js';
export {
  limitReportBodies,
  limitSampleValues,
  maskSecretText,
  maskSecretValues,
  REPORT_BODIES,
  type ReportBodies,
} from './report/redactValues.js';
export { type HtmlOptions, latencyChart, renderHtml } from './report/renderHtml.js';
export { type JunitOptions, renderJunit } from './report/renderJunit.js';
export { type MarkdownOptions, renderMarkdown } from './report/renderMarkdown.js';
export type * from './report/reportTypes.js';
export { type SideBySideRow, sideBySide } from './report/sideBySide.js';
export {
  createJudge,
  isShapingRule,
  type Judge,
  type JudgeContext,
  ruleApplies,
} from './rules/createJudge.js';
export { createRedactor, isRedactedPointer, type Redactor } from './rules/createRedactor.js';
export { formatRulesFile } from './rules/formatRules.js';
export {
  compilePointerPattern,
  compileRoutePattern,
  compileSegmentsPattern,
  escapePatternSegment,
} from './rules/matchPointer.js';
export { loadRules, parseRules } from './rules/parseRules.js';
export type { Rule } from './rules/ruleSchema.js';
export { type RulesFile, ruleSchema, rulesFileSchema, rulesJsonSchema } from './rules/ruleSchema.js';
export {
  isBreakingDifference,
  type PolicyName,
  parseVersion,
  policyFor,
  relateVersions,
  satisfiesRange,
  type VersionPair,
  type VersionRelation,
} from './rules/semverPolicy.js';
export {
  createPrivacy,
  DEFAULT_SECRET_HEADERS,
  DEFAULT_SECRET_QUERY_PARAMS,
  type Privacy,
  type PrivacyOptions,
  resolveInjectedHeaders,
  SAFE_METHODS,
} from './safety/privacy.js';
export {
  createRecordFilter,
  parseShard,
  parseStatusFilter,
  type RecordFilterOptions,
} from './sample/createRecordFilter.js';
export { createSampler, type SamplerOptions } from './sample/createSampler.js';
export { inferRoute, routeFromTemplate, routeOf } from './sample/inferRoute.js';
export { createRandom, requestKey, stableHash, stableHash53 } from './sample/random.js';
export { sleep } from './sleep.js';
export { parseTimePoint, resolveTimeWindow } from './sources/cloudwatch/parseTimeWindow.js';
export {
  type CloudWatchLogsLike,
  type CloudWatchOptions,
  type CloudWatchStrategy,
  chooseStrategy,
  insightsQuery,
  readCloudWatch,
} from './sources/cloudwatch/readCloudWatch.js';
export {
  type CloudWatchSourceOptions,
  type CollectedSample,
  collectSample,
  createSourcePrivacy,
  DEFAULT_SAMPLE,
  type SkippedBy,
  type SourceOptions,
} from './sources/collectSample.js';
export { detachRecord } from './sources/detachRecord.js';
export {
  createLineParser,
  type FieldMap,
  type FormatParser,
  type ParserContext,
  type RecordHead,
  type SourceOutcome,
} from './sources/formatParser.js';
export { parseAlbLine } from './sources/parseAlb.js';
export { parseFieldMap } from './sources/parseAppJson.js';
export { parseClfLine } from './sources/parseClf.js';
export { GOR_SEPARATOR, parseRawHttpRequest } from './sources/parseGoReplay.js';
export { parseHarEntry } from './sources/parseHar.js';
export { type LineBatch, readLineBatches, readLines } from './sources/readLines.js';
export {
  chooseParser,
  FORMAT_PARSERS,
  formatNames,
  type LogInput,
  materialize,
  type ReadOptions,
  readOutcomeBatches,
  readRecords,
} from './sources/readRecords.js';
export { expandGlob, logInputOf, resolveLogInputs } from './sources/resolveLogInputs.js';
export { type ValidateOptions, validate } from './validate.js';
export type { RecordOutcome } from './verdict/aggregate.js';
export {
  addOutcome,
  createTally,
  type FieldTally,
  keepSamples,
  MAX_POINTER_KEYS,
  mergeTallies,
  type RouteTally,
  type Tally,
} from './verdict/aggregate.js';
export {
  checkLatencyBudget,
  checkVerdictOptions,
  computeVerdict,
  DEFAULT_CONFIDENCE,
  describeCauses,
  type VerdictOptions,
  type VerdictResult,
} from './verdict/computeVerdict.js';
export { judgeRun } from './verdict/judgeRun.js';
export {
  addToSketch,
  bucketRange,
  createSketch,
  type LatencySketch,
  mergeSketches,
  quantile,
} from './verdict/latencySketch.js';
export {
  DEFAULT_TUNE_MIN_SAMPLES,
  DEFAULT_TUNE_THRESHOLDS,
  type RouteDistribution,
  type RunLabel,
  type TuneCell,
  type TuneOptions,
  type TuneResult,
  type TuneRun,
  tuneThresholds,
} from './verdict/tuneThresholds.js';
export {
  inverseNormalCdf,
  recordsNeeded,
  wilsonInterval,
  wilsonLowerBound,
  zForConfidence,
} from './verdict/wilson.js';
export { USER_AGENT, VERSION } from './version.js';
