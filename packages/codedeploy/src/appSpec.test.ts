import { describe, expect, it } from 'vitest';
import { bareFunctionName, buildAppSpec, findHookEvents, parseAppSpec } from './appSpec.js';

describe('buildAppSpec', () => {
  it('writes an ECS AppSpec with version 0.0 and hooks in CodeDeploy order as single-key objects', () => {
    const built = buildAppSpec({
      platform: 'ECS',
      taskDefinition: 'arn:aws:ecs:eu-west-1:1:task-definition/shop:42',
      containerName: 'web',
      containerPort: 8080,
      hooks: {
        AfterAllowTraffic: 'CodeDeployHook_teardown',
        AfterAllowTestTraffic: 'CodeDeployHook_validate',
      },
    });
    expect(built.content).toBe(
      [
        'version: 0.0',
        'Resources:',
        '  - TargetService:',
        '      Type: AWS::ECS::Service',
        '      Properties:',
        '        TaskDefinition: arn:aws:ecs:eu-west-1:1:task-definition/shop:42',
        '        LoadBalancerInfo:',
        '          ContainerName: web',
        '          ContainerPort: 8080',
        'Hooks:',
        '  - AfterAllowTestTraffic: CodeDeployHook_validate',
        '  - AfterAllowTraffic: CodeDeployHook_teardown',
        '',
      ].join('\n'),
    );
    expect(built.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(built.warnings).toEqual([]);
  });

  it('writes a Lambda AppSpec with versions as strings', () => {
    const built = buildAppSpec({
      platform: 'Lambda',
      functionName: 'api',
      alias: 'live',
      currentVersion: '3',
      targetVersion: '4',
    });
    expect(built.appSpec.lambda).toEqual({
      Name: 'api',
      Alias: 'live',
      CurrentVersion: '3',
      TargetVersion: '4',
    });
    expect(built.content).toContain('CurrentVersion: "3"');
  });

  it('refuses a hook event the platform does not have', () => {
    expect(() =>
      buildAppSpec({
        platform: 'Lambda',
        functionName: 'api',
        alias: 'live',
        currentVersion: '1',
        targetVersion: '2',
        hooks: { AfterAllowTestTraffic: 'x' } as never,
      }),
    ).toThrow('hook AfterAllowTestTraffic is not a lifecycle event of a Lambda deployment');
  });

  it('warns about a hook the managed role cannot invoke', () => {
    const built = buildAppSpec({
      platform: 'ECS',
      taskDefinition: 't',
      containerName: 'c',
      containerPort: 1,
      hooks: { AfterInstall: 'myhook' },
    });
    expect(built.warnings[0]).toMatch(/CodeDeployHook_\*/);
  });
});

describe('parseAppSpec', () => {
  it('reads a JSON AppSpec with a numeric Lambda version', () => {
    const spec = parseAppSpec(
      JSON.stringify({
        version: 0.0,
        Resources: [
          {
            fn: {
              Type: 'AWS::Lambda::Function',
              Properties: { Name: 'api', Alias: 'live', CurrentVersion: 1, TargetVersion: 2 },
            },
          },
        ],
        Hooks: [
          { BeforeAllowTraffic: 'arn:aws:lambda:us-east-1:123456789012:function:CodeDeployHook_v:prod' },
        ],
      }),
    );
    expect(spec.platform).toBe('Lambda');
    expect(spec.lambda?.TargetVersion).toBe('2');
    expect(findHookEvents(spec, 'CodeDeployHook_v')).toEqual(['BeforeAllowTraffic']);
  });

  it('names the field at fault', () => {
    expect(() =>
      parseAppSpec(
        'version: 0.0\nResources:\n  - s:\n      Type: AWS::ECS::Service\n      Properties:\n        TaskDefinition: t\n',
        'appspec.yaml',
      ),
    ).toThrow(/appspec.yaml is invalid: Resources\.0\.s\.Properties\.LoadBalancerInfo/);
  });
});

describe('bareFunctionName', () => {
  it('strips ARNs and qualifiers', () => {
    expect(bareFunctionName('arn:aws:lambda:us-east-1:123456789012:function:CodeDeployHook_a:live')).toBe(
      'CodeDeployHook_a',
    );
    expect(bareFunctionName('CodeDeployHook_a:7')).toBe('CodeDeployHook_a');
    expect(bareFunctionName('CodeDeployHook_a')).toBe('CodeDeployHook_a');
  });
});
