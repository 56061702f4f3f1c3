import { fileURLToPath } from 'node:url';
import { DISABLED_FILTER_POLICY } from '../src/eventSources.js';
import { loadStacksConfig, type StackId, type StacksConfig, stateParameterPrefix } from '../src/index.js';
import { createFakeAws, type FakeAws, targetKey } from './fakeAws.js';

export const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../../fixtures/stacks/${name}`, import.meta.url));

export const loadOrders = (): Promise<StacksConfig> => loadStacksConfig(fixture('orders-ecs.yaml'));
export const loadCatalog = (): Promise<StacksConfig> => loadStacksConfig(fixture('catalog-lambda.yaml'));

/**
 * A fake AWS account holding both stacks of `config` as they stand before a deployment: `active` is live
 * (sources on, capacity up), the other is idle (sources off, minimum capacity, data present from last time).
 */
export function createWorld(config: StacksConfig, active: StackId = 'a'): FakeAws {
  const fake = createFakeAws();
  const { state } = fake;
  state.params.set(config.activeStack.parameter, active);
  for (const stack of ['a', 'b'] as const) {
    const live = stack === active;
    const s = config.stacks[stack];
    for (const t of s.scalableTargets) {
      state.capacity.set(targetKey(t.serviceNamespace, t.resourceId, t.scalableDimension), live ? 4 : 1);
      state.targets.set(
        targetKey(t.serviceNamespace, t.resourceId, t.scalableDimension),
        live ? { min: 4, max: 10 } : { min: 1, max: 3 },
      );
    }
    for (const source of s.eventSources) {
      if (source.type === 'eventbridge-rule')
        state.rules.set(`${source.eventBusName ?? 'default'}/${source.name}`, live ? 'ENABLED' : 'DISABLED');
      if (source.type === 'lambda-event-source-mapping')
        state.mappings.set(source.uuid, live ? 'Enabled' : 'Disabled');
      if (source.type === 'sns-subscription') {
        state.subscriptions.set(
          source.subscriptionArn,
          live
            ? source.filterPolicy
              ? JSON.stringify(source.filterPolicy)
              : undefined
            : JSON.stringify(DISABLED_FILTER_POLICY),
        );
      }
    }
    for (const q of s.queues) state.queues.set(q.url, { messages: 12 });
    if (s.database?.type === 'dynamodb')
      state.tables.set(s.database.tableName, { status: 'ACTIVE', items: live ? 100 : 0 });
    if (s.database?.type === 'rds-cluster') {
      const members = [`${s.database.clusterIdentifier}-writer`, `${s.database.clusterIdentifier}-reader-1`];
      state.clusters.set(s.database.clusterIdentifier, { status: 'available', members });
      for (const m of members) state.instances.set(m, 'available');
    }
    if (s.migration?.type === 'lambda') state.functions.set(s.migration.functionName, {});
  }
  return fake;
}

export const prefixOf = (config: StacksConfig): string => stateParameterPrefix(config);
