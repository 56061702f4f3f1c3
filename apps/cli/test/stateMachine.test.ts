import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStateMachineDefinition } from '@bg-replay/codedeploy/step-functions';
import { describe, expect, it } from 'vitest';
import { STATE_MACHINE_FILES, stateMachineCommand } from '../src/commands/stateMachine.js';
import { runCommand } from './_runCommand.js';

const fixtures = fileURLToPath(new URL('../../../fixtures/stepfunctions/', import.meta.url));
const placeholdersOf = (text: string) =>
  [...new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]))].sort();

describe('bg-replay state-machine', () => {
  it("prints the generator's definition, with ARN placeholders when none are given", async () => {
    const r = await runCommand(stateMachineCommand, ['state-machine']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(createStateMachineDefinition().definition);
    expect(placeholdersOf(r.stdout)).toEqual(['MergeFunctionArn', 'ShardFunctionArn']);
  });

  it('fills the ARNs it is given and prints the role policy', async () => {
    const shard = 'arn:aws:lambda:eu-west-1:123456789012:function:CodeDeployHook_sfn_shard';
    const r = await runCommand(stateMachineCommand, [
      'state-machine',
      '--print',
      'role-policy',
      '--shard-function-arn',
      shard,
    ]);
    const policy = JSON.parse(r.stdout) as { Statement: Array<{ Resource: string[] }> };
    expect(policy.Statement[0]?.Resource.slice(0, 2)).toEqual([shard, `${shard}:*`]);
  });

  it('writes the four documents that fixtures/stepfunctions ships, byte for byte', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bgr-sfn-'));
    const r = await runCommand(stateMachineCommand, ['state-machine', '--out-dir', dir]);
    expect(r.stdout).toMatch(/inline Map of up to 10 shards; every path reports to CodeDeploy within 1280 s/);
    for (const file of Object.values(STATE_MACHINE_FILES)) {
      expect(await readFile(join(dir, file), 'utf8'), file).toBe(
        await readFile(join(fixtures, file), 'utf8'),
      );
    }
  });

  it('has the Terraform and CDK snippets deploy the shipped files and fill every placeholder in them', async () => {
    const tf = await readFile(join(fixtures, 'main.tf'), 'utf8');
    for (const file of [
      'bg-replay-validation.asl.json',
      'state-machine-role-policy.json',
      'functions-role-policy.json',
    ]) {
      const call = tf.match(
        new RegExp(`templatefile\\("\\$\\{path\\.module\\}/${file.replaceAll('.', '\\.')}", \\{([^}]*)\\}`),
      );
      expect(call, file).not.toBeNull();
      const vars = [...(call?.[1] ?? '').matchAll(/^\s*(\w+)\s*=/gm)].map((m) => m[1]).sort();
      expect(vars, file).toEqual(placeholdersOf(await readFile(join(fixtures, file), 'utf8')));
    }
    expect(tf).toContain('assume_role_policy = file("$' + '{path.module}/state-machine-trust-policy.json")');
    // The validation hook's role may start this machine (and only it) and write the shard reports' bucket.
    expect(tf).toContain('Action = "states:StartExecution", Resource = aws_sfn_state_machine.validation.arn');
    expect(tf).toContain('Action = "s3:PutObject", Resource = "arn:aws:s3:::$' + '{var.report_bucket}/*"');

    const cdk = await readFile(join(fixtures, 'cdk-stack.ts'), 'utf8');
    expect(cdk).toContain("sfn.DefinitionBody.fromFile(join(__dirname, 'bg-replay-validation.asl.json'))");
    const substitutions = cdk.match(/definitionSubstitutions: \{([^}]*)\}/)?.[1] ?? '';
    expect([...substitutions.matchAll(/(\w+):/g)].map((m) => m[1]).sort()).toEqual(
      placeholdersOf(await readFile(join(fixtures, 'bg-replay-validation.asl.json'), 'utf8')),
    );
  });

  it('refuses a shard timeout longer than a Lambda can run, naming the flag', async () => {
    await expect(
      runCommand(stateMachineCommand, ['state-machine', '--shard-timeout', '1200']),
    ).rejects.toThrow(/--shard-timeout 1200: expected whole seconds 10..900/);
  });
});
