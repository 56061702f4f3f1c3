import { createHash } from 'node:crypto';
import { BgReplayError } from '@bg-replay/core';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import { formatIssues } from './_zod.js';
import {
  ECS_LIFECYCLE_EVENTS,
  type HookPlatform,
  LAMBDA_LIFECYCLE_EVENTS,
  type LifecycleEventName,
} from './types.js';

const versionString = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);

const ecsProperties = z.object({
  TaskDefinition: z.string().min(1),
  LoadBalancerInfo: z.object({
    ContainerName: z.string().min(1),
    ContainerPort: z.coerce.number().int().min(1).max(65535),
  }),
  PlatformVersion: z.string().optional(),
  NetworkConfiguration: z.record(z.string(), z.unknown()).optional(),
  CapacityProviderStrategy: z.array(z.record(z.string(), z.unknown())).optional(),
});

const lambdaProperties = z.object({
  Name: z.string().min(1),
  Alias: z.string().min(1),
  CurrentVersion: versionString,
  TargetVersion: versionString,
});

const resource = z.discriminatedUnion('Type', [
  z.object({ Type: z.literal('AWS::ECS::Service'), Properties: ecsProperties }),
  z.object({ Type: z.literal('AWS::Lambda::Function'), Properties: lambdaProperties }),
]);

const singleKey = <T extends z.ZodType>(value: T) =>
  z.record(z.string(), value).refine((r) => Object.keys(r).length === 1, {
    message: 'each entry must be an object with exactly one key',
  });

const appSpecSchema = z.object({
  version: z.union([z.number(), z.string()]).refine((v) => Number(v) === 0, {
    message: 'AppSpec version must be 0.0',
  }),
  Resources: z.array(singleKey(resource)).min(1, { message: 'at least one resource is required' }),
  Hooks: z.array(singleKey(z.string().min(1))).optional(),
});

/** ECS service resource properties of an AppSpec. */
export type EcsServiceProperties = z.infer<typeof ecsProperties>;
/** Lambda function resource properties of an AppSpec (versions as strings). */
export type LambdaFunctionProperties = z.infer<typeof lambdaProperties>;

/** An AppSpec for an ECS or Lambda deployment, validated. */
export interface AppSpec {
  platform: HookPlatform;
  /** Logical name of the first resource (e.g. `TargetService`). */
  resourceName: string;
  ecs?: EcsServiceProperties;
  lambda?: LambdaFunctionProperties;
  /** Hooks in file order: lifecycle event and the function name or ARN it names. */
  hooks: Array<{ event: LifecycleEventName; functionName: string }>;
  /** The document as parsed, for fields this type does not model. */
  raw: unknown;
}

/**
 * Parses an AppSpec (YAML or JSON), validates it, and returns its resource and hooks.
 * Throws `BgReplayError` (`E_CONFIG`) naming the field at fault.
 *
 * @example
 * const spec = parseAppSpec('version: 0.0\nResources:\n  - TargetService:\n ...', 'appspec.yaml');
 * spec.hooks; // [{ event: 'AfterAllowTestTraffic', functionName: 'CodeDeployHook_validate' }]
 */
