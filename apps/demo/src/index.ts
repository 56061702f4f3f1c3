export { createDemoService, startDemoServices, demoFixtures, VERSIONS, type DemoServices, type Variant } from './createDemoService.js';
export { products, orders, stores } from './catalog.js';
