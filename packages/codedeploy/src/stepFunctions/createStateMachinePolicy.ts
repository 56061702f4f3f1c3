import {
  INLINE_MAP_MAX_CONCURRENCY,
  MERGE_FUNCTION_PLACEHOLDER,
  placeholderOf,
  SHARD_FUNCTION_PLACEHOLDER,
} from './createStateMachineDefinition.js';

/** An IAM policy document. */
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Array<{
    Sid?: string;
    Effect: 'Allow';
    Action: string[];
    Resource?: string[];
    Principal?: { Service: string };
  }>;
}

/** Options of {@link createStateMachinePolicy}. */
export interface StateMachinePolicyOptions {
  shardFunctionArn?: string;
  mergeFunctionArn?: string;
  /** Needed by a Distributed Map, which starts child executions of the machine itself. */
  stateMachineArn?: string;
  /** As given to the definition: above 40 the Map is distributed and needs the `states:*Execution` actions. */
  maxShards?: number;
  /** Bucket and prefix the shard reports and the merged report are written under. */
  reportBucket?: string;
  reportPrefix?: string;
  /** Log group the shards read (their function role, not the state machine's). */
  logGroupArn?: string;
}

/** The role documents a deployment of the validation state machine needs. */
export interface StateMachinePolicies {
  /** Trust policy of the state machine's role. */
  trust: PolicyDocument;
  /** Permissions of the state machine's role. */
  stateMachine: PolicyDocument;
  /** Permissions of the shard and merge functions' role (beyond AWSLambdaBasicExecutionRole). */
  functions: PolicyDocument;
}

/**
 * Writes the IAM documents for {@link createStateMachineDefinition}'s machine: the state machine invokes the
 * two functions and reports to CodeDeploy (plus, for a Distributed Map, starts and watches its child
 * executions); the functions read the logs and read and write reports in S3.
 *
 * @example
 * const { trust, stateMachine, functions } = createStateMachinePolicy({ reportBucket: 'my-reports' });
 */
export function createStateMachinePolicy(options: StateMachinePolicyOptions = {}): StateMachinePolicies {
  const shard = options.shardFunctionArn ?? SHARD_FUNCTION_PLACEHOLDER;
  const merge = options.mergeFunctionArn ?? MERGE_FUNCTION_PLACEHOLDER;
  const machine = options.stateMachineArn ?? placeholderOf('StateMachineArn');
  const bucket = options.reportBucket ?? placeholderOf('ReportBucket');
  const prefix = options.reportPrefix ?? 'bg-replay/';
  const distributed = (options.maxShards ?? 10) > INLINE_MAP_MAX_CONCURRENCY;
  const executions = machine.replace(':stateMachine:', ':execution:');
  return {
    trust: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: ['sts:AssumeRole'] },
      ],
    },
    stateMachine: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'InvokeShardAndMerge',
          Effect: 'Allow',
          Action: ['lambda:InvokeFunction'],
          Resource: [shard, `${shard}:*`, merge, `${merge}:*`],
        },
        {
          // The hook execution id is only known at run time; the action has no narrower resource to name.
          Sid: 'ReportToCodeDeploy',
          Effect: 'Allow',
          Action: ['codedeploy:PutLifecycleEventHookExecutionStatus'],
          Resource: ['*'],
        },
        ...(distributed
          ? [
              {
                Sid: 'DistributedMapChildren',
                Effect: 'Allow' as const,
                Action: ['states:StartExecution'],
                Resource: [machine],
              },
              {
                Sid: 'DistributedMapChildExecutions',
                Effect: 'Allow' as const,
                Action: ['states:DescribeExecution', 'states:StopExecution'],
                Resource: [`${executions}:*`],
              },
            ]
          : []),
      ],
    },
    functions: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ShardAndMergedReports',
          Effect: 'Allow',
          Action: ['s3:PutObject', 's3:GetObject'],
          Resource: [`arn:aws:s3:::${bucket}/${prefix}*`],
        },
        {
          Sid: 'ReadLogs',
          Effect: 'Allow',
          Action: ['logs:FilterLogEvents', 'logs:StartQuery', 'logs:GetQueryResults', 'logs:StopQuery'],
          Resource: [options.logGroupArn ?? placeholderOf('LogGroupArn')],
        },
      ],
    },
  };
}
