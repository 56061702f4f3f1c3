import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { HookClients } from './model.js';

/** Options shared by every client (region, endpoint for local stand-ins, credentials). */
export interface HookClientOptions {
  region?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/**
 * One SDK v3 client per service the steps use, all with the same options.
 *
 * @example
 * const clients = createHookClients({ region: 'eu-west-1' });
 * await runHook(config, 'AfterAllowTraffic', { clients, runId: event.DeploymentId });
 */
export function createHookClients(options: HookClientOptions = {}): Required<HookClients> {
  const config = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
  return {
    ssm: new SSMClient(config),
    autoScaling: new ApplicationAutoScalingClient(config),
    eventBridge: new EventBridgeClient(config),
    lambda: new LambdaClient(config),
    sns: new SNSClient(config),
    sqs: new SQSClient(config),
    dynamodb: new DynamoDBClient(config),
    rds: new RDSClient(config),
    ecs: new ECSClient(config),
  };
}
