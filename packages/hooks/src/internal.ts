/**
 * `@bg-replay/hooks/internal`: what the CLI shares with the hooks beyond the public entry. **Not covered by
 * semver**: any release may change or remove these names, and no API report records them. The CLI depends
 * on this package's exact version (the public packages are released together), so it always runs against
 * the internals it was built with. Users import from `@bg-replay/hooks`.
 *
 * @example
 * // inside a bg-replay package only
 * import { buildTeardownSteps } from '@bg-replay/hooks/internal';
 *
 * @packageDocumentation
 */

export { buildTeardownSteps } from './presets.js';
export { otherStack } from './stacksConfig.js';
