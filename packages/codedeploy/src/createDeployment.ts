import {
  type AutoRollbackConfiguration,
  type CodeDeployClient,
  CreateDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { BgReplayError } from '@bg-replay/core';
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
 * Errors CodeDeploy raises for the caller's input become `BgReplayError` (`E_INPUT`).
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
    const name = errorName(error) ?? '';
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
    if (status >= 400 && status < 500) {
      throw new BgReplayError(
        'E_INPUT',
        `CreateDeployment for ${options.applicationName}/${options.deploymentGroupName} was refused: ${name}: ${errorMessage(error)}`,
        { cause: error },
      );
    }
    throw error;
  }
}
