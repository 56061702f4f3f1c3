import { fileURLToPath } from 'node:url';
import { sendJson, startServer, type TestServer } from '@bg-replay/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSample } from '../../src/sources/collectSample.js';
import { validate } from '../../src/validate.js';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../../../fixtures/logs/${name}`, import.meta.url));

// Every fixture plants values starting with SECRET- in headers (Authorization, Cookie, X-Api-Key) and query
// parameters (token, access_token, api_key, sig).
const FORMATS = [
  'alb-access.log',
  'nginx-combined.log',
  'apache-common.log',
  'browser.har',
  'capture.gor',
  'app-pino.log',
  'apigw-http.log',
];
const INJECTED = 'Bearer INJECTED-CREDENTIAL-for-replay';

let live: TestServer;
let candidate: TestServer;

beforeAll(async () => {
  // Both sides echo what they received, so a leaked secret would surface in the diff samples of the report.
  const echo =
    (side: string) =>
    (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, body: string) =>
      sendJson(
        res,
        200,
        { side, url: req.url, headers: req.headers, body },
        { 'x-request-url': req.url ?? '' },
      );
  live = await startServer(echo('live'));
  candidate = await startServer(echo('candidate'));
});
afterAll(async () => {
  await live.close();
  await candidate.close();
});

describe('secrets planted in every format', () => {
  it.each(FORMATS)('never reach a replayed request nor the report (%s)', async (name) => {
    const before = { live: live.requests.length, candidate: candidate.requests.length };
    const report = await validate({
      logs: [{ kind: 'file', path: fixture(name) }],
      live: live.url,
      candidate: candidate.url,
      allowMethods: ['GET', 'HEAD', 'OPTIONS', 'POST'],
      headers: { authorization: INJECTED },
      rps: 0,
      minSamples: 1,
    });
    const sent = [...live.requests.slice(before.live), ...candidate.requests.slice(before.candidate)];
    expect(sent.length).toBeGreaterThan(0);
    for (const request of sent) {
      const wire = JSON.stringify(request);
      expect(wire).not.toContain('SECRET-');
      // The injected credential does reach the service…
      expect(request.headers.authorization).toBe(INJECTED);
    }
    const text = JSON.stringify(report);
    expect(report.counts.read).toBeGreaterThan(0);
    expect(text).not.toContain('SECRET-');
    // …but never the report, although both sides echoed it back in their bodies.
    expect(text).not.toContain('INJECTED-CREDENTIAL');
  });

  it('writes no secret into the redacted records of a sample, even ones the user let through', async () => {
    const collected = await collectSample({
      logs: FORMATS.map((name) => ({ kind: 'file' as const, path: fixture(name) })).slice(0, 4),
      allowSecrets: ['authorization', 'token'],
      allowMethods: ['GET', 'POST'],
      minPerRoute: 1,
      format: 'auto',
    });
    const passed = collected.records.filter((r) => JSON.stringify(r.record).includes('SECRET-'));
    expect(passed.length).toBeGreaterThan(0);
    for (const { record } of collected.records)
      expect(JSON.stringify(collected.privacy.redactRecord(record))).not.toContain('SECRET-');
  });
});
