import { describe, expect, it } from 'vitest';
import { BgReplayError } from '../../errors.js';
import { type CloudWatchSdk, loadCloudWatchSdk } from './loadCloudWatchSdk.js';

/** The error Node's ESM loader throws for a package that is not installed. */
function notFound(name: string): Error {
  return Object.assign(new Error(`Cannot find package '${name}' imported from /app/node_modules/x.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}

describe('loadCloudWatchSdk', () => {
  it('loads the installed client', async () => {
    const sdk = await loadCloudWatchSdk();
    expect(typeof sdk.FilterLogEventsCommand).toBe('function');
  });

  it('names the package to install when the client is absent', async () => {
    const error = await loadCloudWatchSdk(() =>
      Promise.reject(notFound('@aws-sdk/client-cloudwatch-logs')),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BgReplayError);
    expect((error as BgReplayError).code).toBe('E_CONFIG');
    expect((error as BgReplayError).message).toBe(
      'cloudwatch:// sources need the AWS SDK client @aws-sdk/client-cloudwatch-logs, which is not installed: ' +
        'run `npm i @aws-sdk/client-cloudwatch-logs@^3` beside @bg-replay/core (or read logs from a file)',
    );
  });

  it('passes on a missing package other than the client, which is a broken install, not a choice', async () => {
    const missingInner = notFound('@smithy/core');
    await expect(loadCloudWatchSdk(() => Promise.reject(missingInner))).rejects.toBe(missingInner);
  });

  it('passes on any other failure of the import', async () => {
    const broken = new SyntaxError('Unexpected token');
    await expect(loadCloudWatchSdk(() => Promise.reject(broken) as Promise<CloudWatchSdk>)).rejects.toBe(
      broken,
    );
  });
});
