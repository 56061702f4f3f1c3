import { createHash } from 'node:crypto';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { createStandInClient } from '@bg-replay/aws-stand-in';
import { describe, expect, it } from 'vitest';
import { startStandIn } from '../test/_hookWorld.js';
import { createDeployment } from './createDeployment.js';

async function startCodeDeploy() {
  const standIn = await startStandIn();
  standIn.services.state.deploymentGroups.set('shop/shop-bg', { computePlatform: 'Lambda' });
  return { standIn, codedeploy: createStandInClient(CodeDeployClient, standIn.url) };
}

describe('createDeployment', () => {
  it('calls CreateDeployment with the AppSpec content and its sha256', async () => {
    const { standIn, codedeploy } = await startCodeDeploy();
    const result = await createDeployment({
      codedeploy,
      applicationName: 'shop',
      deploymentGroupName: 'shop-bg',
      description: 'v2',
      appSpec: {
        platform: 'Lambda',
        functionName: 'shop',
        alias: 'live',
        currentVersion: '3',
        targetVersion: '4',
        hooks: { BeforeAllowTraffic: 'CodeDeployHook_validate' },
      },
    });
    expect(result.deploymentId).toMatch(/^d-[0-9A-Z]{9}$/);
    expect(standIn.deployments.get(result.deploymentId)).toMatchObject({
      status: 'Created',
      computePlatform: 'Lambda',
      description: 'v2',
    });
    const input = standIn.services.callsOf('CreateDeployment')[0]?.input;
    const content = result.appSpec.content;
    expect(input).toEqual({
      applicationName: 'shop',
      deploymentGroupName: 'shop-bg',
      description: 'v2',
      revision: {
        revisionType: 'AppSpecContent',
        appSpecContent: { content, sha256: createHash('sha256').update(content).digest('hex') },
      },
    });
    expect(content).toContain('Name: shop');
  });

  it("turns a refusal for the caller's input into E_INPUT naming the group", async () => {
    const { standIn, codedeploy } = await startCodeDeploy();
    await expect(
      createDeployment({
        codedeploy,
        applicationName: 'shop',
        deploymentGroupName: 'nope',
        appSpec: { platform: 'ECS', taskDefinition: 'td:1', containerName: 'web', containerPort: 80 },
      }),
    ).rejects.toMatchObject({ code: 'E_INPUT', message: expect.stringContaining('shop/nope was refused') });
    expect(standIn.services.callsOf('CreateDeployment')[0]?.error).toBe(
      'DeploymentGroupDoesNotExistException',
    );
  });
});
