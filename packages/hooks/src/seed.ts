import type { StepResult } from '@bg-replay/core/hooks';
import { guardDestructive } from './activeStack.js';
import { describeError } from './awsErrors.js';
import { loadHookSdk } from './loadHookSdk.js';
import type { PresetActions, StepContext } from './model.js';
import { requireClient } from './requireClient.js';
import type { SeedConfig, StackId } from './stacksConfig.js';

type SeedPublish = NonNullable<SeedConfig['publish']>;
type Readiness = NonNullable<SeedConfig['readiness']>;

/** A label for the seed's upstream target. */
export function seedPublishKey(publish: SeedPublish): string {
  switch (publish.type) {
    case 'sns':
      return `sns:${publish.topicArn}`;
    case 'sqs':
      return `sqs:${publish.queueUrl}`;
    case 'eventbridge':
      return `events:${publish.eventBusName ?? 'default'}/${publish.source}/${publish.detailType}`;
  }
}

/** A label for a readiness probe. */
export function readinessKey(readiness: Readiness): string {
  return readiness.type === 'http' ? `http:${readiness.url}` : `dynamodb:${readiness.tableName}`;
}

const text = (message: string | Record<string, unknown>): string =>
  typeof message === 'string' ? message : JSON.stringify(message);

/**
 * Asks upstream, once per run, to seed `stack`: SNS `Publish`, SQS `SendMessage` or EventBridge `PutEvents`.
 * The run record `runs/<runId>/seed-<stack>` makes a re-run send nothing. Refused on the live stack:
 * seeding live would duplicate its data.
 *
 * @example
 * await publishSeed(ctx, 'b');
 */
