export { startServer, sendJson, type TestServer } from './startServer.js';
export { fakeLambdaContext, type FakeLambdaContext, type FakeLambdaContextOptions } from './fakeLambdaContext.js';
