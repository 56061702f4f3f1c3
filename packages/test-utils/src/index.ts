export { startServer, sendJson, type TestServer } from './startServer.js';
export { fakeLambdaContext, type FakeLambdaContext, type FakeLambdaContextOptions } from './fakeLambdaContext.js';
export {
  startFaultServer,
  createGzipBomb,
  faults,
  type FaultServer,
  type FaultHandler,
  type FaultContext,
} from './faultServer.js';
