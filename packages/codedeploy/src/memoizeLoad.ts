/**
 * Loads once and keeps the result for every later call; a failed load is forgotten, so the next invocation
 * of a warm Lambda tries again instead of failing for the container's whole life on one transient SSM error.
 * The load starts at once (cold start), and its failure is never an unhandled rejection.
 *
 * @example
 * const config = memoizeLoad(() => loadValidationHookConfig({ env: process.env }));
 * await config(); // the same promise until one fails
 */
export function memoizeLoad<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  const get = () => {
    if (!pending) {
      const attempt = load();
      pending = attempt;
      attempt.catch(() => {
        if (pending === attempt) pending = undefined;
      });
    }
    return pending;
  };
  get();
  return get;
}
