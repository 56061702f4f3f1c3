export { orders, products, stores } from './catalog.js';
export {
  createDemoService,
  type DemoServices,
  demoFixtures,
  locateDemoFixtures,
  startDemoServices,
  type Variant,
  VERSIONS,
} from './createDemoService.js';
