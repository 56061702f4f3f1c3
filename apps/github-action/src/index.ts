// Entry point the Actions runner starts (`runs.main: dist/index.js`, bundled from here).
import { run } from './main.js';

await run();
