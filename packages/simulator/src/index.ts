export {
  type AwsStandInCall,
  type AwsStandInReply,
  type AwsStandInServices,
  type AwsStandInState,
  createAwsStandInServices,
  type ExecutionOutcome,
  MUTATING_OPERATIONS,
  type StandInExecution,
} from './createAwsStandInServices.js';
export { createRealClock, createVirtualClock, type SimClock } from './createSimClock.js';
export {
  createValidationStateMachine,
  describeValidationEvent,
  VALIDATION_FUNCTIONS,
  VALIDATION_STATE_MACHINE_ARN,
  type ValidationStateMachineOptions,
} from './createValidationStateMachine.js';
export {
  FAKE_CREDENTIALS,
  formatTimeline,
  type HarnessClients,
  type LifecycleHookSpec,
  type LifecycleResult,
  type RunLifecycleOptions,
  runLifecycle,
  type SimStateMachine,
  type TimelineEntry,
  type TrafficTarget,
} from './runLifecycle.js';
export {
  type LocalBindings,
  type LocalExecutionEvent,
  type LocalLambdaHandler,
  type LocalRun,
  runStateMachineLocally,
} from './runStateMachineLocally.js';
export {
  type SeedStacksConfig,
  type SeedStandInAccountOptions,
  type StackId,
  type StandInAccountState,
  seedStandInAccount,
} from './seedStandInAccount.js';
export {
  createProxyHandler,
  invokeSimFunction,
  type ProxyRequest,
  type ProxyResult,
  parseProxyEvent,
  type SimFunction,
  type SimHandler,
  type SimInvokeReply,
} from './simFunction.js';
export {
  type CodeDeployStandIn,
  type CodeDeployStandInOptions,
  type DeploymentStatus,
  type ReceivedInvoke,
  type ReportedStatus,
  type StandInDeployment,
  startCodeDeployStandIn,
} from './startCodeDeployStandIn.js';
