import {
  type AutoRollbackConfiguration,
  type CodeDeployClient,
  CreateDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { BgReplayError } from '@bg-replay/core';
import { classifyAwsError, toAwsBgReplayError } from '@bg-replay/core/internal';
import { errorMessage, errorName } from './_time.js';
import { type BuiltAppSpec, buildAppSpec, type EcsAppSpecInput, type LambdaAppSpecInput } from './appSpec.js';

/** Options of {@link createDeployment}. */
export interface CreateDeploymentOptions {
  codedeploy: CodeDeployClient;
  applicationName: string;
  deploymentGroupName: string;
  /** A built AppSpec, or the input to build one. */
  appSpec: BuiltAppSpec | EcsAppSpecInput | LambdaAppSpecInput;
  description?: string;
  deploymentConfigName?: string;
  autoRollbackConfiguration?: AutoRollbackConfiguration;
}

/** The new deployment and the AppSpec it was created with. */
export interface CreatedDeployment {
  deploymentId: string;
  appSpec: BuiltAppSpec;
}

/**
 * Starts a deployment with an AppSpec passed inline:
 * `revision: { revisionType: 'AppSpecContent', appSpecContent: { content, sha256 } }`.
 * Errors CodeDeploy raises for the caller's input become `BgReplayError` (`E_INPUT`); credentials and
 * permissions `E_CONFIG`; throttling and server errors `E_SOURCE`, each naming the call and the remedy.
 *
 * @example
 * const { deploymentId } = await createDeployment({
 *   codedeploy, applicationName: 'shop', deploymentGroupName: 'shop-bg',
 *   appSpec: { platform: 'Lambda', functionName: 'shop', alias: 'live', currentVersion: '3', targetVersion: '4',
 *              hooks: { BeforeAllowTraffic: 'CodeDeployHook_validate' } },
 * });
 */
export async function createDeployment(options: CreateDeploymentOptions): Promise<CreatedDeployment> {
  const appSpec = 'content' in options.appSpec ? options.appSpec : buildAppSpec(options.appSpec);
  try {
    const out = await options.codedeploy.send(
      new CreateDeploymentCommand({
        applicationName: options.applicationName,
        deploymentGroupName: options.deploymentGroupName,
        revision: {
          revisionType: 'AppSpecContent',
          appSpecContent: { content: appSpec.content, sha256: appSpec.sha256 },
        },
        ...(options.description ? { description: options.description } : {}),
        ...(options.deploymentConfigName ? { deploymentConfigName: options.deploymentConfigName } : {}),
        ...(options.autoRollbackConfiguration
          ? { autoRollbackConfiguration: options.autoRollbackConfiguration }
          : {}),
      }),
    );
    if (!out.deploymentId) throw new Error('CreateDeployment returned no deploymentId');
    return { deploymentId: out.deploymentId, appSpec };
  } catch (error) {
    const target = `${options.applicationName}/${options.deploymentGroupName}`;
    const kind = classifyAwsError(error);
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
    if (kind === 'other' && status >= 400 && status < 500) {
      throw new BgReplayError(
        'E_INPUT',
        `CreateDeployment for ${target} was refused: ${errorName(error) ?? 'error'}: ${errorMessage(error)}`,
        { cause: error },
      );
    }
    // Credentials, permissions, a missing application or group, throttling that outlasted the SDK's retries
    // (a throttled CreateDeployment was not run), server errors: one line with the remedy, never a raw SDK error.
    throw toAwsBgReplayError(error, {
      // Without credentials or through a network error nothing reached CodeDeploy: it did not refuse.
      prefix: `CreateDeployment for ${target} ${kind === 'no-credentials' || kind === 'transient' ? 'failed' : 'was refused'}: `,
      action: 'codedeploy:CreateDeployment',
      resource: `deployment group ${target}`,
      notFound: `the application, deployment group or deployment configuration does not exist here: check --application, --deployment-group, --deployment-config and --region`,
    });
  }
}
