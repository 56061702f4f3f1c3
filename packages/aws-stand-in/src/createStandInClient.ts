import { FAKE_CREDENTIALS } from './startAwsStandIn.js';

/** The config every SDK client takes to talk to a stand-in. */
export interface StandInClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
  /** S3 addresses buckets in the path: the stand-in has no per-bucket host names. Other clients ignore it. */
  forcePathStyle: boolean;
}

/**
 * A real SDK client pointed at a stand-in, with fake credentials and one attempt per call by default, so a
 * test counts the calls its code sends (the SDK's own retries would sleep on the real clock).
 *
 * @example
 * const codedeploy = createStandInClient(CodeDeployClient, standIn.url);
 * await codedeploy.send(new GetDeploymentCommand({ deploymentId }));
 */
export function createStandInClient<C>(
  Client: new (config: StandInClientConfig) => C,
  endpoint: string,
  config: Partial<StandInClientConfig> = {},
): C {
  return new Client({
    endpoint,
    region: 'us-east-1',
    credentials: { ...FAKE_CREDENTIALS },
    maxAttempts: 1,
    forcePathStyle: true,
    ...config,
  });
}
