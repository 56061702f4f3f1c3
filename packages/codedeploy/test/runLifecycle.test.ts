import { describe, expect, it } from 'vitest';
import type { HookStep } from '../src/createHookHandler.js';
import { formatTimeline, runLifecycle, type TimelineEntry } from '../src/runLifecycle.js';

const ok: HookStep = async () => undefined;
const ends = (timeline: TimelineEntry[]) =>
  timeline.filter((e) => e.kind === 'event-end').map((e) => `${e.event}:${e.status}:${e.how}`);

describe('runLifecycle (real SDK clients against the loopback stand-in)', () => {
  it('runs a passing ECS deployment through every hook in CodeDeploy order', async () => {
    const seen: string[] = [];
    const record: HookStep = async ({ deployment }) => {
      seen.push(
        `${deployment.lifecycleEvent}@${deployment.computePlatform}:${deployment.ecs?.LoadBalancerInfo.ContainerPort}`,
      );
      return undefined;
    };
    const result = await runLifecycle({
      platform: 'ECS',
      hooks: {
        BeforeInstall: { step: record },
        AfterInstall: { step: record },
        AfterAllowTestTraffic: { step: record },
        BeforeAllowTraffic: { step: record },
        AfterAllowTraffic: { step: record },
      },
    });
    expect(result.status).toBe('Succeeded');
    expect(seen).toEqual([
      'BeforeInstall@ECS:8080',
      'AfterInstall@ECS:8080',
      'AfterAllowTestTraffic@ECS:8080',
      'BeforeAllowTraffic@ECS:8080',
      'AfterAllowTraffic@ECS:8080',
    ]);
    expect(result.reports.map((r) => `${r.event}:${r.status}:${r.accepted}`)).toEqual([
      'BeforeInstall:Succeeded:true',
      'AfterInstall:Succeeded:true',
      'AfterAllowTestTraffic:Succeeded:true',
      'BeforeAllowTraffic:Succeeded:true',
      'AfterAllowTraffic:Succeeded:true',
    ]);
    const actions = result.timeline
      .filter((e) => e.kind === 'action')
      .map((e) => (e as { action: string }).action);
    expect(actions).toEqual([
      'create the replacement task set',
      'route test traffic to the replacement task set',
      'route production traffic to the replacement task set',
    ]);
  });

  it('fails a Lambda deployment when BeforeAllowTraffic reports Failed and never runs AfterAllowTraffic', async () => {
    let after = false;
    const result = await runLifecycle({
      platform: 'Lambda',
      hooks: {
        BeforeAllowTraffic: { step: async () => ({ status: 'Failed', reason: 'verdict fail' }) },
        AfterAllowTraffic: {
          step: async () => {
            after = true;
            return undefined;
          },
        },
      },
    });
    expect(result).toMatchObject({ status: 'Failed', failedEvent: 'BeforeAllowTraffic' });
    expect(after).toBe(false);
    expect(ends(result.timeline)).toEqual(['BeforeAllowTraffic:Failed:reported']);
    expect(formatTimeline(result.timeline).at(-1)).toMatch(
      /deployment Failed: BeforeAllowTraffic hook reported Failed/,
    );
  });

  it('reports Failed for a hook that throws', async () => {
    const result = await runLifecycle({
      platform: 'ECS',
      hooks: {
        AfterAllowTestTraffic: {
          step: () => {
            throw new TypeError('cannot read properties of undefined');
          },
        },
      },
    });
    expect(result.status).toBe('Failed');
    expect(result.reports).toMatchObject([
      { event: 'AfterAllowTestTraffic', status: 'Failed', accepted: true },
    ]);
  });

  it('continues a hook past the Lambda limit in fresh invocations until it finishes', async () => {
    // Each invocation has 300 ms before its (fake) Lambda timeout and keeps 100 ms in reserve.
    const step: HookStep<{ done: number }> = async ({ continuation, checkpoint, signal }) => {
      let done = continuation?.done ?? 0;
      while (done < 6) {
        await new Promise((r) => setTimeout(r, 60));
        if (signal.aborted) return undefined;
        done++;
        checkpoint({ done });
      }
      return { status: 'Succeeded' };
    };
    const result = await runLifecycle({
      platform: 'ECS',
      hooks: {
        AfterAllowTestTraffic: { step: step as HookStep, timeoutMs: 300, handlerOptions: { reserveMs: 100 } },
      },
    });
    expect(result.status).toBe('Succeeded');
    const end = result.timeline.find((e) => e.kind === 'event-end' && e.event === 'AfterAllowTestTraffic');
    expect(end).toMatchObject({ status: 'Succeeded', how: 'reported' });
    expect((end as { invocations: number }).invocations).toBeGreaterThanOrEqual(2);
    expect(result.invokes.length).toBe((end as { invocations: number }).invocations - 1);
    expect(result.invokes[0]).toMatchObject({
      functionName: 'arn:aws:lambda:us-east-1:000000000000:function:CodeDeployHook_AfterAllowTestTraffic',
      invocationType: 'Event',
      payload: { bgReplay: { continuation: { done: expect.any(Number) }, invocation: 2 } },
    });
    expect(result.reports.filter((r) => r.accepted)).toHaveLength(1);
  });

  it('answers a duplicate invocation with LifecycleEventAlreadyCompletedException, which the runtime accepts', async () => {
    const result = await runLifecycle({
      platform: 'Lambda',
      hooks: { BeforeAllowTraffic: { step: ok, duplicate: true } },
    });
    expect(result.status).toBe('Succeeded');
    expect(result.reports.map((r) => [r.status, r.accepted, r.error])).toEqual([
      ['Succeeded', true, undefined],
      ['Succeeded', false, 'LifecycleEventAlreadyCompletedException'],
    ]);
    expect(result.timeline.some((e) => e.kind === 'invoke-error')).toBe(false);
  });

  it('fails the deployment when a hook never reports', async () => {
    const result = await runLifecycle({
      platform: 'Lambda',
      hookTimeoutMs: 200,
      hooks: {
        BeforeAllowTraffic: {
          handler: () => async () => {
            // A handler written without the runtime: returns without reporting.
          },
        },
      },
    });
    expect(result.status).toBe('Failed');
    expect(ends(result.timeline)).toEqual(['BeforeAllowTraffic:Failed:timeout']);
  });

  it('skips AfterAllowTestTraffic without a test listener', async () => {
    const result = await runLifecycle({
      platform: 'ECS',
      testListener: false,
      hooks: { AfterInstall: { step: ok } },
    });
    expect(ends(result.timeline)).toEqual([
      'BeforeInstall:Succeeded:no-hook',
      'AfterInstall:Succeeded:reported',
      'BeforeAllowTraffic:Succeeded:no-hook',
      'AfterAllowTraffic:Succeeded:no-hook',
    ]);
  });
});
