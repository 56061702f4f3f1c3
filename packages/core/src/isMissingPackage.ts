/**
 * True when `error` (from an `import()` or `require`) says that `packageName` itself cannot be found, not one
 * of its own imports (a broken install is another failure, passed on as it is). The loaders of the optional
 * AWS SDK clients use it to name the package to install.
 *
 * @example
 * isMissingPackage(error, '@aws-sdk/client-s3') // true for "Cannot find package '@aws-sdk/client-s3'"
 */
export function isMissingPackage(error: unknown, packageName: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : '';
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    (message.includes(`'${packageName}'`) || message.includes(`"${packageName}"`))
  );
}
