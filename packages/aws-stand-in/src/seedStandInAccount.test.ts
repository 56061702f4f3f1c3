import { describe, expect, it } from 'vitest';
import { createAwsStandInServices } from './createAwsStandInServices.js';
import { type SeedStacksConfig, seedStandInAccount } from './seedStandInAccount.js';

const stack = (id: string) => ({
  scalableTargets: [
    {
      serviceNamespace: 'rds',
      resourceId: `cluster:orders-${id}`,
      scalableDimension: 'rds:cluster:ReadReplicaCount',
    },
  ],
  eventSources: [],
  queues: [],
  database: { type: 'rds-cluster' as const, clusterIdentifier: `orders-${id}` },
});
const config: SeedStacksConfig = {
  activeStack: { parameter: '/orders/active' },
  stacks: { a: stack('a'), b: stack('b') },
};

describe('seedStandInAccount', () => {
  it('puts each target at its minimum in service, with as many Aurora readers beside the writer', () => {
    const { state } = createAwsStandInServices();
    seedStandInAccount(state, config, 'a');
    expect(state.capacity.get('rds|cluster:orders-a|rds:cluster:ReadReplicaCount')).toBe(4);
    expect(state.capacity.get('rds|cluster:orders-b|rds:cluster:ReadReplicaCount')).toBe(1);
    const live = state.clusters.get('orders-a');
    expect(live?.writer).toBe('orders-a-writer');
    expect(live?.members.slice(0, 2)).toEqual(['orders-a-writer', 'orders-a-reader-1']);
    expect(live?.members.slice(2)).toHaveLength(3);
    expect(live?.members.slice(2).every((m) => m.startsWith('application-autoscaling-'))).toBe(true);
    expect(live?.members.every((m) => state.instances.get(m) === 'available')).toBe(true);
    expect(state.clusters.get('orders-b')?.members).toEqual(['orders-b-writer', 'orders-b-reader-1']);
  });
});
