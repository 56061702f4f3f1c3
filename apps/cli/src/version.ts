import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** Version of the CLI, read from its package.json. */
export const toolVersion: string = (require('../package.json') as { version: string }).version;
