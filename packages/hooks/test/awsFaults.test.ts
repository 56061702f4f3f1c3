/**
 * AWS faults in every call of every preset hook: the step the hook runtime runs must end in an outcome it
 * can report (here: a `BgReplayError` whose message the runtime reports as the Failed reason), naming the
 * AWS error, the IAM action, the resource and what to do. Throttling is ridden out with back-off first.
 */
import type { BgReplayError } from '@bg-replay/core';
import { commandName, silentLogger } from '@bg-replay/core/internal';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createPresetHookStep, type HookClients, type HookName, type StacksConfig } from '../src/index.js';
import { awsError, createWorld, loadCatalog, loadOrders, type World } from './world.js';

const ROLE = "the hook's execution role";

/** IAM prefix of each client, as a policy names it. */
const PREFIX: Record<keyof HookClients, string> = {
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
/** Operations whose IAM action has another name. */
const IAM: Record<string, string> = { 'lambda:Invoke': 'lambda:InvokeFunction' };

/**
 * The fake account's clients, each `send` first asking `fault` whether this call fails (by IAM action),
 * and recording the IAM action of every call.
 */
function faultyClients(
  fake: World,
  fault: (action: string, nth: number) => Error | undefined,
): { clients: HookClients; actions: string[] } {
  const actions: string[] = [];
  const clients: Record<string, unknown> = {};
  for (const [key, client] of Object.entries(fake.clients)) {
    const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
    clients[key] = {
      config: client.config,
      destroy: () => {},
      send: async (command: unknown) => {
        const raw = `${PREFIX[key as keyof HookClients]}:${commandName(command)}`;
        const action = IAM[raw] ?? raw;
        actions.push(action);
        const error = fault(action, actions.filter((a) => a === action).length);
        if (error) throw error;
        return send(command);
      },
    };
  }
  return { clients: clients as unknown as HookClients, actions };
}

const agents: MockAgent[] = [];
afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.close();
});

/** Readiness URLs of the orders stacks answer 200. */
function readyAgent(): MockAgent {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agents.push(agent);
  for (const stack of ['a', 'b'])
    agent
      .get(`https://orders-${stack}.internal.example.com`)
      .intercept({ path: '/ready', method: 'GET' })
      .reply(200, 'ok')
      .persist();
  return agent;
}

interface Case {
  service: 'orders' | 'catalog';
  hook: HookName;
}
const CASES: Case[] = [
  { service: 'orders', hook: 'BeforeInstall' },
  { service: 'orders', hook: 'AfterInstall' },
  { service: 'orders', hook: 'AfterAllowTraffic' },
  { service: 'catalog', hook: 'BeforeAllowTraffic' },
  { service: 'catalog', hook: 'AfterAllowTraffic' },
];

async function runPreset(
  { service, hook }: Case,
  fault: (action: string, nth: number) => Error | undefined = () => undefined,
) {
  const config: StacksConfig = service === 'orders' ? await loadOrders() : await loadCatalog();
  const fake = await createWorld(config, 'a');
  fake.services.onPublish = () => {
    const table = fake.state.tables.get('catalog-products-b');
    if (table) table.items = 50;
  };
  const { clients, actions } = faultyClients(fake, fault);
  const sleeps: number[] = [];
  const step = createPresetHookStep(config, hook, {
    clients,
    now: fake.now,
    sleep: async (ms) => {
      sleeps.push(ms);
      await fake.sleep(ms);
    },
    dispatcher: readyAgent(),
  });
  const run = step({
    deployment: {
      deploymentId: 'd-FAULT0001',
      computePlatform: config.platform === 'ecs' ? 'ECS' : 'Lambda',
      lifecycleEvents: [hook],
    },
    continuation: undefined,
    deadline: fake.now() + 3_600_000,
    logger: silentLogger,
  });
  const outcome = await run.then(
    (result) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error }),
  );
  return { ...outcome, actions, sleeps, fake };
}

/**
 * What the hook would report about a failed call: the thrown error's message, or, for a failure after the
 * flip of AfterAllowTraffic (recorded, reported `Succeeded` so traffic stays on the new stack), the problem.
 */
function failureOf(outcome: { result?: { status: string; message?: string }; error?: unknown }): {
  text: string;
  thrown: boolean;
} {
  if (outcome.error) return { text: (outcome.error as Error).message, thrown: true };
  expect(outcome.result?.status).toBe('Succeeded');
  const message = outcome.result && 'message' in outcome.result ? (outcome.result.message ?? '') : '';
  expect(message).toMatch(/problem\(s\) after the flip: /);
  return { text: message.replace(/^.*?problem\(s\) after the flip: /, ''), thrown: false };
}

