import {
  type CodeDeployClient,
  type DeploymentInfo,
  GetApplicationRevisionCommand,
  GetDeploymentCommand,
  type RevisionLocation,
} from '@aws-sdk/client-codedeploy';
import type { S3Client } from '@aws-sdk/client-s3';
import { BgReplayError } from '@bg-replay/core';
import { isAwsError, toAwsBgReplayError } from '@bg-replay/core/internal';
import { loadAwsSdk } from './_loadAwsSdk.js';
import {
  type AppSpec,
  type EcsServiceProperties,
  findHookEvents,
  type LambdaFunctionProperties,
  parseAppSpec,
} from './appSpec.js';
import type { LifecycleEventName } from './types.js';

/** What a hook knows about the deployment it serves. */
export interface DeploymentContext {
  deploymentId: string;
  applicationName?: string;
  deploymentGroupName?: string;
  /** `ECS`, `Lambda` or `Server`, from `GetDeployment`. */
  computePlatform?: string;
  status?: string;
  appSpec?: AppSpec;
  /** The lifecycle event this function serves, when the AppSpec names it exactly once (or it was given). */
  lifecycleEvent?: LifecycleEventName;
  /** Every lifecycle event whose hook names this function. */
  lifecycleEvents: LifecycleEventName[];
  /** ECS resource properties (task definition, container name and port). */
  ecs?: EcsServiceProperties;
  /** Lambda resource properties (function, alias, current and target version). */
  lambda?: LambdaFunctionProperties;
  /** `deploymentInfo` as returned by `GetDeployment`. */
  deployment: DeploymentInfo;
}

/** Options of {@link resolveDeploymentContext}. */
export interface ResolveDeploymentContextOptions {
  deploymentId: string;
  /** This function's name (`context.functionName`), bare or qualified. */
  functionName?: string;
  /** Forces the lifecycle event (e.g. one function deployed per event). */
  lifecycleEvent?: LifecycleEventName;
  codedeploy: CodeDeployClient;
  /** Only needed when the revision is an AppSpec file in S3. */
  s3?: S3Client;
  /** Who needs a missing permission, in error messages. Default: the IAM role or user running bg-replay. */
  principal?: string;
}

/** Sends one call (the client's retry strategy retries it); a failure becomes a `BgReplayError` naming the call and the remedy. */
async function call<T>(
  options: ResolveDeploymentContextOptions,
  action: string,
  resource: string,
  send: () => Promise<T>,
): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (!isAwsError(error)) throw error;
    throw toAwsBgReplayError(error, {
      action,
      resource,
      ...(options.principal ? { principal: options.principal } : {}),
      notFound:
        action === 'codedeploy:GetDeployment'
          ? `no such deployment (deleted, or in another account or region): check the deployment id and the region`
          : undefined,
    });
  }
}

/**
 * Resolves what the event does not say: `GetDeployment` → revision → AppSpec (from the deployment, from
 * `GetApplicationRevision`, or from S3) → which lifecycle event lists this function, and the ECS or Lambda
 * resource properties.
 *
 * @example
 * const ctx = await resolveDeploymentContext({ deploymentId: 'd-ABC', functionName: context.functionName, codedeploy });
 * if (ctx.lifecycleEvent === 'AfterAllowTestTraffic') { ... }
 */
export async function resolveDeploymentContext(
  options: ResolveDeploymentContextOptions,
): Promise<DeploymentContext> {
  const { deploymentId, codedeploy } = options;
  const got = await call(options, 'codedeploy:GetDeployment', `deployment ${deploymentId}`, () =>
    codedeploy.send(new GetDeploymentCommand({ deploymentId })),
  );
  const deployment = got.deploymentInfo;
  if (!deployment)
    throw new BgReplayError('E_INPUT', `GetDeployment returned no deploymentInfo for ${deploymentId}`);
  const content = await readAppSpecContent(deployment, options);
  const appSpec =
    content === undefined ? undefined : parseAppSpec(content, `AppSpec of deployment ${deploymentId}`);
  const lifecycleEvents =
    appSpec && options.functionName ? findHookEvents(appSpec, options.functionName) : [];
  const lifecycleEvent =
    options.lifecycleEvent ?? (lifecycleEvents.length === 1 ? lifecycleEvents[0] : undefined);
  return {
    deploymentId,
    applicationName: deployment.applicationName,
    deploymentGroupName: deployment.deploymentGroupName,
    computePlatform: deployment.computePlatform,
    status: deployment.status,
    ...(appSpec ? { appSpec } : {}),
    ...(lifecycleEvent ? { lifecycleEvent } : {}),
    lifecycleEvents,
    ...(appSpec?.ecs ? { ecs: appSpec.ecs } : {}),
    ...(appSpec?.lambda ? { lambda: appSpec.lambda } : {}),
    deployment,
  };
}

function inlineContent(revision: RevisionLocation | undefined): string | undefined {
  return revision?.appSpecContent?.content ?? revision?.string?.content ?? undefined;
}

async function readAppSpecContent(
  deployment: DeploymentInfo,
  options: ResolveDeploymentContextOptions,
): Promise<string | undefined> {
  const revision = deployment.revision;
  const inline = inlineContent(revision);
  if (inline) return inline;
  if (!revision) return undefined;
  if (deployment.applicationName && revision.revisionType !== 'S3') {
    const applicationName = deployment.applicationName;
    const got = await call(
      options,
      'codedeploy:GetApplicationRevision',
      `the revision of application ${applicationName}`,
      () => options.codedeploy.send(new GetApplicationRevisionCommand({ applicationName, revision })),
    );
    const fromRevision = inlineContent(got.revision);
    if (fromRevision) return fromRevision;
  }
  const s3 = revision.s3Location;
  if (revision.revisionType === 'S3' && s3?.bucket && s3.key && options.s3) {
    const client = options.s3;
    const { GetObjectCommand } = await loadAwsSdk(
      's3',
      `the AppSpec revision in s3://${s3.bucket}/${s3.key}`,
    );
    const object = await call(options, 's3:GetObject', `s3://${s3.bucket}/${s3.key}`, () =>
      client.send(
        new GetObjectCommand({
          Bucket: s3.bucket,
          Key: s3.key,
          ...(s3.version ? { VersionId: s3.version } : {}),
        }),
      ),
    );
    return object.Body ? await object.Body.transformToString('utf8') : undefined;
  }
  return undefined;
}
