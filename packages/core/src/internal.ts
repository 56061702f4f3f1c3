/**
 * `@bg-replay/core/internal`: the parts of the engine that the sibling `@bg-replay/*` packages (the CLI,
 * the CodeDeploy and lifecycle hooks, the GitHub Action) share with core. **Not covered by semver**: any
 * release may change or remove these names, and no API report records them. The siblings depend on core's
 * exact version (`workspace:*` is published as the exact version, and the public packages are released
 * together), so they always run against the internals they were built with. Users import from
 * `@bg-replay/core` and its documented subpaths.
 *
 * Types here are those the signatures of these functions name. `fetchVersion` and `readRecords` serve core's
 * own benchmarks (`bench/*.mjs`, which run on the built `dist/internal.js`).
 *
 * @example
 * // inside a bg-replay package only
 * import { describeAwsError } from '@bg-replay/core/internal';
 *
 * @packageDocumentation
 */

export { type AwsClientPolicyOptions, awsClientConfig } from './awsClientPolicy.js';
export {
  type AwsErrorKind,
  annotateAwsCall,
  annotateAwsCalls,
  awsCallOf,
  awsErrorCode,
  awsErrorName,
  classifyAwsError,
  commandName,
  describeAwsError,
  isAwsError,
  toAwsBgReplayError,
  withAwsCallNames,
} from './awsErrors.js';
export { createComparer } from './diff/createComparer.js';
export { fetchVersion } from './diff/discoverVersions.js';
export {
  canContinue,
  DEFAULT_HOOK_BUDGET,
  fitsBefore,
  type HookBudget,
  type InvocationPlan,
  type InvocationStart,
  planInvocation,
  remainingBefore,
} from './hooks/planInvocation.js';
export { isMissingPackage } from './isMissingPackage.js';
export { silentLogger } from './logger.js';
export { refineLambdaTarget } from './options/runOptionsSchema.js';
export { parseDuration } from './parseDuration.js';
export { isLambdaTarget, type LambdaTarget, parseLambdaTarget } from './replay/lambdaTarget.js';
export { safeUrl } from './report/buildReport.js';
export {
  type CoverageNotes,
  coverageNotes,
  criticalText,
  routeStatus,
  safetyText,
  topDifferences,
} from './report/format.js';
export { limitReportBodies } from './report/redactValues.js';
export { sideBySide } from './report/sideBySide.js';
export { SAFE_METHODS } from './safety/privacy.js';
export { parseShard } from './sample/createRecordFilter.js';
export { stableHash } from './sample/random.js';
export { sleep } from './sleep.js';
export { type CollectedSample, collectSample, DEFAULT_SAMPLE } from './sources/collectSample.js';
export { readRecords } from './sources/readRecords.js';
export { expandGlob, resolveLogInputs } from './sources/resolveLogInputs.js';
export { describeCauses } from './verdict/computeVerdict.js';
