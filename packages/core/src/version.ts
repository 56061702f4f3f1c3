/** Version of `@bg-replay/core` (kept equal to package.json by a test); sent in the `User-Agent`. */
export const VERSION = '0.1.0';

/** The `User-Agent` of every replayed request, so services can skip side effects and metrics for it. */
export const USER_AGENT = `bg-replay/${VERSION}`;
