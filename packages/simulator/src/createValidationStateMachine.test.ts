import { describe, expect, it } from 'vitest';
import { createValidationStateMachine, describeValidationEvent } from './createValidationStateMachine.js';

const plan = {
  total: 3,
  items: [],
  bucket: 'reports',
  mergedKey: 'bg-replay/d-1/AfterAllowTestTraffic.json',
  allowInconclusive: false,
  shard: { total: 3, bucket: 'reports', config: { rps: 10, sample: 134 } },
};

describe('describeValidationEvent', () => {
  it('lists the shards in index order, a failed shard with its error, and each shard’s share of the live cap', () => {
    const lines = describeValidationEvent({
      type: 'StateExited',
      state: {
        name: 'Shards',
        output: {
          plan,
          results: [
            { index: 3, key: 'k3', verdict: 'pass', matchRate: 1, compared: 130 },
            { index: 2, failed: true, error: 'States.Timeout', cause: 'Task timed out after 840 seconds' },
            { index: 1, key: 'k1', verdict: 'fail', matchRate: 0.5, compared: 134 },
          ],
        },
      },
    });
    expect(lines).toEqual([
      'shard 1/3: 134 records compared, verdict fail (match 50.0%), live ≤ 10 rps → s3://reports/k1',
      'shard 2/3: failed, States.Timeout Task timed out after 840 seconds',
      'shard 3/3: 130 records compared, verdict pass (match 100.0%), live ≤ 10 rps → s3://reports/k3',
    ]);
    expect(
      describeValidationEvent({ type: 'StateExited', state: { name: 'ResolveWindow', output: { plan } } }),
    ).toEqual(['ResolveWindow: 3 shards, sample ≤ 134 records each, live ≤ 10 rps per shard (30 rps / 3)']);
  });

  it('says why Failed is reported when a step before the merge failed', () => {
    expect(
      describeValidationEvent({
        type: 'StateEntered',
        state: {
          name: 'ReportFailed',
          input: {
            failure: { Error: 'BgReplayError', Cause: 'a sharded validation writes each shard report to S3' },
          },
        },
      }),
    ).toEqual([
      'ReportFailed: PutLifecycleEventHookExecutionStatus Failed (BgReplayError: a sharded validation writes each shard report to S3)',
    ]);
    expect(describeValidationEvent({ type: 'StateEntered', state: { name: 'RunShard' } })).toEqual([]);
  });
});

describe('createValidationStateMachine', () => {
  it('names the two functions in the definition by ARN and distributes the Map above 40 shards', () => {
    const machine = createValidationStateMachine({ maxShards: 64 });
    expect(machine.mapMode).toBe('DISTRIBUTED');
    expect(Object.keys(machine.functions)).toEqual(['CodeDeployHook_sfn_shard', 'CodeDeployHook_sfn_merge']);
    expect(JSON.stringify(machine.definition)).toContain(
      '"Resource":"arn:aws:lambda:us-east-1:000000000000:function:CodeDeployHook_sfn_shard"',
    );
    expect(createValidationStateMachine({ maxShards: 4 }).mapMode).toBe('INLINE');
  });
});
