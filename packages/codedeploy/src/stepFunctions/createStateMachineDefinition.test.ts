import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  createStateMachineDefinition,
  MERGE_FUNCTION_PLACEHOLDER,
  SHARD_FUNCTION_PLACEHOLDER,
} from './createStateMachineDefinition.js';

type AslValidator = (
  definition: unknown,
  options?: { checkArn?: boolean; checkPaths?: boolean },
) => { isValid: boolean; errors: Array<{ message: string; path?: string }> };
// asl-validator is CommonJS without types; it also annotates the object it checks, so it gets a copy.
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;
const check = (definition: unknown) => {
  const { isValid, errors } = aslValidator(structuredClone(definition));
  return { isValid, errors };
};

const ARNS = {
  shardFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:bg-replay-shard',
  mergeFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:bg-replay-merge',
};

describe('createStateMachineDefinition', () => {
  it('writes a definition asl-validator accepts, with an inline Map up to 40 shards', () => {
    const { definition, mapMode } = createStateMachineDefinition({ ...ARNS, maxShards: 40 });
    expect(mapMode).toBe('INLINE');
    expect(check(definition)).toEqual({ isValid: true, errors: [] });
    expect(definition.States.Shards?.ItemProcessor).toMatchObject({ ProcessorConfig: { Mode: 'INLINE' } });
  });

  it('switches to a Distributed Map of standard child executions above 40 shards, still valid', () => {
    const { definition, mapMode } = createStateMachineDefinition({ ...ARNS, maxShards: 200 });
    expect(mapMode).toBe('DISTRIBUTED');
    expect(definition.States.Shards).toMatchObject({
      MaxConcurrency: 200,
      ToleratedFailurePercentage: 100,
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
    });
    expect(check(definition)).toEqual({ isValid: true, errors: [] });
  });

  it('keeps placeholders for the function ARNs when none are given, for CloudFormation, CDK and Terraform to fill', () => {
    const { definition } = createStateMachineDefinition();
    expect(definition.States.ResolveWindow?.Resource).toBe(MERGE_FUNCTION_PLACEHOLDER);
    expect(JSON.stringify(definition)).toContain(SHARD_FUNCTION_PLACEHOLDER);
    // Deployed, the placeholders are substituted (DefinitionSubstitutions, templatefile): that document is valid.
    const substituted = JSON.parse(
      JSON.stringify(definition)
        .replaceAll(SHARD_FUNCTION_PLACEHOLDER, ARNS.shardFunctionArn)
        .replaceAll(MERGE_FUNCTION_PLACEHOLDER, ARNS.mergeFunctionArn),
    );
    expect(check(substituted)).toEqual({ isValid: true, errors: [] });
    expect(check(definition)).toEqual({ isValid: true, errors: [] });
  });

  it('reports to CodeDeploy through the AWS SDK integration on both the verdict and the failure path', () => {
    const { definition } = createStateMachineDefinition(ARNS);
    const sdk = 'arn:aws:states:::aws-sdk:codedeploy:putLifecycleEventHookExecutionStatus';
    expect(definition.States.ReportVerdict).toMatchObject({
      Resource: sdk,
      Parameters: { 'Status.$': '$.merged.status' },
    });
    expect(definition.States.ReportFailed).toMatchObject({ Resource: sdk, Parameters: { Status: 'Failed' } });
    for (const name of ['ResolveWindow', 'Shards', 'Merge']) {
      expect(definition.States[name]?.Catch).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'ReportFailed' },
      ]);
    }
  });

  it('gives every task a timeout and promises a report well inside the hook hour', () => {
    const { definition, worstCaseSeconds } = createStateMachineDefinition(ARNS);
    const tasks = [
      ...Object.values(definition.States),
      ...Object.values(
        (definition.States.Shards as { ItemProcessor: { States: Record<string, Record<string, unknown>> } })
          .ItemProcessor.States,
      ),
    ].filter((s) => s.Type === 'Task');
    expect(tasks.map((t) => t.Resource)).toHaveLength(5);
    for (const task of tasks) expect(task.TimeoutSeconds).toBeGreaterThan(0);
    expect(worstCaseSeconds).toBe(60 + 840 + 300 + 18 + 62);
    expect(definition.TimeoutSeconds).toBe(3540);
  });

  it('refuses a shard timeout a Lambda cannot have, naming the option', () => {
    expect(() => createStateMachineDefinition({ shardTimeoutSeconds: 901 })).toThrow(/--shard-timeout 901/);
    expect(() => createStateMachineDefinition({ budgetSeconds: 1000 })).toThrow(
      /more than its budget of 1000 s/,
    );
  });
});
