import { createHash } from 'node:crypto';
import {
  CodeDeployClient,
  CreateDeploymentCommand,
  DeploymentGroupDoesNotExistException,
} from '@aws-sdk/client-codedeploy';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createDeployment } from './createDeployment.js';

describe('createDeployment', () => {
  it('calls CreateDeployment with the AppSpec content and its sha256', async () => {
    const codedeploy = new CodeDeployClient({ region: 'us-east-1' });
    const mock = mockClient(codedeploy);
    mock.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-NEW' });
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
    expect(result.deploymentId).toBe('d-NEW');
    const input = mock.commandCalls(CreateDeploymentCommand)[0]?.args[0].input;
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
    const codedeploy = new CodeDeployClient({ region: 'us-east-1' });
    mockClient(codedeploy)
      .on(CreateDeploymentCommand)
      .rejects(
        new DeploymentGroupDoesNotExistException({ message: 'No group', $metadata: { httpStatusCode: 400 } }),
      );
    await expect(
      createDeployment({
        codedeploy,
        applicationName: 'shop',
        deploymentGroupName: 'nope',
        appSpec: { platform: 'ECS', taskDefinition: 'td:1', containerName: 'web', containerPort: 80 },
      }),
    ).rejects.toMatchObject({ code: 'E_INPUT', message: expect.stringContaining('shop/nope was refused') });
  });
});
