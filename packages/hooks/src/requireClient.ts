import { BgReplayError } from '@bg-replay/core';
import type { HookClients, StepContext } from './model.js';

/** The client a step needs, or an `E_CONFIG` error naming it. */
export function requireClient<K extends keyof HookClients>(
  ctx: StepContext,
  name: K,
): NonNullable<HookClients[K]> {
  const client = ctx.clients[name];
  if (!client) {
    throw new BgReplayError('E_CONFIG', `this step needs an AWS client "${name}": pass clients.${name}`);
  }
  return client as NonNullable<HookClients[K]>;
}
