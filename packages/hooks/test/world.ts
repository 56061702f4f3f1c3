/**
 * The hooks tests' AWS account: the one in-memory model (`@bg-replay/aws-stand-in`), served on a
 * loopback stand-in to real SDK clients. Transitional states (a table DELETING, a task RUNNING, capacity on
 * its way after RegisterScalableTarget) move on when `tick()` is called, which the tests' `sleep` does after
 * advancing the virtual clock.
 */
import { fileURLToPath } from 'node:url';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import {
  type AwsStandIn,
  type AwsStandInServices,
  type AwsStandInState,
  createAwsStandInServices,
  FAKE_CREDENTIALS,
  MUTATING_OPERATIONS,
  seedStandInAccount,
  startAwsStandIn,
} from '@bg-replay/aws-stand-in';
import { afterEach } from 'vitest';
import { DISABLED_FILTER_POLICY } from '../src/eventSources.js';
import { type HookClients, loadStacksConfig, type StackId, type StacksConfig } from '../src/index.js';
import { stateParameterPrefix } from '../src/stacksConfig.js';

export const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../../fixtures/stacks/${name}`, import.meta.url));

export const loadOrders = (): Promise<StacksConfig> => loadStacksConfig(fixture('orders-ecs.yaml'));
export const loadCatalog = (): Promise<StacksConfig> => loadStacksConfig(fixture('catalog-lambda.yaml'));
export const prefixOf = (config: StacksConfig): string => stateParameterPrefix(config);

/** An AWS error as the SDK raises it (for tests that make a client's `send` throw). */
export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}

export function targetKey(ns: string, resourceId: string, dimension: string): string {
  return `${ns}|${resourceId}|${dimension}`;
}

/** One call a hook client sent: the command's name and its input as the hook gave it. */
export interface SentCall {
  command: string;
  input: Record<string, unknown>;
}

/** A test's account: the model's state, real clients pointed at it, and a virtual clock. */
export interface World {
  state: AwsStandInState;
  services: AwsStandInServices;
  clients: Required<HookClients>;
  /** Every call the clients sent, in order (refused ones too). */
  calls: SentCall[];
  now: () => number;
  /** Advances the virtual clock by `ms`, then moves transitional resources one step on. */
  sleep: (ms: number) => Promise<void>;
  tick: () => void;
  /** The next call of `operation` is refused by the account (`ServiceUnavailable` unless told). */
  failNext: (operation: string, type?: string, message?: string) => void;
  /** Calls that change state: a dry run must send none, a second run none of the destructive ones. */
  mutating: () => SentCall[];
  reset: () => void;
}

const open: AwsStandIn[] = [];
afterEach(async () => {
  for (const standIn of open.splice(0)) await standIn.close();
});

/** Records each command a client sends, before it is sent. */
function record<C extends { middlewareStack: unknown }>(client: C, calls: SentCall[]): C {
  (
    client.middlewareStack as {
      add(
        m: (
          next: (args: { input: Record<string, unknown> }) => Promise<unknown>,
          context: { commandName?: string },
        ) => (args: { input: Record<string, unknown> }) => Promise<unknown>,
        o: { step: 'initialize'; name: string },
      ): void;
    }
  ).add(
    (next, context) => (args) => {
      calls.push({ command: String(context.commandName ?? '').replace(/Command$/, ''), input: args.input });
      return next(args);
    },
    { step: 'initialize', name: 'recordSentCalls' },
  );
  return client;
}

/**
 * An account holding both stacks of `config` as they stand before a deployment: `active` is live (sources
 * on, capacity up), the other idle (sources off, minimum capacity, data present from last time).
 */
export async function createWorld(config: StacksConfig, active: StackId = 'a'): Promise<World> {
  let clock = Date.parse('2026-11-26T10:00:00Z');
  const services = createAwsStandInServices({ now: () => clock, settle: 'ticks' });
  seedStandInAccount(services.state, config, active, {
    liveItems: 100,
    queueMessages: [12, 12],
    disabledFilterPolicy: DISABLED_FILTER_POLICY,
  });
  const standIn = await startAwsStandIn({ services });
  open.push(standIn);
  const calls: SentCall[] = [];
  // One attempt: a refused call reaches the hook as AWS sent it, without the SDK's own retries.
  const options = {
    endpoint: standIn.url,
    region: 'eu-west-1',
    credentials: FAKE_CREDENTIALS,
    maxAttempts: 1,
  };
  const clients = {
    ssm: record(new SSMClient(options), calls),
    autoScaling: record(new ApplicationAutoScalingClient(options), calls),
    eventBridge: record(new EventBridgeClient(options), calls),
    lambda: record(new LambdaClient(options), calls),
    sns: record(new SNSClient(options), calls),
    sqs: record(new SQSClient(options), calls),
    dynamodb: record(new DynamoDBClient(options), calls),
    rds: record(new RDSClient(options), calls),
    ecs: record(new ECSClient(options), calls),
  };
  return {
    state: services.state,
    services,
    clients,
    calls,
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
      services.tick();
    },
    tick: () => services.tick(),
    failNext: (operation, type, message) => services.failNext(operation, type, message),
    mutating: () => calls.filter((c) => MUTATING_OPERATIONS.has(c.command)),
    reset: () => {
      calls.length = 0;
    },
  };
}
