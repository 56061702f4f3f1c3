export {
  type FakeLambdaContext,
  type FakeLambdaContextOptions,
  fakeLambdaContext,
} from './fakeLambdaContext.js';
export {
  createGzipBomb,
  type FaultContext,
  type FaultHandler,
  type FaultServer,
  faults,
  startFaultServer,
} from './faultServer.js';
export { NO_CREDENTIALS_ENV, stubNoCredentials } from './noCredentials.js';
export { listenOnLoopback, sendJson, startServer, type TestServer } from './startServer.js';
