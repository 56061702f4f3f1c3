import {
  DeleteParameterCommand,
  GetParameterCommand,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { awsErrorName } from '@bg-replay/core/internal';

/**
 * Where steps remember what they did, so a re-run finds the work done: the original minimum capacity,
 * when a queue was purged, the task a migration started, the stack a deployment moves to.
 * Keys are relative (`capacity/b/0`); values are JSON.
 */
export interface StateStore {
  get<T>(key: string): Promise<T | undefined>;
  /** With `ifAbsent`, keeps an existing value and resolves to false. */
  put(key: string, value: unknown, options?: { ifAbsent?: boolean }): Promise<boolean>;
  delete(key: string): Promise<void>;
}

/**
 * A {@link StateStore} on SSM Parameter Store: one `String` parameter per key under `prefix`.
 * SSM is already needed for the active-stack pointer, so the hooks add no other service.
 *
 * @example
 * const store = createSsmStateStore(new SSMClient({}), '/bg-replay/orders');
 * await store.put('capacity/b/0', { min: 2, max: 8 }); // writes /bg-replay/orders/capacity/b/0
 */
export function createSsmStateStore(ssm: SSMClient, prefix: string): StateStore {
  const name = (key: string): string => `${prefix}/${key}`;
  return {
    async get<T>(key: string): Promise<T | undefined> {
      try {
        const out = await ssm.send(new GetParameterCommand({ Name: name(key) }));
        const value = out.Parameter?.Value;
        return value === undefined ? undefined : (JSON.parse(value) as T);
      } catch (error) {
        if (awsErrorName(error) === 'ParameterNotFound') return undefined;
        throw error;
      }
    },
    async put(key: string, value: unknown, options?: { ifAbsent?: boolean }): Promise<boolean> {
      try {
        await ssm.send(
          new PutParameterCommand({
            Name: name(key),
            Value: JSON.stringify(value),
            Type: 'String',
            Overwrite: !options?.ifAbsent,
          }),
        );
        return true;
      } catch (error) {
        if (options?.ifAbsent && awsErrorName(error) === 'ParameterAlreadyExists') return false;
        throw error;
      }
    },
    async delete(key: string): Promise<void> {
      try {
        await ssm.send(new DeleteParameterCommand({ Name: name(key) }));
      } catch (error) {
        if (awsErrorName(error) !== 'ParameterNotFound') throw error;
      }
    },
  };
}

/**
 * A {@link StateStore} in memory, for local runs and tests.
 *
 * @example
 * await runHook(config, 'BeforeInstall', { clients, runId: 'local-1', store: createMemoryStateStore() });
 */
export function createMemoryStateStore(initial: Record<string, unknown> = {}): StateStore & {
  entries: Map<string, string>;
} {
  const entries = new Map(Object.entries(initial).map(([k, v]) => [k, JSON.stringify(v)] as const));
  return {
    entries,
    async get<T>(key: string): Promise<T | undefined> {
      const value = entries.get(key);
      return value === undefined ? undefined : (JSON.parse(value) as T);
    },
    async put(key: string, value: unknown, options?: { ifAbsent?: boolean }): Promise<boolean> {
      if (options?.ifAbsent && entries.has(key)) return false;
      entries.set(key, JSON.stringify(value));
      return true;
    },
    async delete(key: string): Promise<void> {
      entries.delete(key);
    },
  };
}
