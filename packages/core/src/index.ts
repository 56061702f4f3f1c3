export { BgReplayError, type BgReplayErrorCode, isUserError } from './errors.js';
export { type Logger, silentLogger } from './logger.js';
export type * from './model.js';
export { VERSION, USER_AGENT } from './version.js';
export { validate, type ValidateOptions } from './validate.js';
export { replayRecords, targetUrl, type ReplayOptions } from './replay/replayRecords.js';
export { collectSample, DEFAULT_SAMPLE, type SourceOptions, type CollectedSample } from './sources/collectSample.js';
export { createComparer, type Comparer, type ComparisonInput, type DiffStageOptions } from './diff/createComparer.js';
export type { DiffSummary } from './diff/diffSummary.js';
export { judgeRun } from './verdict/judgeRun.js';
export type { RecordOutcome } from './verdict/aggregate.js';
export type * from './report/reportTypes.js';
export { type LogInput, readRecords, formatNames, FORMAT_PARSERS } from './sources/readRecords.js';
export { readLines } from './sources/readLines.js';
export { inferRoute, routeFromTemplate, routeOf } from './sample/inferRoute.js';
export { createSampler, type SamplerOptions } from './sample/createSampler.js';
export { createRandom, stableHash } from './sample/random.js';
export { createPrivacy, SAFE_METHODS, DEFAULT_SECRET_HEADERS, DEFAULT_SECRET_QUERY_PARAMS } from './safety/privacy.js';
export { sendRequest } from './replay/sendRequest.js';
export { createRateLimiter } from './replay/createRateLimiter.js';
export { diffResponses, diffJson } from './diff/diffResponses.js';
export { aggregatePointer } from './diff/pointer.js';
export { parseRules, loadRules } from './rules/parseRules.js';
export type { Rule } from './rules/ruleSchema.js';
export { createJudge } from './rules/createJudge.js';
export { computeVerdict } from './verdict/computeVerdict.js';
export { quantile, createSketch, addToSketch, mergeSketches, type LatencySketch } from './verdict/latencySketch.js';
export { inverseNormalCdf, zForConfidence, wilsonInterval, wilsonLowerBound, recordsNeeded } from './verdict/wilson.js';
export { checkVerdictOptions, checkLatencyBudget, DEFAULT_CONFIDENCE, type VerdictOptions, type VerdictResult } from './verdict/computeVerdict.js';
export { createTally, addOutcome, mergeTallies, keepSamples, type Tally, type RouteTally, type FieldTally } from './verdict/aggregate.js';
export { bucketRange } from './verdict/latencySketch.js';
export { tuneThresholds, DEFAULT_TUNE_THRESHOLDS, DEFAULT_TUNE_MIN_SAMPLES, type TuneRun, type TuneOptions, type TuneResult, type TuneCell, type RouteDistribution, type RunLabel } from './verdict/tuneThresholds.js';
export { buildReport, redactReport, type ReportInput } from './report/buildReport.js';
export { mergeReports, tallyOfReport, type MergeOptions } from './report/mergeReports.js';
export { parseReport } from './report/parseReport.js';
export { renderJunit, type JunitOptions } from './report/renderJunit.js';
export { renderMarkdown, type MarkdownOptions } from './report/renderMarkdown.js';
export { renderHtml, latencyChart, type HtmlOptions } from './report/renderHtml.js';
export { sideBySide, type SideBySideRow } from './report/sideBySide.js';
export { diffBodies, diffHeaders, prepareBody, parseJsonBody, DEFAULT_COMPARED_HEADERS, type DiffOptions, type PreparedBody } from './diff/diffResponses.js';
export type { DiffJsonOptions, DiffShape, ArrayShape, ToleranceShape } from './diff/diffJson.js';
export type { ComparerContext } from './diff/createComparer.js';
export type { VersionsSummary, SideVersionSummary, VersionSource, NoiseSummary, NoiseRouteSummary, NoisePointerSummary, NoiseReorderSummary } from './diff/diffSummary.js';
export { createShaper, type ShapeOptions } from './diff/createShaper.js';
export { toJsonPatch, type PatchOperation } from './diff/toJsonPatch.js';
export { createNormalizers, isIdField, isIdLike, timestampOf, NORMALIZER_NAMES, VOLATILE_HEADERS, DEFAULT_TIMESTAMP_WINDOW_MS, type NormalizerName, type Normalizers } from './diff/normalizers.js';
export { fetchVersion, versionFromResponse, type VersionDiscovery } from './diff/discoverVersions.js';
export { splitPointer, joinPointer, valueAtPointer } from './diff/pointer.js';
export { compilePointerPattern, compileSegmentsPattern, compileRoutePattern } from './rules/matchPointer.js';
export { ruleSchema, rulesFileSchema, rulesJsonSchema, type RulesFile } from './rules/ruleSchema.js';
export { relateVersions, policyFor, parseVersion, satisfiesRange, type VersionRelation, type VersionPair, type PolicyName } from './rules/semverPolicy.js';
export { isShapingRule, ruleApplies, type Judge, type JudgeContext } from './rules/createJudge.js';
export { formatRulesFile } from './rules/formatRules.js';
export { isRealDifference, DEFAULT_NOISE_THRESHOLDS, type NoiseThresholds, type NoiseCounts } from './noise/isRealDifference.js';
export { applyNoiseProbe, type NoiseProbeSettings } from './noise/applyNoiseProbe.js';
export { detectReorders, type Reorder } from './noise/detectReorders.js';
export { learnNoiseRules } from './noise/learnNoiseRules.js';
export { resolveLogInputs, expandGlob, logInputOf } from './sources/resolveLogInputs.js';
export { readOutcomeBatches, chooseParser, materialize, type ReadOptions } from './sources/readRecords.js';
export { readLineBatches, type LineBatch } from './sources/readLines.js';
export {
  createLineParser,
  type FormatParser,
  type FieldMap,
  type RecordHead,
  type SourceOutcome,
  type ParserContext,
} from './sources/formatParser.js';
export { parseFieldMap } from './sources/parseAppJson.js';
export { parseAlbLine } from './sources/parseAlb.js';
export { parseClfLine } from './sources/parseClf.js';
export { parseHarEntry } from './sources/parseHar.js';
export { parseRawHttpRequest, GOR_SEPARATOR } from './sources/parseGoReplay.js';
export {
  readCloudWatch,
  chooseStrategy,
  insightsQuery,
  type CloudWatchOptions,
  type CloudWatchLogsLike,
  type CloudWatchStrategy,
} from './sources/cloudwatch/readCloudWatch.js';
export { parseDuration, parseTimePoint, resolveTimeWindow } from './sources/cloudwatch/parseTimeWindow.js';
export { createSourcePrivacy, type CloudWatchSourceOptions, type SkippedBy } from './sources/collectSample.js';
export { detachRecord } from './sources/detachRecord.js';
export { createRecordFilter, parseShard, parseStatusFilter, type RecordFilterOptions } from './sample/createRecordFilter.js';
export { stableHash53, requestKey } from './sample/random.js';
export { resolveInjectedHeaders, type Privacy, type PrivacyOptions } from './safety/privacy.js';
export { annotateAwsCall, awsCallOf, awsErrorCode, awsErrorName, classifyAwsError, commandName, describeAwsError, isAwsError, isRetryableAwsError, resourceOfInput, retryAwsCall, toAwsBgReplayError, withAwsCallNames, type AwsCallInfo, type AwsErrorKind, type DescribeAwsErrorOptions, type RetryAwsCallOptions } from './awsErrors.js';
