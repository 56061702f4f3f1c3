import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LambdaInvoker, validate } from '../src/index.js';

let dir: string;
let logFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bg-replay-lambda-'));
  const lines: string[] = [];
  for (let i = 1; i <= 20; i += 1)
    lines.push(
      JSON.stringify({
        httpMethod: 'GET',
        path: `/products/${i}`,
        resourcePath: '/products/{id}',
        status: '200',
      }),
    );
  logFile = join(dir, 'access.log');
  await writeFile(logFile, `${lines.join('\n')}\n`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Two published versions of one function: 8 returns prices of even products as strings. */
function versions(calls: string[]): LambdaInvoker {
  return async ({ functionName, qualifier, payload }) => {
    calls.push(`${functionName}:${qualifier}`);
    const event = JSON.parse(Buffer.from(payload).toString()) as { path: string };
    const id = Number(/\/products\/(\d+)/.exec(event.path)?.[1]);
    const price = qualifier === '8' && id % 2 === 0 ? String(id * 1.5) : id * 1.5;
    return {
      statusCode: 200,
      payload: new TextEncoder().encode(
        JSON.stringify({
          statusCode: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ id, price }),
        }),
      ),
    };
  };
}

describe('validate against lambda:// targets', () => {
  it('passes a version compared with itself and invokes it with the qualifier', async () => {
    const calls: string[] = [];
    const report = await validate({
      logs: [{ kind: 'file', path: logFile }],
      live: 'lambda://shop-api:7',
      candidate: 'lambda://shop-api:7',
      lambdaInvoker: versions(calls),
      minSamples: 5,
      threshold: 0.8,
    });
    expect(report.verdict).toBe('pass');
    expect(new Set(calls)).toEqual(new Set(['shop-api:7']));
    expect(calls).toHaveLength(40);
  });

  it('fails the version the AppSpec targets when it breaks a type, comparing the two versions directly', async () => {
    const calls: string[] = [];
    const report = await validate({
      logs: [{ kind: 'file', path: logFile }],
      live: 'lambda://shop-api:7',
      candidate: 'lambda://shop-api:8',
      lambdaInvoker: versions(calls),
      minSamples: 5,
    });
    expect(report.verdict).toBe('fail');
    expect(calls.filter((c) => c === 'shop-api:8')).toHaveLength(20);
  });

  it('refuses a lambda:// target without an invoker, naming the flag', async () => {
    await expect(
      validate({
        logs: [{ kind: 'file', path: logFile }],
        live: 'lambda://shop-api:7',
        candidate: 'lambda://shop-api:8',
      }),
    ).rejects.toMatchObject({
      code: 'E_USAGE',
      message: '--live lambda://shop-api:7: a lambda:// target needs a Lambda invoker (lambdaInvoker)',
    });
  });
});
