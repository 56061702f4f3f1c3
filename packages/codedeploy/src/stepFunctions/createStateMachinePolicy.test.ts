import { describe, expect, it } from 'vitest';
import { MERGE_FUNCTION_PLACEHOLDER } from './createStateMachineDefinition.js';
import { createStateMachinePolicy } from './createStateMachinePolicy.js';

const shardFunctionArn = 'arn:aws:lambda:eu-west-1:123456789012:function:bg-replay-shard';
const stateMachineArn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:bg-replay-validation';

describe('createStateMachinePolicy', () => {
  it('lets the machine invoke its two functions and report to CodeDeploy, nothing more, for an inline Map', () => {
    const { stateMachine, trust } = createStateMachinePolicy({ shardFunctionArn });
    expect(trust.Statement[0]?.Principal).toEqual({ Service: 'states.amazonaws.com' });
    expect(stateMachine.Statement.flatMap((s) => s.Action)).toEqual([
      'lambda:InvokeFunction',
      'codedeploy:PutLifecycleEventHookExecutionStatus',
    ]);
    expect(stateMachine.Statement[0]?.Resource).toEqual([
      shardFunctionArn,
      `${shardFunctionArn}:*`,
      MERGE_FUNCTION_PLACEHOLDER,
      `${MERGE_FUNCTION_PLACEHOLDER}:*`,
    ]);
  });

  it('adds the child execution actions a Distributed Map needs', () => {
    const { stateMachine } = createStateMachinePolicy({ stateMachineArn, maxShards: 100 });
    expect(stateMachine.Statement.slice(2)).toEqual([
      {
        Sid: 'DistributedMapChildren',
        Effect: 'Allow',
        Action: ['states:StartExecution'],
        Resource: [stateMachineArn],
      },
      {
        Sid: 'DistributedMapChildExecutions',
        Effect: 'Allow',
        Action: ['states:DescribeExecution', 'states:StopExecution'],
        Resource: ['arn:aws:states:eu-west-1:123456789012:execution:bg-replay-validation:*'],
      },
    ]);
  });

  it('scopes the functions to the report prefix and the log group', () => {
    const { functions } = createStateMachinePolicy({
      reportBucket: 'reports',
      logGroupArn: 'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/apigateway/shop:*',
    });
    expect(functions.Statement.map((s) => s.Resource)).toEqual([
      ['arn:aws:s3:::reports/bg-replay/*'],
      ['arn:aws:logs:eu-west-1:123456789012:log-group:/aws/apigateway/shop:*'],
    ]);
  });
});
