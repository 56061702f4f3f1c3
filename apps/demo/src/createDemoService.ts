import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Order, orders, type Product, products, stores } from './catalog.js';

/** blue is live (1.4.2); green is the candidate (1.5.0): one intended additive change and one bug. */
export type Variant = 'blue' | 'green';

export const VERSIONS: Record<Variant, string> = { blue: '1.4.2', green: '1.5.0' };

function send(res: ServerResponse, status: number, body: unknown, variant: Variant): void {
  const requestId = randomUUID();
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': status === 200 ? 'max-age=30' : 'no-store',
    'x-service-version': VERSIONS[variant],
    'x-request-id': requestId,
  });
  res.end(JSON.stringify(body === null ? null : { ...(body as object), requestId }));
}

function productView(product: Product, variant: Variant): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: product.id,
    name: product.name,
    price: product.price,
    currency: product.currency,
    tags: product.tags,
  };
  // Intended change of 1.5.0: a new, backwards-compatible field.
  if (variant === 'green') view.rating = product.rating;
  return view;
}

function orderView(order: Order, variant: Variant): Record<string, unknown> {
  const total = Math.round(order.lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0) * 100) / 100;
  return {
    id: order.id,
    status: order.status,
    lines: order.lines,
    // The bug of 1.5.0: a refactoring formats the total as a string for multi-line orders.
    total: variant === 'green' && order.lines.length > 2 ? total.toFixed(2) : total,
    createdAt: order.createdAt,
  };
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

interface Answer {
  status: number;
  body: unknown;
}

const notFound = (what: string): Answer => ({ status: 404, body: { error: `no such ${what}` } });

/** What the service answers to one request: a pure function of method, URL and version. */
function answer(method: string | undefined, rawUrl: string, variant: Variant): Answer {
  const url = new URL(rawUrl, 'http://demo');
  const parts = url.pathname.split('/').filter(Boolean);
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, body: { error: 'method not allowed' } };
  if (url.pathname === '/health') {
    return {
      status: 200,
      body: { status: 'ok', version: VERSIONS[variant], checkedAt: new Date().toISOString() },
    };
  }
  if (parts[0] === 'products' && parts.length === 1) {
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const items = products.slice((page - 1) * 10, page * 10).map((p) => productView(p, variant));
    return { status: 200, body: { page, items, generatedAt: new Date().toISOString() } };
  }
  if (parts[0] === 'products' && parts.length === 2) {
    const product = products.find((p) => String(p.id) === parts[1]);
    return product ? { status: 200, body: productView(product, variant) } : notFound('product');
  }
  if (parts[0] === 'orders' && parts.length === 2) {
    const order = orders.find((o) => String(o.id) === parts[1]);
    return order ? { status: 200, body: orderView(order, variant) } : notFound('order');
  }
  if (parts[0] === 'stores' && parts.length === 2) {
    const store = stores.find((s) => s.id === parts[1]);
    return store ? { status: 200, body: store } : notFound('store');
  }
  if (url.pathname === '/search') {
    const q = (url.searchParams.get('q') ?? '').toLowerCase();
    // The search index answers in no particular order, in both versions: noise that an arrayKey rule absorbs.
    const hits = shuffle(products.filter((p) => p.name.includes(q)).map((p) => productView(p, variant)));
    return { status: 200, body: { q, count: hits.length, items: hits } };
  }
  return { status: 404, body: { error: 'not found' } };
}

/**
 * Creates one demo service (not yet listening).
 *
 * @example
 * const server = createDemoService('green'); server.listen(0, '127.0.0.1');
 */
export function createDemoService(variant: Variant): Server {
  return createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const { status, body } = answer(req.method, req.url ?? '/', variant);
      send(res, status, body, variant);
    });
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The repository's `fixtures/` folder, seen from this module (src/ or dist/). */
const REPO_FIXTURES_DIR = fileURLToPath(new URL('../../../fixtures/', import.meta.url));

/**
 * The demo's files inside a fixtures folder (`<dir>/demo/`). A bundle that inlines this package (the
 * published CLI) passes the folder it ships; the default is the repository's `fixtures/`.
 *
 * @example
 * const { logFile, rulesFile } = locateDemoFixtures('/opt/bg-replay/dist/fixtures');
 */
export function locateDemoFixtures(fixturesDir: string = REPO_FIXTURES_DIR): {
  logFile: string;
  rulesFile: string;
} {
  return {
    logFile: join(fixturesDir, 'demo', 'apigw-access.log'),
    rulesFile: join(fixturesDir, 'demo', 'rules.yaml'),
  };
}

/** The demo's files in the repository's `fixtures/demo/`. */
export const demoFixtures = locateDemoFixtures();

export interface DemoServices {
  /** Response header carrying each service's version, for the semver policy. */
  versionHeader: string;
  live: string;
  candidate: string;
  logFile: string;
  rulesFile: string;
  close(): Promise<void>;
}

/**
 * Starts blue (live) and green (candidate) on free loopback ports; `fixturesDir` is where the demo's log
 * and rules are (see {@link locateDemoFixtures}).
 *
 * @example
 * const demo = await startDemoServices(); console.log(demo.live, demo.candidate); await demo.close();
 */
export async function startDemoServices(options: { fixturesDir?: string } = {}): Promise<DemoServices> {
  const blue = createDemoService('blue');
  const green = createDemoService('green');
  const [live, candidate] = await Promise.all([listen(blue), listen(green)]);
  const close = (server: Server) =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    versionHeader: 'x-service-version',
    live,
    candidate,
    ...locateDemoFixtures(options.fixturesDir),
    close: async () => void (await Promise.all([close(blue), close(green)])),
  };
}
