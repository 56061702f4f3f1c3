import { S3Client } from '@aws-sdk/client-s3';
import { createStandInClient } from '@bg-replay/aws-stand-in';
import { describe, expect, it } from 'vitest';
import { startStandIn } from '../../test/_hookWorld.js';
import { mergeShardsTask } from './mergeShardsTask.js';
import { planShards } from './planShards.js';

const plan = planShards({
  deploymentId: 'd-1',
  lifecycleEventHookExecutionId: 'h-1',
  requestedAt: '2026-11-30T12:00:00.000Z',
  shards: 2,
  config: {
    logFile: 'access.log',
    live: 'http://127.0.0.1:1',
    candidate: 'http://127.0.0.1:2',
    allowInconclusive: true,
    report: { s3: { bucket: 'reports' } },
  },
});

describe('mergeShardsTask', () => {
  it('reports Failed, never a pass, when no shard finished, naming the failures', async () => {
    const standIn = await startStandIn();
    const s3 = createStandInClient(S3Client, standIn.url);
    const result = await mergeShardsTask(
      {
        deploymentId: 'd-1',
        lifecycleEventHookExecutionId: 'h-1',
        plan,
        results: [
          { index: 1, failed: true, error: 'States.Timeout', cause: 'Task timed out after 840.00 seconds' },
          { index: 2, failed: true, error: 'Lambda.ServiceException' },
        ],
      },
      { s3 },
    );
    expect(result).toEqual({
      status: 'Failed',
      reason:
        'verdict inconclusive: none of the 2 shards finished (shard 1: States.Timeout Task timed out after 840.00 seconds; shard 2: Lambda.ServiceException)',
      verdict: 'inconclusive',
      matchRate: null,
      shards: { total: 2, finished: 0, failed: [1, 2] },
    });
    // No shard report to read, no merged report to write: the result says why.
    expect(standIn.services.calls).toEqual([]);
  });

  it('refuses an input without the plan or the shard results', async () => {
    const standIn = await startStandIn();
    const s3 = createStandInClient(S3Client, standIn.url);
    await expect(mergeShardsTask({} as never, { s3 })).rejects.toThrow(/merge input needs plan and results/);
    expect(standIn.services.calls).toEqual([]);
  });
});
