import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { createHookHandler, type HookStep, type LambdaHookRuntime } from '@bg-replay/codedeploy';
import { silentLogger } from '@bg-replay/core/internal';
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '../src/createSimClock.js';
import {
  formatTimeline,
  type HarnessClients,
  runLifecycle,
  type SimStateMachine,
} from '../src/runLifecycle.js';
import { runStateMachineLocally } from '../src/runStateMachineLocally.js';

const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:judge';
const FUNCTION = 'arn:aws:lambda:us-east-1:000000000000:function:judge';

/** Judge a number, then report the judgement to CodeDeploy as the validation machine does. */
const definition = {
  StartAt: 'Judge',
  States: {
    Judge: { Type: 'Task', Resource: FUNCTION, ResultPath: '$.judged', Next: 'Report' },
    Report: {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:codedeploy:putLifecycleEventHookExecutionStatus',
      Parameters: {
        'DeploymentId.$': '$.deploymentId',
        'LifecycleEventHookExecutionId.$': '$.hookExecutionId',
        'Status.$': '$.judged.status',
      },
      ResultPath: null,
      End: true,
    },
  },
};

function judgeMachine(seen: number[]): SimStateMachine {
  return {
    arn: MACHINE,
    definition,
    functions: {
      judge: (h: HarnessClients) => async (event: { value: number }) => {
        seen.push(event.value);
        h.note(`judged ${event.value}`);
        return { status: event.value > 10 ? 'Succeeded' : 'Failed' };
      },
    },
    describe: (e) => (e.type === 'StateEntered' && e.state?.name === 'Report' ? ['reporting'] : []),
  };
}

/** A hook that starts the machine and leaves the report to it. */
function handingOff(value: number) {
  return (h: HarnessClients) => {
    const sfn = h.clock.instrument(
      new SFNClient({ endpoint: h.endpoint, region: h.region, credentials: h.credentials }),
    );
    const step: HookStep<unknown, LambdaHookRuntime> = async ({ deployment, event }) => {
      await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: MACHINE,
          name: `judge-${deployment.deploymentId}`,
          input: JSON.stringify({
            deploymentId: deployment.deploymentId,
            hookExecutionId: event.LifecycleEventHookExecutionId,
            value,
          }),
        }),
      );
      return { status: 'handedOff', message: 'the machine reports' };
    };
    return step;
  };
}

describe('runLifecycle with Step Functions state machines (StartExecution on the stand-in, run locally)', () => {
  for (const [value, status] of [
    [42, 'Succeeded'],
    [3, 'Failed'],
  ] as const) {
    it(`waits for the execution a hook started and takes its report (${value} → ${status})`, async () => {
      const seen: number[] = [];
      const result = await runLifecycle({
        platform: 'Lambda',
        clock: createVirtualClock(),
        stateMachines: [judgeMachine(seen)],
        hooks: {
          BeforeAllowTraffic: {
            handler: (h) =>
              createHookHandler(handingOff(value)(h), {
                clients: h,
                logger: silentLogger,
                now: h.clock.now,
                sleep: h.clock.sleep,
              }) as never,
          },
        },
      });
      expect(seen).toEqual([value]);
      expect(result.status).toBe(status);
      expect(result.reports.map((r) => `${r.event} ${r.status} ${r.accepted}`)).toEqual([
        `BeforeAllowTraffic ${status} true`,
      ]);
      const lines = formatTimeline(result.timeline).map((l) => l.trim().replace(/^\d+ ms\s+/, ''));
      const name = `judge-${result.deploymentId}`;
      expect(lines).toEqual(
        expect.arrayContaining([
          `↳ execution ${name} started`,
          `↳ judged ${value}`,
          '↳ reporting',
          `↳ execution ${name} SUCCEEDED`,
          `reported ${status}`,
        ]),
      );
      // The event ends after the execution: its last line comes before the event's end.
      expect(lines.indexOf(`↳ execution ${name} SUCCEEDED`)).toBeLessThan(
        lines.findIndex((l) => l.startsWith(`BeforeAllowTraffic     ${status} after`)),
      );
    });
  }

  it('refuses to run a definition with a Task it has no local handler for, before calling anything', async () => {
    await expect(
      runStateMachineLocally(
        definition,
        {},
        { functions: {}, codedeploy: { send: async () => ({}) } as never },
      ),
    ).rejects.toThrow(`state Judge: no local handler for ${FUNCTION}`);
  });
});