export function parseAppSpec(content: string, where = 'AppSpec'): AppSpec {
  let doc: unknown;
  try {
    doc = parseYaml(content); // YAML is a superset of JSON
  } catch (error) {
    throw new BgReplayError('E_CONFIG', `${where} is not valid YAML or JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = appSpecSchema.safeParse(doc);
  if (!parsed.success) {
    throw new BgReplayError('E_CONFIG', `${where} is invalid: ${formatIssues(parsed.error)}`);
  }
  const [first] = parsed.data.Resources;
  const [resourceName, res] = Object.entries(first ?? {})[0] ?? [];
  if (!resourceName || !res) throw new BgReplayError('E_CONFIG', `${where} is invalid: Resources is empty`);
  const platform: HookPlatform = res.Type === 'AWS::ECS::Service' ? 'ECS' : 'Lambda';
  const allowed = platform === 'ECS' ? ECS_LIFECYCLE_EVENTS : LAMBDA_LIFECYCLE_EVENTS;
  const hooks: AppSpec['hooks'] = [];
  (parsed.data.Hooks ?? []).forEach((entry, index) => {
    const [event, functionName] = Object.entries(entry)[0] as [string, string];
    if (!allowed.includes(event as LifecycleEventName)) {
      throw new BgReplayError(
        'E_CONFIG',
        `${where} is invalid: Hooks.${index}: ${event} is not a lifecycle event of ${platform === 'ECS' ? 'an' : 'a'} ${platform} deployment (expected one of ${allowed.join(', ')})`,
      );
    }
    hooks.push({ event: event as LifecycleEventName, functionName });
  });
  return {
    platform,
    resourceName,
    ...(res.Type === 'AWS::ECS::Service' ? { ecs: res.Properties } : { lambda: res.Properties }),
    hooks,
    raw: doc,
  };
}

/**
 * Bare function name of a hook reference: strips the ARN prefix and any `:alias`/`:version` qualifier,
 * so `arn:aws:lambda:eu-west-1:1:function:CodeDeployHook_x:live` and `CodeDeployHook_x:3` both give `CodeDeployHook_x`.
 *
 * @example
 * bareFunctionName('arn:aws:lambda:us-east-1:123456789012:function:CodeDeployHook_v:prod'); // 'CodeDeployHook_v'
 */
export function bareFunctionName(reference: string): string {
  const arn = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::.*)?$/.exec(reference);
  if (arn?.[1]) return arn[1];
  const partial = /^(?:\d{12}:)?function:([^:]+)/.exec(reference); // partial ARN forms
  if (partial?.[1]) return partial[1];
  return reference.split(':')[0] ?? reference;
}

/** The lifecycle events of `spec` whose hook names `functionName` (bare, ARN, or qualified). */
export function findHookEvents(spec: AppSpec, functionName: string): LifecycleEventName[] {
  const own = bareFunctionName(functionName);
  return spec.hooks.filter((h) => bareFunctionName(h.functionName) === own).map((h) => h.event);
}

/** Input of {@link buildAppSpec} for an ECS service. */
export interface EcsAppSpecInput {
  platform: 'ECS';
  taskDefinition: string;
  containerName: string;
  containerPort: number;
  platformVersion?: string;
  /** Logical resource name. Default `TargetService`. */
  resourceName?: string;
  hooks?: Partial<Record<LifecycleEventName, string>>;
}

/** Input of {@link buildAppSpec} for a Lambda alias shift. */
export interface LambdaAppSpecInput {
  platform: 'Lambda';
  functionName: string;
  alias: string;
  currentVersion: string;
  targetVersion: string;
  /** Logical resource name. Default `TargetFunction`. */
  resourceName?: string;
  hooks?: Partial<Record<'BeforeAllowTraffic' | 'AfterAllowTraffic', string>>;
}

/** An AppSpec ready for `CreateDeployment`: the text, its SHA-256 (hex), and the parsed form. */
export interface BuiltAppSpec {
  content: string;
  sha256: string;
  appSpec: AppSpec;
  /** Things that are valid but probably wrong (e.g. a hook the managed role cannot invoke). */
  warnings: string[];
}

/**
 * Builds an AppSpec (version 0.0, `Resources`, `Hooks` as a list of single-key objects in CodeDeploy's
 * order) as YAML, validates it by parsing it back, and hashes it for `AppSpecContent`.
 *
 * @example
 * const built = buildAppSpec({
 *   platform: 'ECS', taskDefinition: 'arn:aws:ecs:eu-west-1:1:task-definition/shop:42',
 *   containerName: 'web', containerPort: 8080,
 *   hooks: { AfterAllowTestTraffic: 'CodeDeployHook_validate' },
 * });
 * built.content.startsWith('version: 0.0'); // true
 */
export function buildAppSpec(input: EcsAppSpecInput | LambdaAppSpecInput): BuiltAppSpec {
  const order = input.platform === 'ECS' ? ECS_LIFECYCLE_EVENTS : LAMBDA_LIFECYCLE_EVENTS;
  const hookMap = (input.hooks ?? {}) as Partial<Record<string, string>>;
  for (const event of Object.keys(hookMap)) {
    if (!order.includes(event as LifecycleEventName)) {
      throw new BgReplayError(
        'E_USAGE',
        `hook ${event} is not a lifecycle event of ${input.platform === 'ECS' ? 'an' : 'a'} ${input.platform} deployment (expected one of ${order.join(', ')})`,
      );
    }
  }
  const hooks = order
    .filter((event) => hookMap[event])
    .map((event) => ({ [event]: hookMap[event] as string }));
  const resources =
    input.platform === 'ECS'
      ? [
          {
            [input.resourceName ?? 'TargetService']: {
              Type: 'AWS::ECS::Service',
              Properties: {
                TaskDefinition: input.taskDefinition,
                LoadBalancerInfo: { ContainerName: input.containerName, ContainerPort: input.containerPort },
                ...(input.platformVersion ? { PlatformVersion: input.platformVersion } : {}),
              },
            },
          },
        ]
      : [
          {
            [input.resourceName ?? 'TargetFunction']: {
              Type: 'AWS::Lambda::Function',
              Properties: {
                Name: input.functionName,
                Alias: input.alias,
                CurrentVersion: String(input.currentVersion),
                TargetVersion: String(input.targetVersion),
              },
            },
          },
        ];
  // `version: 0.0` written by hand: a YAML serializer would print the number 0 as `0`.
  const body = stringifyYaml(
    hooks.length ? { Resources: resources, Hooks: hooks } : { Resources: resources },
  );
  const content = `version: 0.0\n${body}`;
  const appSpec = parseAppSpec(content, 'the generated AppSpec');
  const warnings: string[] = [];
  for (const hook of appSpec.hooks) {
    if (!bareFunctionName(hook.functionName).startsWith('CodeDeployHook_')) {
      warnings.push(
        `hook ${hook.event} names ${hook.functionName}: the managed CodeDeploy role only invokes functions named CodeDeployHook_*`,
      );
    }
  }
  return { content, sha256: createHash('sha256').update(content).digest('hex'), appSpec, warnings };
}
