export {
  type AwsStandInCall,
  type AwsStandInReply,
  type AwsStandInServices,
  type AwsStandInState,
  createAwsStandInServices,
  MUTATING_OPERATIONS,
} from './createAwsStandInServices.js';
export { createRealClock, createVirtualClock, type SimClock } from './createSimClock.js';
export {
  FAKE_CREDENTIALS,
  formatTimeline,
  type HarnessClients,
  type LifecycleHookSpec,
  type LifecycleResult,
  type RunLifecycleOptions,
  runLifecycle,
  type TimelineEntry,
  type TrafficTarget,
} from './runLifecycle.js';
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
