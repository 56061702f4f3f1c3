export {
  createStandInDeployment,
  type DeploymentProgress,
  type DeploymentStatus,
  type HookExecution,
  type ReportedStatus,
  type StandInDeployment,
  type StandInLifecycleEvent,
} from './_answerCodeDeploy.js';
export {
  type AwsStandInCall,
  type AwsStandInFault,
  type AwsStandInReply,
  type AwsStandInRequest,
  type AwsStandInServices,
  type AwsStandInServicesOptions,
  type AwsStandInState,
  CONNECTION_RESET,
  createAwsStandInServices,
  type ExecutionOutcome,
  MUTATING_OPERATIONS,
  type StandInExecution,
  type StandInLogEvent,
} from './createAwsStandInServices.js';
export { createStandInClient } from './createStandInClient.js';
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
  type AwsStandIn,
  type AwsStandInOptions,
  FAKE_CREDENTIALS,
  type ReceivedInvoke,
  type StandInClock,
  startAwsStandIn,
} from './startAwsStandIn.js';
