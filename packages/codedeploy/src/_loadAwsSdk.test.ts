import { BgReplayError } from '@bg-replay/core';
import { describe, expect, it } from 'vitest';
import { loadAwsSdk } from './_loadAwsSdk.js';

/** What Node's ESM loader throws for a package that is not installed. */
function notFound(name: string): Error {
  return Object.assign(new Error(`Cannot find package '${name}' imported from /var/task/index.mjs`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}

describe('loadAwsSdk', () => {
  it('loads an installed client', async () => {
    const sdk = await loadAwsSdk('sfn', 'stateMachineArn');
    expect(typeof sdk.StartExecutionCommand).toBe('function');
  });

  it('names the package, the setting that needs it and the npm line when the client is absent', async () => {
    const error = await loadAwsSdk('s3', 'report.s3.bucket reports (BG_REPLAY_REPORT_BUCKET)', {
      s3: () => Promise.reject(notFound('@aws-sdk/client-s3')),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BgReplayError);
    expect((error as BgReplayError).code).toBe('E_CONFIG');
    expect((error as BgReplayError).message).toBe(
      'report.s3.bucket reports (BG_REPLAY_REPORT_BUCKET) needs the AWS SDK client @aws-sdk/client-s3, which is not installed: ' +
        'run `npm i @aws-sdk/client-s3@^3` beside @bg-replay/codedeploy',
    );
  });

  it('passes on a missing package other than the client (a broken install, not a choice)', async () => {
    const inner = notFound('@smithy/core');
    await expect(loadAwsSdk('ssm', 'x', { ssm: () => Promise.reject(inner) })).rejects.toBe(inner);
  });
});
