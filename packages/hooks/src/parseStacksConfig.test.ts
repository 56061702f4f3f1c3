import { describe, expect, it } from 'vitest';
import { parseStacksConfig } from './parseStacksConfig.js';

const valid = `version: 1
service: catalog
platform: lambda
activeStack:
  parameter: /shop/catalog/active-stack
stacks:
  a:
    database: { type: dynamodb, tableName: catalog-a }
    queues:
      - url: https://sqs.eu-west-1.amazonaws.com/1/catalog-a
  b:
    database: { type: dynamodb, tableName: catalog-b }
    queues:
      - url: https://sqs.eu-west-1.amazonaws.com/1/catalog-b
`;

describe('parseStacksConfig', () => {
  it('fills the defaults of a minimal file', () => {
    const config = parseStacksConfig(valid, 'stacks.yaml');
    expect(config.waits).toEqual({ pollSeconds: 15, timeoutSeconds: 2700 });
    expect(config.teardown).toEqual({ purgeQueues: true, deleteDatabase: true });
    expect(config.stacks.a.eventSources).toEqual([]);
  });

  it('accepts the same file as JSON', () => {
    const json = JSON.stringify(parseStacksConfig(valid));
    expect(parseStacksConfig(json, 'stacks.json').service).toBe('catalog');
  });

  it('names file, line, column and field of each problem', () => {
    const bad = valid
      .replace('tableName: catalog-b', 'tableNme: catalog-b')
      .replace('platform: lambda', 'platform: k8s');
    let message = '';
    try {
      parseStacksConfig(bad, 'stacks.yaml');
    } catch (error) {
      expect(error).toMatchObject({ code: 'E_CONFIG' });
      message = (error as Error).message;
    }
    expect(message).toContain('stacks.yaml:3:11 platform: Invalid option: expected one of "ecs"|"lambda"');
    expect(message).toContain(
      'stacks.yaml:12:15 stacks.b.database.tableName: Invalid input: expected string, received undefined',
    );
    expect(message).toContain(
      'stacks.yaml:12:15 stacks.b.database: unknown field(s) tableNme: remove or fix the spelling',
    );
  });

  it('refuses a resource named by both stacks', () => {
    const shared = valid.replace('tableName: catalog-b', 'tableName: catalog-a');
    expect(() => parseStacksConfig(shared, 'stacks.yaml')).toThrow(
      'stacks.yaml:12:5 stacks.b: stacks a and b both name dynamodb:catalog-a: each stack needs its own resources',
    );
  });

  it('reports YAML syntax errors with their position', () => {
    expect(() => parseStacksConfig('version: 1\nstacks: [a\n', 'broken.yaml')).toThrow(
      /^cannot parse broken.yaml:\nbroken.yaml:\d+:\d+: /,
    );
  });
});
