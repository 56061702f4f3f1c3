export { orders, products, stores } from './catalog.js';
export {
  createDemoService,
  type DemoServices,
  demoFixtures,
  startDemoServices,
  type Variant,
  VERSIONS,
} from './createDemoService.js';
