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
export { sendJson, startServer, type TestServer } from './startServer.js';
