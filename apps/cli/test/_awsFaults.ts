/**
 * Set-up shared by the CLI's AWS fault tests (awsFaults, deploy, lambdaTargets, simulate): a loopback AWS that
 * answers each operation with a scripted fault or body, the faults AWS really sends, the one-line error check, and `simulate` with its in-memory account kept.
 */

import {
  type AwsStandInServices,
  createAwsStandInServices,
  type LifecycleResult,
} from '@bg-replay/simulator';
import { sendJson, startServer, type TestServer } from '@bg-replay/test-utils';
import { expect } from 'vitest';
import type { SimulateDeps } from '../src/commands/simulate.js';
import { createSimulateCommand } from '../src/commands/simulate.js';
import { type CommandResult, runCommand } from './_runCommand.js';

/** An AWS error as the JSON protocols send it: `__type` and `message`, HTTP 400 unless `status` says otherwise. */
export interface AwsFault {
  type: string;
  message: string;
  status?: number;
}

/** Faults with the codes and messages AWS sends. */
export const AWS_FAULTS = {
  throttled: { type: 'ThrottlingException', message: 'Rate exceeded' },
  expired: {
    type: 'ExpiredTokenException',
    message: 'The security token included in the request is expired',
  },
  denied: {
    type: 'AccessDeniedException',
    message:
      'User: arn:aws:sts::123456789012:assumed-role/ci/build is not authorized to perform this operation',
  },
  deleted: { type: 'DeploymentDoesNotExistException', message: 'The deployment could not be found' },
  invalidId: { type: 'InvalidDeploymentIdException', message: 'The deployment ID is not valid' },
  missingId: { type: 'DeploymentIdRequiredException', message: 'A deployment ID must be specified' },
  missingGroup: { type: 'ResourceNotFoundException', message: 'The specified log group does not exist.' },
  noGroup: { type: 'DeploymentGroupDoesNotExistException', message: 'No deployment group found' },
} satisfies Record<string, AwsFault>;

const isFault = (reply: AwsFault | Record<string, unknown>): reply is AwsFault =>
  typeof reply.type === 'string' && typeof reply.message === 'string';

/**
 * A loopback AWS for the JSON protocols: `answer(operation, input)` (the operation from `x-amz-target`, the
 * request's JSON body) returns a fault or the body of a success. Requests are recorded in `requests`.
 */
export function startAwsStandIn(
  answer: (operation: string, input: Record<string, unknown>) => AwsFault | Record<string, unknown>,
): Promise<TestServer> {
  return startServer((req, res, body) => {
    const operation = String(req.headers['x-amz-target'] ?? '').replace(/^.*\./, '');
    const reply = answer(operation, body ? (JSON.parse(body) as Record<string, unknown>) : {});
    if (isFault(reply))
      return sendJson(
        res,
        reply.status ?? 400,
        { __type: reply.type, message: reply.message },
        { 'x-amzn-errortype': reply.type },
      );
    sendJson(res, 200, reply);
  });
}

/** Exit 2 with exactly one `bg-replay: ` line, the last of stderr, matching `pattern`; no stack trace. */
export function expectOneLineError(r: { code: number; stderr: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toContain('internal error');
  const errors = r.stderr.split('\n').filter((line) => line.startsWith('bg-replay: '));
  expect(errors).toHaveLength(1);
  expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(pattern);
}

/** Runs `bg-replay simulate <argv>` with `deps` and keeps the simulated deployment and its in-memory account. */
export async function simulateKeeping(
  deps: Omit<SimulateDeps, 'onResult'>,
  argv: string[] = [],
): Promise<CommandResult & { result: LifecycleResult; services: AwsStandInServices }> {
  let services: AwsStandInServices | undefined;
  let result: LifecycleResult | undefined;
  const r = await runCommand(
    createSimulateCommand({
      ...deps,
      services: () => {
        services = deps.services?.() ?? createAwsStandInServices();
        return services;
      },
      onResult: (res) => {
        result = res;
      },
    }),
    ['simulate', ...argv],
  );
  if (!services || !result) throw new Error('the simulation did not run');
  return { ...r, services, result };
}
