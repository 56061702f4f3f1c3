import { startServer, type TestServer } from '@bg-replay/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchVersion } from '../../src/diff/discoverVersions.js';

let server: TestServer;
let sentBytes = 0;

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url?.startsWith('/prod/huge')) {
      // 64 MiB of JSON, streamed: the reader must stop at its cap instead of holding it all.
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let left = 64;
      const pump = () => {
        while (left > 0) {
          left -= 1;
          sentBytes += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => {
        left = 0;
      });
      pump();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ version: '1.2.3', url: req.url }));
  });
});
afterAll(() => server.close());

describe('version endpoint', () => {
  it('reads at most --max-body bytes of the answer and says so', async () => {
    const found = await fetchVersion(`${server.url}/prod`, '/huge', { maxBodyBytes: 1024 * 1024 });
    expect(found).toEqual({
      error: `${server.url}/prod/huge answered more than 1048576 bytes (--max-body); not a version endpoint?`,
    });
    expect(sentBytes).toBeLessThan(64 * 1024 * 1024);
  });

  it('keeps the base path and query, and never prints user:password or a secret query value', async () => {
    const base = server.url.replace('http://', 'http://ann:hunter2@');
    const found = await fetchVersion(`${base}/prod?api_key=K3Y-VALUE`, '/version', {});
    expect(found).toEqual({ version: '1.2.3' });
    expect(server.requests.at(-1)?.url).toBe('/prod/version?api_key=K3Y-VALUE');
    const failed = await fetchVersion(`${base}/prod?api_key=K3Y-VALUE`, '/huge', { maxBodyBytes: 10 });
    expect(failed.error).toBe(
      `${server.url}/prod/huge?api_key=[redacted] answered more than 10 bytes (--max-body); not a version endpoint?`,
    );
    expect(failed.error).not.toMatch(/hunter2|K3Y-VALUE/);
  });

  it('waits for a grant of the live rate limiter before asking', async () => {
    let takes = 0;
    const limiter = {
      unlimited: false,
      take: async () => {
        takes += 1;
      },
    };
    expect(await fetchVersion(server.url, '/version', { limiter })).toEqual({ version: '1.2.3' });
    expect(takes).toBe(1);
  });
});
