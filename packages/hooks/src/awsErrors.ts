import { awsErrorName, withAwsCallNames } from '@bg-replay/core/internal';
import type { HookClients } from './model.js';

/** One line about an error for an action's reason. */
export function describeError(error: unknown): string {
  const name = awsErrorName(error);
  const message = error instanceof Error ? error.message : String(error);
  return name && !message.startsWith(name) ? `${name}: ${message}` : message;
}

/** Who needs a missing permission, in the reasons a preset hook reports. */
export const HOOK_PRINCIPAL = "the hook's execution role";

/** IAM service prefix of each client the steps use, for the actions named in error messages. */
export const IAM_PREFIX: Record<keyof HookClients, string> = {
  ssm: 'ssm',
  autoScaling: 'application-autoscaling',
  eventBridge: 'events',
  lambda: 'lambda',
  sns: 'sns',
  sqs: 'sqs',
  dynamodb: 'dynamodb',
  rds: 'rds',
  ecs: 'ecs',
};

/**
 * The same clients, each recording on its errors (clients of `createHookClients` already do, through SDK
 * middleware; this also covers clients built elsewhere and test stubs whose `send` skips the middleware) the IAM action and the resource of the failed call, so a
 * step that fails can say e.g. "AccessDeniedException on ssm:GetParameter for /shop/active-stack: grant ...".
 *
 * @example
 * const clients = withCallNames({ ssm: new SSMClient({}) });
 */
export function withCallNames(clients: HookClients): HookClients {
  const wrapped: Record<string, unknown> = {};
  for (const [key, client] of Object.entries(clients)) {
    const prefix = IAM_PREFIX[key as keyof HookClients];
    wrapped[key] = client && prefix ? withAwsCallNames(client, prefix) : client;
  }
  return wrapped as unknown as HookClients;
}
