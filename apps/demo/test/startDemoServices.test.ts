import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoServices, locateDemoFixtures, startDemoServices } from '../src/index.js';

let demo: DemoServices;
beforeAll(async () => {
  demo = await startDemoServices();
});
afterAll(() => demo.close());

async function get(base: string, path: string) {
  const response = await request(`${base}${path}`);
  return {
    status: response.statusCode,
    headers: response.headers,
    body: (await response.body.json()) as Record<string, unknown>,
  };
}

describe('the demo services', () => {
  it('name their versions in a header: blue 1.4.2 is live, green 1.5.0 the candidate', async () => {
    expect((await get(demo.live, '/health')).headers['x-service-version']).toBe('1.4.2');
    expect((await get(demo.candidate, '/health')).headers['x-service-version']).toBe('1.5.0');
  });

  it('differ by an intended new field, a rating on products', async () => {
    const blue = await get(demo.live, '/products/3');
    const green = await get(demo.candidate, '/products/3');
    expect(blue.body.rating).toBeUndefined();
    expect(typeof green.body.rating).toBe('number');
    expect(green.body.price).toBe(blue.body.price);
  });

  it("carry green's bug: a multi-line order's total became a string", async () => {
    const blue = await get(demo.live, '/orders/1003'); // 4 lines
    const green = await get(demo.candidate, '/orders/1003');
    expect(typeof blue.body.total).toBe('number');
    expect(green.body.total).toBe((blue.body.total as number).toFixed(2));
    expect((await get(demo.candidate, '/orders/1000')).body.total).toBe(
      (await get(demo.live, '/orders/1000')).body.total,
    );
  });

  it('answer with volatile request ids, as real services do', async () => {
    const [a, b] = await Promise.all([get(demo.live, '/products/1'), get(demo.live, '/products/1')]);
    expect(a.body.requestId).not.toBe(b.body.requestId);
  });
});

describe('the demo files', () => {
  it("are the repository's fixtures/demo by default, and both exist", () => {
    expect(demo.logFile.endsWith(join('fixtures', 'demo', 'apigw-access.log'))).toBe(true);
    expect(demo.rulesFile.endsWith(join('fixtures', 'demo', 'rules.yaml'))).toBe(true);
    expect(existsSync(demo.logFile) && existsSync(demo.rulesFile)).toBe(true);
  });

  it('are found under the fixtures folder a bundle names', async () => {
    expect(locateDemoFixtures('/opt/cli/dist/fixtures')).toEqual({
      logFile: join('/opt/cli/dist/fixtures', 'demo', 'apigw-access.log'),
      rulesFile: join('/opt/cli/dist/fixtures', 'demo', 'rules.yaml'),
    });
    const shipped = await startDemoServices({ fixturesDir: '/opt/cli/dist/fixtures' });
    await shipped.close();
    expect(shipped.logFile).toBe(join('/opt/cli/dist/fixtures', 'demo', 'apigw-access.log'));
  });
});