/** Every distinct IAM action a successful run of the hook calls. */
async function actionsOf(c: Case): Promise<string[]> {
  const { result, actions } = await runPreset(c);
  expect(result?.status).toBe('Succeeded');
  return [...new Set(actions)];
}

describe.each(CASES)('preset $hook ($service)', (c) => {
  it('calls AWS at all (the fault cases below cover each of these actions)', async () => {
    const actions = await actionsOf(c);
    expect(actions.length).toBeGreaterThan(2);
    expect(actions).toContain('ssm:GetParameter');
  });

  it('AccessDeniedException on each of its calls: fails at once, naming the action, the resource and the permission to grant', async () => {
    for (const action of await actionsOf(c)) {
      const denied = awsError(
        'AccessDeniedException',
        `User: arn:aws:sts::123456789012:assumed-role/hook/x is not authorized to perform: ${action}`,
      );
      const outcome = await runPreset(c, (a) => (a === action ? denied : undefined));
      const { error, actions } = outcome;
      const { text: message, thrown } = failureOf(outcome);
      if (thrown) expect((error as BgReplayError).code).toBe('E_CONFIG');
      // Only the pointer (read and flip) can fail AfterAllowTraffic; what follows the flip cannot.
      if (c.hook === 'AfterAllowTraffic') expect(thrown, action).toBe(action.startsWith('ssm:'));
      expect(message, action).toMatch(
        new RegExp(
          `AccessDeniedException on ${action} for \\S+: grant ${ROLE} ${action} on \\S+ \\(AWS: User: `,
        ),
      );
      // The message starts with where it happened: the step id, or the target stack lookup.
      expect(message, action).toMatch(
        /^(cannot find the target stack|[a-z-]+:[ab]:\S+): AccessDeniedException/,
      );
      expect(message).not.toContain('\n');
      // Denied once per step that needs it: never retried (after the flip, each step records its own).
      const steps = thrown ? 1 : message.split(`AccessDeniedException on ${action}`).length - 1;
      expect(actions.filter((a) => a === action)).toHaveLength(steps);
    }
  });

  it('ExpiredTokenException on each of its calls: fails at once, saying to refresh the credentials', async () => {
    for (const action of await actionsOf(c)) {
      const outcome = await runPreset(c, (a) =>
        a === action
          ? awsError('ExpiredTokenException', 'The security token included in the request is expired')
          : undefined,
      );
      expect(failureOf(outcome).text, action).toMatch(
        new RegExp(
          `ExpiredTokenException on ${action} for \\S+: the AWS credentials have expired: refresh them`,
        ),
      );
    }
  });

  it('ThrottlingException on each of its calls: one call per step (the SDK client retries, not the step), then a clear failure', async () => {
    for (const action of await actionsOf(c)) {
      const outcome = await runPreset(c, (a) =>
        a === action ? awsError('ThrottlingException', 'Rate exceeded') : undefined,
      );
      const message = failureOf(outcome).text;
      expect(message, action).toMatch(
        new RegExp(
          `ThrottlingException on ${action} for \\S+: AWS is still throttling the calls: retry later`,
        ),
      );
      const steps = message.split(`ThrottlingException on ${action}`).length - 1;
      expect(outcome.actions.filter((a) => a === action)).toHaveLength(steps);
      expect(outcome.sleeps.filter((ms) => ms < 15_000)).toEqual([]);
    }
  });
});

describe('credentials and missing resources', () => {
  it('no credentials at all (CredentialsProviderError): the first call fails with what to set', async () => {
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    const { error } = await runPreset({ service: 'orders', hook: 'AfterAllowTraffic' }, () => noCredentials);
    expect((error as BgReplayError).code).toBe('E_CONFIG');
    expect((error as BgReplayError).message).toMatch(
      /^cannot find the target stack: CredentialsProviderError on ssm:GetParameter for \S+: no AWS credentials were found: set AWS_PROFILE/,
    );
  });

  it('an EventBridge rule that was deleted: ResourceNotFoundException names the rule and says to check it', async () => {
    const { error } = await runPreset({ service: 'orders', hook: 'AfterInstall' }, (a) =>
      a === 'events:DescribeRule'
        ? awsError('ResourceNotFoundException', 'Rule orders-nightly-reconcile-b does not exist')
        : undefined,
    );
    expect((error as BgReplayError).code).toBe('E_INPUT');
    expect((error as BgReplayError).message).toBe(
      'enable-event-source:b:events:default/orders-nightly-reconcile-b: ResourceNotFoundException on events:DescribeRule for orders-nightly-reconcile-b: orders-nightly-reconcile-b does not exist (deleted, or in another account or region): check the name and the region',
    );
  });
});
