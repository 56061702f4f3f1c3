import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { placeholderOf } from '@bg-replay/codedeploy/internal';
import { createStateMachineDefinition, createStateMachinePolicy } from '@bg-replay/codedeploy/step-functions';
import { defineCommand } from '../command.js';
import { EXIT, writeLine } from '../io.js';

const PRINTABLE = ['asl', 'role-policy', 'trust-policy', 'functions-policy'] as const;

interface StateMachineArgs {
  'max-shards': number;
  'shard-timeout': number;
  'shard-function-arn'?: string;
  'merge-function-arn'?: string;
  'state-machine-arn'?: string;
  'report-bucket'?: string;
  'report-prefix': string;
  'log-group-arn'?: string;
  print: (typeof PRINTABLE)[number];
  'out-dir'?: string;
}

/** File names `--out-dir` writes (the ones fixtures/stepfunctions ships). */
export const STATE_MACHINE_FILES = {
  asl: 'bg-replay-validation.asl.json',
  'role-policy': 'state-machine-role-policy.json',
  'trust-policy': 'state-machine-trust-policy.json',
  'functions-policy': 'functions-role-policy.json',
} as const;

/**
 * `bg-replay state-machine`: prints the Step Functions definition (Amazon States Language) a validation hook
 * hands long runs to, or its IAM documents; `--out-dir` writes all four files. ARNs left out stay
 * `${Placeholders}` for CloudFormation, CDK or Terraform to substitute.
 */
export const stateMachineCommand = defineCommand<StateMachineArgs>({
  command: 'state-machine',
  describe: 'Print the Step Functions state machine (ASL) for long validations, or its IAM policies',
  builder: (yargs) =>
    yargs
      .option('max-shards', {
        type: 'number',
        default: 10,
        describe: 'most shards an execution runs (above 40: a Distributed Map)',
      })
      .option('shard-timeout', {
        type: 'number',
        default: 840,
        describe: 'seconds one shard may run (≤ 900)',
      })
      .option('shard-function-arn', {
        type: 'string',
        describe: `default: ${placeholderOf('ShardFunctionArn')}`,
      })
      .option('merge-function-arn', {
        type: 'string',
        describe: `default: ${placeholderOf('MergeFunctionArn')}`,
      })
      .option('state-machine-arn', {
        type: 'string',
        describe: `the machine's own ARN, for a Distributed Map's policy (default: ${placeholderOf('StateMachineArn')})`,
      })
      .option('report-bucket', {
        type: 'string',
        describe: `bucket of the shard reports (default: ${placeholderOf('ReportBucket')})`,
      })
      .option('report-prefix', {
        type: 'string',
        default: 'bg-replay/',
        describe: 'key prefix of the reports',
      })
      .option('log-group-arn', {
        type: 'string',
        describe: `log group the shards read (default: ${placeholderOf('LogGroupArn')})`,
      })
      .option('print', { choices: PRINTABLE, default: 'asl' as const, describe: 'which document to print' })
      .option('out-dir', { type: 'string', describe: 'write all four documents to this directory instead' })
      .example('$0 state-machine > bg-replay-validation.asl.json', 'the definition, with ARN placeholders')
      .example(
        '$0 state-machine --print role-policy --report-bucket my-reports',
        "the state machine role's policy",
      )
      .example(
        '$0 state-machine --max-shards 100 --out-dir infra/stepfunctions',
        'every document, Distributed Map',
      ),
  run: async (args, io) => {
    const arn = (name: string, value: string | undefined) => (value ? { [name]: value } : {});
    const { definition, mapMode, worstCaseSeconds } = createStateMachineDefinition({
      maxShards: args['max-shards'],
      shardTimeoutSeconds: args['shard-timeout'],
      ...arn('shardFunctionArn', args['shard-function-arn']),
      ...arn('mergeFunctionArn', args['merge-function-arn']),
    });
    const policies = createStateMachinePolicy({
      maxShards: args['max-shards'],
      reportPrefix: args['report-prefix'],
      ...arn('shardFunctionArn', args['shard-function-arn']),
      ...arn('mergeFunctionArn', args['merge-function-arn']),
      ...arn('stateMachineArn', args['state-machine-arn']),
      ...arn('reportBucket', args['report-bucket']),
      ...arn('logGroupArn', args['log-group-arn']),
    });
    const documents = {
      asl: definition,
      'role-policy': policies.stateMachine,
      'trust-policy': policies.trust,
      'functions-policy': policies.functions,
    };
    const text = (doc: unknown) => `${JSON.stringify(doc, null, 2)}\n`;
    if (!args['out-dir']) {
      io.stdout.write(text(documents[args.print]));
      return EXIT.pass;
    }
    const dir = resolve(io.cwd, args['out-dir']);
    await mkdir(dir, { recursive: true });
    for (const [name, file] of Object.entries(STATE_MACHINE_FILES)) {
      await writeFile(join(dir, file), text(documents[name as keyof typeof documents]));
      writeLine(io.stdout, join(args['out-dir'], file));
    }
    writeLine(
      io.stdout,
      `${mapMode === 'DISTRIBUTED' ? 'Distributed' : 'inline'} Map of up to ${args['max-shards']} shards; every path reports to CodeDeploy within ${worstCaseSeconds} s`,
    );
    return EXIT.pass;
  },
});
