import type { StepResult } from '@bg-replay/core/hooks';
import { guardDestructive } from './activeStack.js';
import { loadHookSdk } from './loadHookSdk.js';
import type { Action, PresetActions, StepContext } from './model.js';
import { requireClient } from './requireClient.js';
import { type EventSourceConfig, eventSourceKey, type StackId } from './stacksConfig.js';

/**
 * The filter policy that parks an SNS subscription: it names a message attribute no publisher sets, so no
 * message matches. The subscription itself stays (Terraform owns it; see docs/ab-stacks.md on `filter_policy`).
 */
export const DISABLED_FILTER_POLICY = { 'bg-replay-disabled': ['true'] } as const;

/**
 * Enables or disables one event source of `stack`, after checking its state: EventBridge rules
 * (`DescribeRule` then `EnableRule`/`DisableRule`), Lambda event source mappings (`GetEventSourceMapping`
 * then `UpdateEventSourceMapping`; `pending` until it is `Enabled`/`Disabled`) and SNS subscriptions
 * (`GetSubscriptionAttributes` then `SetSubscriptionAttributes FilterPolicy`). Disabling is destructive
 * for a live stack, so it passes the live-stack guard first.
 *
 * @example
 * await setEventSourceEnabled(ctx, 'b', config.stacks.b.eventSources[0], true);
 */
export async function setEventSourceEnabled(
  ctx: StepContext,
  stack: StackId,
  source: EventSourceConfig,
  enabled: boolean,
): Promise<StepResult<undefined, PresetActions>> {
  const base = {
    step: enabled ? 'enable-event-source' : 'disable-event-source',
    stack,
    resource: eventSourceKey(source),
  } as const;
  if (!enabled) {
    const refusal = await guardDestructive(ctx, base);
    if (refusal) return { status: 'Succeeded', actions: [refusal] };
  }
  const skip = (why: string): StepResult<undefined, PresetActions> => ({
    status: 'Succeeded',
    actions: [{ ...base, action: 'none', done: false, skipped: why }],
  });
  const act = async (
    action: string,
    call: () => Promise<unknown>,
  ): Promise<StepResult<undefined, PresetActions>> => {
    if (ctx.dryRun) {
      return {
        status: 'Succeeded',
        actions: [{ ...base, action, done: false, dryRun: true, skipped: 'dry run' }],
      };
    }
    await call();
    return { status: 'Succeeded', actions: [{ ...base, action, done: true }] };
  };

  switch (source.type) {
    case 'eventbridge-rule': {
      const client = requireClient(ctx, 'eventBridge');
      const { DescribeRuleCommand, DisableRuleCommand, EnableRuleCommand } = await loadHookSdk(
        'eventBridge',
        source.type,
      );
      const ids = { Name: source.name, EventBusName: source.eventBusName };
      const rule = await client.send(new DescribeRuleCommand(ids));
      const isEnabled = (rule.State ?? '').startsWith('ENABLED');
      if (isEnabled === enabled) return skip(`already ${rule.State}`);
      return enabled
        ? act('EnableRule', () => client.send(new EnableRuleCommand(ids)))
        : act('DisableRule', () => client.send(new DisableRuleCommand(ids)));
    }
    case 'lambda-event-source-mapping': {
      const client = requireClient(ctx, 'lambda');
      const { GetEventSourceMappingCommand, UpdateEventSourceMappingCommand } = await loadHookSdk(
        'lambda',
        source.type,
      );
      const mapping = await client.send(new GetEventSourceMappingCommand({ UUID: source.uuid }));
      const state = mapping.State ?? 'Unknown';
      if (state === (enabled ? 'Enabled' : 'Disabled')) return skip(`already ${state}`);
      if (state !== 'Enabled' && state !== 'Disabled') {
        // Enabling, Disabling, Creating, Updating...: wait until it settles (an update now would fail
        // with ResourceInUseException, and "Enabling" is not yet consuming).
        const actions: Action[] = [{ ...base, action: 'none', done: false, skipped: `mapping is ${state}` }];
        return {
          status: 'continue',
          state: undefined,
          actions,
          reason: `event source mapping ${source.uuid} is ${state}`,
        };
      }
      const outcome = await act('UpdateEventSourceMapping', () =>
        client.send(new UpdateEventSourceMappingCommand({ UUID: source.uuid, Enabled: enabled })),
      );
      if (ctx.dryRun) return outcome;
      return {
        ...outcome,
        status: 'continue',
        state: undefined,
        reason: `event source mapping ${source.uuid} is ${enabled ? 'Enabling' : 'Disabling'}`,
      };
    }
    case 'sns-subscription': {
      const client = requireClient(ctx, 'sns');
      const { GetSubscriptionAttributesCommand, SetSubscriptionAttributesCommand } = await loadHookSdk(
        'sns',
        source.type,
      );
      const out = await client.send(
        new GetSubscriptionAttributesCommand({ SubscriptionArn: source.subscriptionArn }),
      );
      const current = parsePolicy(out.Attributes?.FilterPolicy);
      const wanted = enabled ? (source.filterPolicy ?? {}) : DISABLED_FILTER_POLICY;
      if (sameJson(current, wanted)) return skip(enabled ? 'already enabled' : 'already disabled');
      return act('SetSubscriptionAttributes', () =>
        client.send(
          new SetSubscriptionAttributesCommand({
            SubscriptionArn: source.subscriptionArn,
            AttributeName: 'FilterPolicy',
            // SNS removes a subscription's filter policy when it is set to an empty JSON object.
            AttributeValue: JSON.stringify(wanted),
          }),
        ),
      );
    }
  }
}

function parsePolicy(text: string | undefined): unknown {
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