export async function publishSeed(
  ctx: StepContext,
  stack: StackId,
): Promise<StepResult<undefined, PresetActions>> {
  const publish = ctx.config.stacks[stack].seed?.publish;
  if (!publish) return { status: 'Succeeded', actions: [] };
  const base = { step: 'publish-seed', stack, resource: seedPublishKey(publish) } as const;
  const refusal = await guardDestructive(ctx, base);
  if (refusal) return { status: 'Succeeded', actions: [refusal] };
  const key = `runs/${ctx.runId}/seed-${stack}`;
  const sent = await ctx.store.get<{ at: string }>(key);
  if (sent) {
    return {
      status: 'Succeeded',
      actions: [{ ...base, action: 'none', done: false, skipped: `sent at ${sent.at}` }],
    };
  }
  const action = publish.type === 'sns' ? 'Publish' : publish.type === 'sqs' ? 'SendMessage' : 'PutEvents';
  if (ctx.dryRun) {
    return {
      status: 'Succeeded',
      actions: [{ ...base, action, done: false, dryRun: true, skipped: 'dry run' }],
    };
  }
  // Deduplication id: a FIFO topic or queue drops a second send of the same run on its own too.
  const dedup = `${ctx.runId}-${stack}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 128);
  switch (publish.type) {
    case 'sns': {
      const { PublishCommand } = await loadHookSdk('sns', 'seed.publish (sns)');
      await requireClient(ctx, 'sns').send(
        new PublishCommand({
          TopicArn: publish.topicArn,
          Message: text(publish.message),
          Subject: publish.subject,
          MessageAttributes: publish.messageAttributes
            ? Object.fromEntries(
                Object.entries(publish.messageAttributes).map(([k, v]) => [
                  k,
                  { DataType: 'String', StringValue: v },
                ]),
              )
            : undefined,
          ...(publish.messageGroupId
            ? { MessageGroupId: publish.messageGroupId, MessageDeduplicationId: dedup }
            : {}),
        }),
      );
      break;
    }
    case 'sqs': {
      const { SendMessageCommand } = await loadHookSdk('sqs', 'seed.publish (sqs)');
      await requireClient(ctx, 'sqs').send(
        new SendMessageCommand({
          QueueUrl: publish.queueUrl,
          MessageBody: text(publish.message),
          ...(publish.messageGroupId
            ? { MessageGroupId: publish.messageGroupId, MessageDeduplicationId: dedup }
            : {}),
        }),
      );
      break;
    }
    case 'eventbridge': {
      const { PutEventsCommand } = await loadHookSdk('eventBridge', 'seed.publish (eventbridge)');
      const out = await requireClient(ctx, 'eventBridge').send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: publish.eventBusName,
              Source: publish.source,
              DetailType: publish.detailType,
              Detail: JSON.stringify(publish.detail),
            },
          ],
        }),
      );
      if ((out.FailedEntryCount ?? 0) > 0) {
        const entry = out.Entries?.[0];
        return {
          status: 'Failed',
          actions: [{ ...base, action, done: false, skipped: 'rejected' }],
          reason:
            `PutEvents rejected the seed request: ${entry?.ErrorCode ?? ''} ${entry?.ErrorMessage ?? ''}`.trim(),
        };
      }
      break;
    }
  }
  await ctx.store.put(key, { at: new Date(ctx.now()).toISOString() });
  return { status: 'Succeeded', actions: [{ ...base, action, done: true }] };
}

/**
 * Checks once whether the seeded data is there: an HTTP GET answering 2xx (undici), or at least `minCount`
 * items in a DynamoDB table (`Scan Select=COUNT`, paged, stopping as soon as the count is reached).
 * `pending` means "not yet"; the driver decides how long to keep asking.
 *
 * @example
 * const outcome = await checkReadiness(ctx, 'b'); // { status: 'continue', state: undefined, reason: 'GET … answered 503' }
 */
export async function checkReadiness(
  ctx: StepContext,
  stack: StackId,
): Promise<StepResult<undefined, PresetActions>> {
  const readiness = ctx.config.stacks[stack].seed?.readiness;
  if (!readiness) return { status: 'Succeeded', actions: [] };
  const base = { step: 'wait-ready', stack, resource: readinessKey(readiness), done: false } as const;
  if (ctx.dryRun) {
    return {
      status: 'Succeeded',
      actions: [{ ...base, action: 'probe', dryRun: true, skipped: 'dry run: would wait' }],
    };
  }
  if (readiness.type === 'http') {
    const timeout = readiness.timeoutSeconds * 1000;
    try {
      // Loaded on first use: undici is half a megabyte a hook bundle would otherwise parse at every cold start.
      const { request } = await import('undici');
      const res = await request(readiness.url, {
        method: 'GET',
        headersTimeout: timeout,
        bodyTimeout: timeout,
        headers: { 'user-agent': 'bg-replay-hooks' },
        ...(ctx.dispatcher ? { dispatcher: ctx.dispatcher } : {}),
      });
      await res.body.dump();
      if (res.statusCode >= 200 && res.statusCode < 300) {
        return {
          status: 'Succeeded',
          actions: [{ ...base, action: 'probe', skipped: `ready (${res.statusCode})` }],
        };
      }
      return {
        status: 'continue',
        state: undefined,
        actions: [{ ...base, action: 'probe', skipped: `not ready (${res.statusCode})` }],
        reason: `GET ${readiness.url} answered ${res.statusCode}`,
      };
    } catch (error) {
      return {
        status: 'continue',
        state: undefined,
        actions: [{ ...base, action: 'probe', skipped: 'not reachable' }],
        reason: `GET ${readiness.url} failed: ${describeError(error)}`,
      };
    }
  }
  const client = requireClient(ctx, 'dynamodb');
  const { ScanCommand } = await loadHookSdk('dynamodb', 'seed.readiness (dynamodb-count)');
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await client.send(
      new ScanCommand({
        TableName: readiness.tableName,
        Select: 'COUNT',
        ...(startKey ? { ExclusiveStartKey: startKey as never } : {}),
      }),
    );
    count += out.Count ?? 0;
    startKey = out.LastEvaluatedKey;
  } while (startKey && count < readiness.minCount);
  if (count >= readiness.minCount) {
    return { status: 'Succeeded', actions: [{ ...base, action: 'Scan', skipped: `ready (${count} items)` }] };
  }
  return {
    status: 'continue',
    state: undefined,
    actions: [{ ...base, action: 'Scan', skipped: `${count} of ${readiness.minCount} items` }],
    reason: `table ${readiness.tableName} has ${count} of ${readiness.minCount} items`,
  };
}
