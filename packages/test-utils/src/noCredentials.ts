/**
 * The environment in which the AWS SDK's default credential chain finds nothing and asks no metadata
 * service: no keys, a profile that does not exist, profile files that do not exist. `undefined` unsets.
 */
export const NO_CREDENTIALS_ENV: Readonly<Record<string, string | undefined>> = {
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
  AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
  AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
  AWS_ROLE_ARN: undefined,
  AWS_PROFILE: 'bg-replay-test-no-such-profile',
  AWS_CONFIG_FILE: '/nonexistent/bg-replay/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/bg-replay/credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/**
 * Puts the process in {@link NO_CREDENTIALS_ENV} through the test runner's `stubEnv` (so the runner restores
 * the environment afterwards).
 *
 * @example
 * stubNoCredentials(vi.stubEnv);
 */
export function stubNoCredentials(stubEnv: (name: string, value: string | undefined) => unknown): void {
  for (const [name, value] of Object.entries(NO_CREDENTIALS_ENV)) stubEnv(name, value);
}
