/**
 * The infrastructure the docs show is the files under fixtures/infra, verbatim; the Terraform parses (HCL
 * through @cdktf/hcl2json, offline) and says what a real account needs; the CDK snippet type-checks against
 * aws-cdk-lib.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const read = (path: string) => readFile(root(path), 'utf8');

/** The fenced blocks of a Markdown file. */
async function fencedBlocks(doc: string): Promise<string[]> {
  const text = await read(doc);
  return [...text.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string);
}

type Hcl = Record<string, Record<string, Record<string, Array<Record<string, unknown>>>>>;

/** A Terraform interpolation as hcl2json renders it: `${expr}`. */
const tf = (expr: string) => `$${'{'}${expr}}`;

/** The first block `kind.type.name` of a parsed file. */
function block<T>(hcl: Hcl, kind: string, type: string, name: string): T {
  const found = hcl[kind]?.[type]?.[name]?.[0];
  if (!found) throw new Error(`no ${kind} ${type}.${name}`);
  return found as T;
}

describe('docs infrastructure', () => {
  it.each([
    ['docs/codedeploy.md', 'fixtures/infra/validate-ecs.tf'],
    ['docs/codedeploy.md', 'fixtures/infra/validate-lambda.ts'],
    ['docs/ab-stacks.md', 'fixtures/infra/preset-hooks-iam.tf'],
  ])('%s shows %s verbatim', async (doc, file) => {
    expect(await fencedBlocks(doc)).toContain(await read(file));
  });

  it('the Terraform of the validation hook parses and has what a real account needs', async () => {
    const hcl = (await parse('validate-ecs.tf', await read('fixtures/infra/validate-ecs.tf'))) as Hcl;
    const fn = block<Record<string, Array<Record<string, unknown>>>>(
      hcl,
      'resource',
      'aws_lambda_function',
      'validate',
    );
    // In the VPC, to reach the internal ALB...
    expect(fn.vpc_config?.[0]).toMatchObject({
      subnet_ids: tf('var.private_subnet_ids'),
      security_group_ids: [tf('aws_security_group.validate.id')],
    });
    // ...with a route to the services it calls.
    const endpoints = block<Record<string, unknown>>(hcl, 'resource', 'aws_vpc_endpoint', 'validate');
    expect(endpoints.for_each).toBe(tf('toset(["codedeploy", "logs", "lambda", "sts"])'));
    const statements = block<{
      statement: Array<{ actions: string[]; resources: string[] }>;
    }>(hcl, 'data', 'aws_iam_policy_document', 'validate').statement;
    const resourcesOf = (action: string) =>
      statements.filter((s) => s.actions.includes(action)).flatMap((s) => s.resources);
    expect(resourcesOf('logs:GetQueryResults')).toEqual(['*']);
    expect(resourcesOf('logs:StopQuery')).toEqual(['*']);
    expect(resourcesOf('logs:StartQuery')).toEqual([`${tf('aws_cloudwatch_log_group.access.arn')}:*`]);
    expect(resourcesOf('lambda:InvokeFunction')[0]).toMatch(/function:CodeDeployHook_validate\*$/);
    const group = block<Record<string, Array<Record<string, unknown>>>>(
      hcl,
      'resource',
      'aws_codedeploy_deployment_group',
      'shop',
    );
    expect(group.deployment_style?.[0]).toEqual({
      deployment_option: 'WITH_TRAFFIC_CONTROL',
      deployment_type: 'BLUE_GREEN',
    });
    expect(group.auto_rollback_configuration?.[0]).toEqual({
      enabled: true,
      events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'],
    });
    const bg = group.blue_green_deployment_config?.[0] as Record<string, Array<Record<string, unknown>>>;
    expect(bg.terminate_blue_instances_on_deployment_success?.[0]).toEqual({
      action: 'TERMINATE',
      termination_wait_time_in_minutes: 60,
    });
  });

  it('the preset hooks policy lets RunTask pass the task roles to ECS', async () => {
    const hcl = (await parse('preset-hooks-iam.tf', await read('fixtures/infra/preset-hooks-iam.tf'))) as Hcl;
    const statements = block<{
      statement: Array<{ actions: string[]; condition?: Array<{ values: string[] }> }>;
    }>(hcl, 'data', 'aws_iam_policy_document', 'presets').statement;
    const passRole = statements.find((s) => s.actions.includes('iam:PassRole'));
    expect(passRole?.condition?.[0]?.values).toEqual(['ecs-tasks.amazonaws.com']);
    expect(statements.some((s) => s.actions.includes('ecs:ListTasks'))).toBe(true);
  });

  it('the CDK snippet type-checks against aws-cdk-lib and grants the self-invoke without referring to the function', async () => {
    const snippet = await read('fixtures/infra/validate-lambda.ts');
    // validate.grantInvoke(validate) puts the function's ARN in its own role's policy: a circular dependency.
    expect(snippet).not.toMatch(/validate\.grantInvoke\(validate\)|validate\.functionArn/);
    // Type-checked where aws-cdk-lib (a devDependency of this package) resolves.
    const dir = fileURLToPath(new URL('../node_modules/.cache/infra-check/', import.meta.url));
    await mkdir(dir, { recursive: true });
    await copyFile(root('fixtures/infra/validate-lambda.ts'), `${dir}validate-lambda.ts`);
    await writeFile(
      `${dir}tsconfig.json`,
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          skipLibCheck: true,
          types: [],
          verbatimModuleSyntax: true,
        },
        files: ['validate-lambda.ts'],
      }),
    );
    const tsc = root('node_modules/typescript/bin/tsc');
    const run = await promisify(execFile)(process.execPath, [tsc, '-p', `${dir}tsconfig.json`]).then(
      () => ({ code: 0, out: '' }),
      (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, out: error.stdout ?? '' }),
    );
    expect(run.out).toBe('');
    expect(run.code).toBe(0);
  }, 180_000);
});
