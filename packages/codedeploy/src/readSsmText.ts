import type { SSMClient } from '@aws-sdk/client-ssm';
import { BgReplayError } from '@bg-replay/core';
import { type AwsSdkImporters, loadAwsSdk } from './_loadAwsSdk.js';

/**
 * The text of an SSM parameter holding a hook's configuration (decrypted). A parameter that cannot be read
 * or is empty is a configuration error naming it and the variable that named it.
 *
 * @example
 * const text = await readSsmText(new SSMClient({}), '/shop/bg-replay', 'BG_REPLAY_CONFIG_SSM_PARAMETER');
 */
export async function readSsmText(
  ssm: Pick<SSMClient, 'send'>,
  name: string,
  namedBy: string,
  importSdk?: AwsSdkImporters,
): Promise<string> {
  const { GetParameterCommand } = await loadAwsSdk(
    'ssm',
    `the SSM parameter ${name} (${namedBy})`,
    importSdk,
  );
  let value: string | undefined;
  try {
    const got = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    value = got.Parameter?.Value;
  } catch (error) {
    throw new BgReplayError(
      'E_CONFIG',
      `cannot read SSM parameter ${name} (${namedBy}): ${(error as Error).name}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (!value) throw new BgReplayError('E_CONFIG', `SSM parameter ${name} (${namedBy}) is empty`);
  return value;
}
