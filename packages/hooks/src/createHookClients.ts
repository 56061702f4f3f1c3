import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { type AwsClientPolicyOptions, annotateAwsCalls, awsClientConfig } from '@bg-replay/core/internal';
import { IAM_PREFIX } from './awsErrors.js';
import type { HookClients } from './model.js';

/** Options shared by every client (region, endpoint for local stand-ins, credentials). */
export type HookClientOptions = AwsClientPolicyOptions;

/**
 * One SDK v3 client per service the steps use, all with the same options. Each client is built on first
 * use (a lazy getter): a hook that never touches RDS or SNS does not pay for constructing them at cold start.
 *
 * @example
 * const clients = createHookClients({ region: 'eu-west-1' });
 * await runHook(config, 'AfterAllowTraffic', { clients, runId: event.DeploymentId });
 */
export function createHookClients(options: HookClientOptions = {}): Required<HookClients> {
  // One policy for every client: timeouts and the SDK's retry strategy (the steps never retry a call).
  const config = awsClientConfig(options);
  // Errors of every call name their IAM action and resource (SDK middleware, after the retries).
  const factories: { [K in keyof Required<HookClients>]: () => Required<HookClients>[K] } = {
    ssm: () => annotateAwsCalls(new SSMClient(config), IAM_PREFIX.ssm),
    autoScaling: () => annotateAwsCalls(new ApplicationAutoScalingClient(config), IAM_PREFIX.autoScaling),
    eventBridge: () => annotateAwsCalls(new EventBridgeClient(config), IAM_PREFIX.eventBridge),
    lambda: () => annotateAwsCalls(new LambdaClient(config), IAM_PREFIX.lambda),
    sns: () => annotateAwsCalls(new SNSClient(config), IAM_PREFIX.sns),
    sqs: () => annotateAwsCalls(new SQSClient(config), IAM_PREFIX.sqs),
    dynamodb: () => annotateAwsCalls(new DynamoDBClient(config), IAM_PREFIX.dynamodb),
    rds: () => annotateAwsCalls(new RDSClient(config), IAM_PREFIX.rds),
    ecs: () => annotateAwsCalls(new ECSClient(config), IAM_PREFIX.ecs),
  };
  const clients = {} as Required<HookClients>;
  for (const key of Object.keys(factories) as Array<keyof Required<HookClients>>) {
    Object.defineProperty(clients, key, {
      enumerable: true,
      configurable: true,
      get() {
        const client = factories[key]();
        // Replace the getter by the client itself: later reads are plain property reads.
        Object.defineProperty(clients, key, {
          value: client,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        return client;
      },
      set(value) {
        Object.defineProperty(clients, key, { value, enumerable: true, writable: true, configurable: true });
      },
    });
  }
  return clients;
}
