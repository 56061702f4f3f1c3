import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { LambdaInvoker } from '@bg-replay/core';
import { loadAwsSdk } from './_loadAwsSdk.js';

/**
 * The invoker of core's `lambda://` targets on an SDK `LambdaClient`: a synchronous `Invoke`
 * (`RequestResponse`) of the function at the given version or alias. Needs `lambda:InvokeFunction` on the
 * function's versions (`arn:aws:lambda:<region>:<account>:function:<name>:*`).
 *
 * @example
 * const report = await validate({ ..., live: 'lambda://api:7', candidate: 'lambda://api:8',
 *   lambdaInvoker: createLambdaInvoker(new LambdaClient({})) });
 */
export function createLambdaInvoker(client: Pick<LambdaClient, 'send'>): LambdaInvoker {
  return async ({ functionName, qualifier, payload, signal }) => {
    const { InvokeCommand } = await loadAwsSdk('lambda', `invoking lambda://${functionName}`);
    const out = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        ...(qualifier ? { Qualifier: qualifier } : {}),
        InvocationType: 'RequestResponse',
        Payload: payload,
      }),
      signal ? { abortSignal: signal } : {},
    );
    return {
      ...(out.StatusCode !== undefined ? { statusCode: out.StatusCode } : {}),
      ...(out.FunctionError ? { functionError: out.FunctionError } : {}),
      ...(out.Payload ? { payload: out.Payload } : {}),
    };
  };
}
