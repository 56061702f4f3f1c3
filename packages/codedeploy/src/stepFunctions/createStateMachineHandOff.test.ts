import { SFNClient } from '@aws-sdk/client-sfn';
import { createStandInClient } from '@bg-replay/aws-stand-in';
import { describe, expect, it } from 'vitest';
import { startStandIn } from '../../test/_hookWorld.js';
import { createValidationHook } from '../createValidationHook.js';
import { validationHookConfigSchema } from '../validationHookConfig.js';
import { createStateMachineHandOff } from './createStateMachineHandOff.js';
import { executionNameOf } from './startValidationStateMachine.js';

const config = validationHookConfigSchema.parse({
  logGroup: '/aws/apigateway/shop',
  live: 'https://api.example.com',
  candidate: 'https://api.example.com:8080',
  rps: 50,
  sample: 90_000,
  report: { s3: { bucket: 'reports' } },
});
const ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:bg-replay-validation';

function recordingLogger() {
  const lines: Array<[string, string, unknown]> = [];
  const at = (level: string) => (message: string, data?: unknown) => void lines.push([level, message, data]);
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

/** Step Functions on the stand-in, with the validation state machine deployed. */
async function startSfn() {
  const standIn = await startStandIn();
  const { services } = standIn;
  services.state.stateMachines.set(ARN, {
    definition: { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } },
  });
  const sfn = createStandInClient(SFNClient, standIn.url, { region: 'eu-west-1' });
  return { sfn, services, started: () => services.callsOf('StartExecution') };
}

const context = (logger: ReturnType<typeof recordingLogger>['logger'], remainingMs: number) => ({
  config,
  deploymentId: 'd-ABC123',
  lifecycleEventHookExecutionId: 'eyJlbmNyeXB0ZWREYXRhIjoi==',
  lifecycleEvent: 'AfterAllowTestTraffic',
  remainingMs,
  startedAt: new Date(Date.parse('2026-11-30T12:00:00Z')),
  logger,
});
const now = () => Date.parse('2026-11-30T12:00:05Z');

describe('createStateMachineHandOff', () => {
  it('starts the state machine for a soak run that cannot fit in the invocation, and logs why', async () => {
    const { sfn, started } = await startSfn();
    const { lines, logger } = recordingLogger();
    const handOff = createStateMachineHandOff({
      stateMachineArn: ARN,
      shards: 6,
      sfn,
      now,
      worstCaseSeconds: 1280,
    });
    const decision = await handOff(context(logger, 880_000));
    expect(decision.status).toBe('handedOff');
    const call = started()[0]?.input;
    expect(call?.stateMachineArn).toBe(ARN);
    expect(call?.name).toBe('bg-replay-d-ABC123-eyJlbmNyeXB0ZWREYXRhIjoi--');
    expect(JSON.parse(String(call?.input ?? '{}'))).toMatchObject({
      deploymentId: 'd-ABC123',
      lifecycleEvent: 'AfterAllowTestTraffic',
      shards: 6,
      requestedAt: '2026-11-30T12:00:05.000Z',
      config: { rps: 50, sample: 90_000 },
    });
    expect(lines.find(([, m]) => m === 'validation handed off to Step Functions')?.[2]).toMatchObject({
      shards: 6,
      reason: 'expected 1830 s (2196 s with margin) exceeds the 880 s this invocation has left',
    });
  });

  it('keeps a short run inline without calling Step Functions', async () => {
    const { sfn, started } = await startSfn();
    const { lines, logger } = recordingLogger();
    const handOff = createStateMachineHandOff({ stateMachineArn: ARN, sfn, now });
    const small = { ...context(logger, 880_000), config: { ...config, sample: 400, rps: 0 } };
    expect((await handOff(small)).status).toBe('inline');
    expect(started()).toHaveLength(0);
    expect(lines[0]?.[0]).toBe('info');
    expect(lines[0]?.[1]).toBe('validation runs inline');
  });

  it('treats an execution a duplicate invocation already started as handed off', async () => {
    const { sfn, services, started } = await startSfn();
    // An earlier invocation of the same hook execution started it (its input names an earlier request).
    const name = 'bg-replay-d-ABC123-eyJlbmNyeXB0ZWREYXRhIjoi--';
    const executionArn = `${ARN.replace(':stateMachine:', ':execution:')}:${name}`;
    services.state.executions.set(executionArn, {
      executionArn,
      stateMachineArn: ARN,
      name,
      input: JSON.stringify({ deploymentId: 'd-ABC123', requestedAt: '2026-11-30T11:59:00.000Z' }),
      status: 'RUNNING',
      startDate: Date.parse('2026-11-30T11:59:00Z'),
    });
    const { logger } = recordingLogger();
    const decision = await createStateMachineHandOff({ stateMachineArn: ARN, sfn, now })(
      context(logger, 880_000),
    );
    expect(decision).toMatchObject({ status: 'handedOff' });
    expect(decision.status === 'handedOff' && decision.message).toMatch(
      /already started by an earlier invocation/,
    );
    expect(started()[0]?.error).toBe('ExecutionAlreadyExists');
  });

  it('lets any other Step Functions error through, for the hook to report Failed', async () => {
    const { sfn, services } = await startSfn();
    services.fail('StartExecution', {
      type: 'AccessDeniedException',
      message: `User: arn:aws:sts::123456789012:assumed-role/hook/CodeDeployHook_validate is not authorized to perform: states:StartExecution on resource: ${ARN}`,
    });
    const { logger } = recordingLogger();
    await expect(
      createStateMachineHandOff({ stateMachineArn: ARN, sfn, now })(context(logger, 880_000)),
    ).rejects.toThrow(/states:StartExecution/);
  });

  it('names executions within the 80 characters Step Functions allows', () => {
    expect(executionNameOf('d-X', 'a'.repeat(200))).toHaveLength(80);
    expect(executionNameOf('d-X', 'a/b+c=')).toBe('bg-replay-d-X-a-b-c-');
  });

  it('lets the validation hook say in its log and report summary that it ran inline, and why', async () => {
    const { sfn, started } = await startSfn();
    const { lines, logger } = recordingLogger();
    const step = createValidationHook(
      { ...config, sample: 400, rps: 0 },
      {
        validate: async () => ({ verdict: 'pass', reasons: [], matchRate: 1 }),
        handOff: createStateMachineHandOff({ stateMachineArn: ARN, sfn, now }),
      },
    );
    const result = await step({
      deployment: { deploymentId: 'd-ABC123', lifecycleEvents: [], deployment: {} },
      event: { DeploymentId: 'd-ABC123', LifecycleEventHookExecutionId: 'h-1' },
      logger,
      signal: new AbortController().signal,
      remainingMs: () => 880_000,
      startedAt: new Date(now()),
    } as never);
    expect(result).toEqual({ status: 'Succeeded' });
    expect(started()).toHaveLength(0);
    expect(lines.find(([, m]) => m === 'validation report')?.[2]).toMatchObject({
      execution: {
        mode: 'inline',
        fits: true,
        reason: 'expected 35 s (42 s with margin) fits in the 880 s left',
      },
      verdict: 'pass',
    });
  });
});
