import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BgReplayError } from '@bg-replay/core';
import { describe, expect, it } from 'vitest';
import { loadValidationHookConfig } from './validationHookConfig.js';

const ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:bg-replay-validation';

async function file(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bgr-hookcfg-'));
  await writeFile(join(dir, name), text);
  return join(dir, name);
}

/** An SSM client that answers GetParameter with `value`. */
function ssmWith(value: string) {
  return { send: async () => ({ Parameter: { Value: value } }) } as never;
}

const base = { logGroup: '/ecs/shop', live: 'http://alb.internal', candidate: 'http://alb.internal:8080' };

describe('the hand-off keys of the validation hook config', () => {
  it('takes stateMachineArn, shards and lambdaEndpoint from the file, SSM and env, env over SSM over file', async () => {
    const path = await file(
      'bg-replay.config.yaml',
      [
        'logGroup: /ecs/shop',
        'live: http://alb.internal',
        'candidate: http://alb.internal:8080',
        `stateMachineArn: ${ARN}`,
        'shards: 2',
        'lambdaEndpoint: https://vpce-1.lambda.eu-west-1.vpce.amazonaws.com',
        'report: { s3: { bucket: reports } }',
      ].join('\n'),
    );
    const config = await loadValidationHookConfig({
      file: path,
      ssmParameter: '/shop/bg-replay',
      ssm: ssmWith('shards: 6\nlambdaEndpoint: https://lambda.eu-west-1.amazonaws.com'),
      env: { BG_REPLAY_SHARDS: '8' },
    });
    expect(config.stateMachineArn).toBe(ARN);
    expect(config.shards).toBe(8);
    expect(config.lambdaEndpoint).toBe('https://lambda.eu-west-1.amazonaws.com');
    expect(config.report.s3).toEqual({ bucket: 'reports', prefix: 'bg-replay/' });
  });

  it('leaves shards and stateMachineArn unset by default: the hook runs inline', async () => {
    const config = await loadValidationHookConfig({ env: { BG_REPLAY_LOG_GROUP: '/ecs/shop' } });
    expect(config.stateMachineArn).toBeUndefined();
    expect(config.shards).toBeUndefined();
  });

  it('refuses a state machine without a report bucket, naming the key and the variable it came from', async () => {
    const error = await loadValidationHookConfig({
      env: {
        BG_REPLAY_LOG_GROUP: '/ecs/shop',
        BG_REPLAY_LIVE: base.live,
        BG_REPLAY_CANDIDATE: base.candidate,
        BG_REPLAY_STATE_MACHINE_ARN: ARN,
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BgReplayError);
    expect((error as BgReplayError).message).toBe(
      'bg-replay hook configuration is invalid (read from BG_REPLAY_* environment variables): stateMachineArn ' +
        '(from env BG_REPLAY_STATE_MACHINE_ARN): hands off to shards that write their reports to S3: set ' +
        'report.s3.bucket (BG_REPLAY_REPORT_BUCKET) too',
    );
  });

  it('names the file and line of a bad ARN, a bad endpoint and a bad shard count', async () => {
    const path = await file(
      'bg-replay.config.yaml',
      [
        'logGroup: /ecs/shop',
        'stateMachineArn: arn:aws:lambda:eu-west-1:123456789012:function:validate',
        'lambdaEndpoint: lambda.eu-west-1.amazonaws.com',
        'shards: 0',
        'report: { s3: { bucket: reports } }',
      ].join('\n'),
    );
    const error = await loadValidationHookConfig({ file: path }).catch((e: unknown) => e);
    expect((error as BgReplayError).message).toBe(
      `bg-replay hook configuration is invalid (read from ${path}): ` +
        `lambdaEndpoint (from ${path}:3): must be an http(s) URL such as https://lambda.eu-west-1.amazonaws.com (a VPC endpoint); ` +
        `stateMachineArn (from ${path}:2): must be a state machine ARN such as ${ARN}; ` +
        `shards (from ${path}:4): expected a whole number of shards, 1..10000 (at most the --max-shards of the machine)`,
    );
  });

  it('takes lambda:// targets for live and candidate, as the CLI does', async () => {
    const config = await loadValidationHookConfig({
      env: {
        BG_REPLAY_LOG_GROUP: '/aws/apigw/shop',
        BG_REPLAY_LIVE: 'lambda://shop:7',
        BG_REPLAY_CANDIDATE: 'lambda://shop:8?payload=2.0',
      },
    });
    expect([config.live, config.candidate]).toEqual(['lambda://shop:7', 'lambda://shop:8?payload=2.0']);
  });

  it('names @aws-sdk/client-ssm and the variable that asked for SSM when the client is absent', async () => {
    const missing = Object.assign(new Error("Cannot find package '@aws-sdk/client-ssm'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const error = await loadValidationHookConfig({
      env: { BG_REPLAY_CONFIG_SSM_PARAMETER: '/shop/bg-replay' },
      importSdk: { ssm: () => Promise.reject(missing) },
    }).catch((e: unknown) => e);
    expect((error as BgReplayError).code).toBe('E_CONFIG');
    expect((error as BgReplayError).message).toBe(
      'the SSM parameter /shop/bg-replay (BG_REPLAY_CONFIG_SSM_PARAMETER) needs the AWS SDK client @aws-sdk/client-ssm, ' +
        'which is not installed: run `npm i @aws-sdk/client-ssm@^3` beside @bg-replay/codedeploy',
    );
  });
});
