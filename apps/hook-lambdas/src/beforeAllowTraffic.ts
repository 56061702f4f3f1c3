import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPresetHandler } from './preset.js';

/** Lambda entry point (`index.handler`) of the BeforeAllowTraffic preset. */
export const handler = createPresetHandler({
  hook: 'BeforeAllowTraffic',
  env: process.env,
  baseDir: dirname(fileURLToPath(import.meta.url)),
});
