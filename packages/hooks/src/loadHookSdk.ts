import { BgReplayError } from '@bg-replay/core';
import { isMissingPackage } from '@bg-replay/core/internal';

/**
 * The SDK module of each client a preset may need besides SSM: optional peer dependencies of
 * `@bg-replay/hooks`, installed only by users whose stacks file names that kind of resource.
 */
export interface HookSdks {
  autoScaling: typeof import('@aws-sdk/client-application-auto-scaling');
  eventBridge: typeof import('@aws-sdk/client-eventbridge');
  lambda: typeof import('@aws-sdk/client-lambda');
  sns: typeof import('@aws-sdk/client-sns');
  sqs: typeof import('@aws-sdk/client-sqs');
  dynamodb: typeof import('@aws-sdk/client-dynamodb');
  rds: typeof import('@aws-sdk/client-rds');
  ecs: typeof import('@aws-sdk/client-ecs');
}

/** The npm package of each optional client. */
export const HOOK_SDK_PACKAGES: Readonly<Record<keyof HookSdks, string>> = {
  autoScaling: '@aws-sdk/client-application-auto-scaling',
  eventBridge: '@aws-sdk/client-eventbridge',
  lambda: '@aws-sdk/client-lambda',
  sns: '@aws-sdk/client-sns',
  sqs: '@aws-sdk/client-sqs',
  dynamodb: '@aws-sdk/client-dynamodb',
  rds: '@aws-sdk/client-rds',
  ecs: '@aws-sdk/client-ecs',
};

/** Imports one optional SDK module; tests inject one that fails as Node does for an absent package. */
export type ImportHookSdk = <K extends keyof HookSdks>(name: K) => Promise<HookSdks[K]>;

// One literal `import()` per package, so that bundlers (the CLI, the hook Lambdas) still see and keep them.
const importers: { [K in keyof HookSdks]: () => Promise<HookSdks[K]> } = {
  autoScaling: () => import('@aws-sdk/client-application-auto-scaling'),
  eventBridge: () => import('@aws-sdk/client-eventbridge'),
  lambda: () => import('@aws-sdk/client-lambda'),
  sns: () => import('@aws-sdk/client-sns'),
  sqs: () => import('@aws-sdk/client-sqs'),
  dynamodb: () => import('@aws-sdk/client-dynamodb'),
  rds: () => import('@aws-sdk/client-rds'),
  ecs: () => import('@aws-sdk/client-ecs'),
};

/** Node's own import of an optional SDK module (cached by the module loader after the first). */
export const importHookSdk: ImportHookSdk = (name) => importers[name]();

/**
 * Loads the SDK module of an optional client at the point of use; when its package is absent, fails with an
 * `E_CONFIG` error naming what needs it (`neededBy`: a key of the stacks file), the package and the `npm i`
 * line. Any other failure of the import (a broken install) is passed on as it is.
 *
 * @example
 * const { SQSClient } = await loadHookSdk('sqs', 'stacks.a.queues[0]');
 */
export async function loadHookSdk<K extends keyof HookSdks>(
  name: K,
  neededBy: string,
  importSdk: ImportHookSdk = importHookSdk,
): Promise<HookSdks[K]> {
  try {
    return await importSdk(name);
  } catch (error) {
    const packageName = HOOK_SDK_PACKAGES[name];
    if (!isMissingPackage(error, packageName)) throw error;
    throw new BgReplayError(
      'E_CONFIG',
      `${neededBy} needs the AWS SDK client ${packageName}, which is not installed: ` +
        `run \`npm i ${packageName}@^3\` beside @bg-replay/hooks`,
      { cause: error },
    );
  }
}
