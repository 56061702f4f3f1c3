import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { BgReplayError } from '@bg-replay/core';
import type { StepResult } from '@bg-replay/core/hooks';
import { awsErrorName } from '@bg-replay/core/internal';
import type { Action, PresetActions, StepContext } from './model.js';
import { otherStack, type StackId, stackResourceKeys } from './stacksConfig.js';

/**
 * Reads the SSM parameter that names the live stack. Always a fresh read: destructive steps call it
 * right before they act.
 *
 * @example
 * const live = await readActiveStack(ssm, '/orders/active-stack'); // 'a'
 * const idle = otherStack(live); // 'b'
 */
export async function readActiveStack(ssm: SSMClient, parameter: string): Promise<StackId> {
  let value: string | undefined;
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: parameter }));
    value = out.Parameter?.Value;
  } catch (error) {
    if (awsErrorName(error) === 'ParameterNotFound') {
      throw new BgReplayError(
        'E_CONFIG',
        `the active-stack parameter ${parameter} does not exist: create it with the value "a" or "b" (activeStack.parameter)`,
        { cause: error },
      );
    }
    throw error;
  }
  const trimmed = value?.trim();
  if (trimmed !== 'a' && trimmed !== 'b') {
    throw new BgReplayError(
      'E_CONFIG',
      `the active-stack parameter ${parameter} holds ${JSON.stringify(value)}; it must be "a" or "b"`,
    );
  }
  return trimmed;
}

/**
 * The stack a deployment moves to. Recorded per run the first time it is asked, so a hook re-run after
 * the flip still knows it: deriving "the idle one" again would flip the pointer back.
 *
 * @example
 * const target = await resolveTargetStack(ctx); // 'b' while 'a' is live, and still 'b' after the flip
 */
export async function resolveTargetStack(ctx: StepContext): Promise<StackId> {
  const key = `runs/${ctx.runId}/target`;
  const recorded = await ctx.store.get<StackId>(key);
  if (recorded === 'a' || recorded === 'b') return recorded;
  const target = otherStack(await readActiveStack(ctx.clients.ssm, ctx.config.activeStack.parameter));
  if (ctx.dryRun) return target;
  const written = await ctx.store.put(key, target, { ifAbsent: true });
  if (written) return target;
  // Another invocation recorded it first: theirs wins.
  return (await ctx.store.get<StackId>(key)) ?? target;
}

/**
 * Sets the active-stack parameter to `target` unless it already says so. Runs before any destructive
 * step of `AfterAllowTraffic`, so a failure later never leaves the pointer on a stack being torn down.
 *
 * @example
 * await flipActiveStack(ctx, 'b'); // PutParameter /orders/active-stack = b
 */
export async function flipActiveStack(
  ctx: StepContext,
  target: StackId,
): Promise<StepResult<undefined, PresetActions>> {
  const parameter = ctx.config.activeStack.parameter;
  const base = { step: 'flip-active-stack', stack: target, resource: `ssm:${parameter}` } as const;
  const current = await readActiveStack(ctx.clients.ssm, parameter);
  if (current === target) {
    return {
      status: 'Succeeded',
      actions: [{ ...base, action: 'none', done: false, skipped: `already ${target}` }],
    };
  }
  if (ctx.dryRun) {
    ctx.assumedActive = target;
    return {
      status: 'Succeeded',
      actions: [
        {
          ...base,
          action: 'PutParameter',
          done: false,
          dryRun: true,
          skipped: `dry run: ${current} → ${target}`,
        },
      ],
    };
  }
  await ctx.clients.ssm.send(
    new PutParameterCommand({ Name: parameter, Value: target, Type: 'String', Overwrite: true }),
  );
  ctx.logger.info('flipped the active stack', { parameter, from: current, to: target });
  return { status: 'Succeeded', actions: [{ ...base, action: 'PutParameter', done: true }] };
}

/**
 * The live-stack guard of every destructive step: re-reads the pointer and refuses when `stack` is live
 * or when `resource` is also named by the live stack's config. Returns the refusal, or undefined to go on.
 *
 * @example
 * const refusal = await guardDestructive(ctx, base);
 * if (refusal) return { status: 'Succeeded', actions: [refusal] };
 */
export async function guardDestructive(
  ctx: StepContext,
  base: Omit<Action, 'action' | 'done'>,
): Promise<Action | undefined> {
  const read = await readActiveStack(ctx.clients.ssm, ctx.config.activeStack.parameter);
  const active = ctx.dryRun && ctx.assumedActive ? ctx.assumedActive : read;
  let reason: string | undefined;
  if (base.stack === active) reason = `stack ${active} is the active stack`;
  else if (stackResourceKeys(ctx.config.stacks[active]).includes(base.resource)) {
    reason = `${base.resource} belongs to the active stack ${active}`;
  }
  if (!reason) return undefined;
  ctx.logger.warn('refused a destructive step on the active stack', {
    step: base.step,
    resource: base.resource,
    reason,
  });
  return { ...base, action: 'none', done: false, refused: true, skipped: `refused: ${reason}` };
}
