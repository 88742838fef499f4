/**
 * The lean listener must answer every webhook request exactly as the express route does: the same
 * requests go to a server running the plain app and to one running createRequestListener, each
 * with its own (identical) config and store, and the answers are compared field by field.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoutesFile } from '../config/types.ts';
import { silentLogger } from '../observability/logger.ts';
import { compileConfig } from '../pipeline/compile.ts';
import type { Runtime } from '../runtime.ts';
import { openStore } from '../store/open.ts';
import { createApp } from './app.ts';
import { createWebhookHandler } from './ingress.ts';
import { createRequestListener, webhookProvider } from './lean-server.ts';

const STRIPE_SECRET = 'whsec_lean_test_secret';
const HMAC_SECRET = 'lean-hmac-secret';

function routesFile(server: RoutesFile['server'] = { bodyLimit: '4kb' }): RoutesFile {
  return {
    version: 1,
    server,
    providers: {
      stripe: { verify: { type: 'stripe', secret: STRIPE_SECRET } },
      backend: {
        verify: { type: 'hmac', header: 'x-signature', algorithm: 'sha256', encoding: 'hex', secret: HMAC_SECRET },
        id: '$query.ref',
      },
    },
    targets: { sink: { url: 'http://127.0.0.1:9/never-called' } },
    routes: [
      {
        name: 'subs',
        from: 'stripe',
        events: ['customer.subscription'],
        filter: 'data.object.status = "active"',
        map: '{"c": data.object.customer, "q": $query}',
        to: 'sink',
      },
      { name: 'backend-all', from: 'backend', map: '{"q": $query}', to: 'sink' },
    ],
  };
}

interface Door {
  readonly url: string;
  readonly runtime: Runtime;
  /** Paths of the requests that reached the express app. */
  readonly expressHits: string[];
  close(): Promise<void>;
}

type Handle = (req: IncomingMessage, res: ServerResponse, next?: unknown) => void;

async function door(lean: boolean, server?: RoutesFile['server']): Promise<Door> {
  const store = await openStore('sqlite::memory:');
  const config = compileConfig(routesFile(server), { path: '/tmp/routes.yaml', dir: '/tmp', sha256: 'f'.repeat(64) });
  const runtime: Runtime = {
    config: () => config,
    store,
    logger: silentLogger(),
    notifyWorker: () => {},
    state: { ready: true, shuttingDown: false },
  };
  const app = createApp(runtime);
  // Every request express handles goes through app.handle: count them.
  const expressHits: string[] = [];
  const target = app as unknown as { handle: Handle };
  const handle = target.handle.bind(app);
  target.handle = function countedHandle(req, res, next) {
    expressHits.push(req.url ?? '');
    handle(req, res, next);
  };
  const http: Server = createServer(lean ? createRequestListener(app, runtime) : app);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    runtime,
    expressHits,
    async close() {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
      await store.close();
    },
  };
}

interface Sent {
  readonly method?: string;
  readonly path: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, string | null>;
}

const COMPARED_HEADERS = ['content-type', 'content-length', 'allow', 'retry-after'];

async function send(d: Door, req: Sent): Promise<Answer> {
  const res = await fetch(`${d.url}${req.path}`, {
    method: req.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...req.headers },
    ...(req.body === undefined ? {} : { body: req.body }),
  });
  const headers: Record<string, string | null> = {};
  for (const name of COMPARED_HEADERS) headers[name] = res.headers.get(name);
  return { status: res.status, body: await res.text(), headers };
}

function subscription(id: string, status = 'active'): string {
  return JSON.stringify({ id, type: 'customer.subscription.created', data: { object: { status, customer: 'cus_1' } } });
}

function stripeSigned(body: string, path = '/webhooks/stripe'): Sent {
  return {
    path,
    body,
    headers: { 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_SECRET }) },
  };
}

function hmacSigned(body: string, path: string): Sent {
  return { path, body, headers: { 'x-signature': createHmac('sha256', HMAC_SECRET).update(body).digest('hex') } };
}

describe('webhookProvider', () => {
  it.each([
    ['/webhooks/stripe', 'stripe'],
    ['/webhooks/stripe/', 'stripe'],
    ['/WEBHOOKS/Stripe', 'Stripe'],
    ['/webhooks/my%20hooks', 'my hooks'],
    ['/webhooks/', null],
    ['/webhooks', null],
    ['/webhooks/a/b', null],
    ['/webhooks//', null],
    ['/webhooks/%E0%A4%A', null],
    ['/webhooksx/stripe', null],
    ['/healthz', null],
  ])('%s → %s', (path, expected) => {
    expect(webhookProvider(path)).toBe(expected);
  });
});

describe('lean listener and express route answer alike', () => {
  let plain: Door;
  let lean: Door;

  beforeAll(async () => {
    [plain, lean] = await Promise.all([door(false), door(true)]);
  });
  afterAll(async () => {
    await Promise.all([plain.close(), lean.close()]);
  });

  // [name, request, status, whether the lean listener handles it itself (else express does)]
  const cases: Array<[string, () => Sent, number, boolean]> = [
    ['accepted', () => stripeSigned(subscription('evt_lean_1')), 202, true],
    ['duplicate', () => stripeSigned(subscription('evt_lean_1')), 200, true],
    ['ignored (filter false)', () => stripeSigned(subscription('evt_lean_2', 'paused')), 200, true],
    ['trailing slash, upper-case prefix, query string', () => stripeSigned(subscription('evt_lean_3'), '/WEBHOOKS/stripe/?x=1'), 202, true],
    ['forged signature', () => ({ ...stripeSigned(subscription('evt_lean_4')), body: subscription('evt_lean_5') }), 400, true],
    ['missing signature', () => ({ path: '/webhooks/stripe', body: subscription('evt_lean_6') }), 400, true],
    ['signed but not JSON', () => stripeSigned('{not json'), 400, true],
    ['unknown provider', () => stripeSigned(subscription('evt_lean_7'), '/webhooks/nope'), 404, true],
    ['GET', () => ({ method: 'GET', path: '/webhooks/stripe' }), 405, true],
    ['PUT', () => ({ ...stripeSigned(subscription('evt_lean_8')), method: 'PUT' }), 405, true],
    ['body over the limit', () => stripeSigned(JSON.stringify({ id: 'evt_big', type: 'x', pad: 'x'.repeat(5_000) })), 413, true],
    ['a path below a provider', () => stripeSigned(subscription('evt_lean_9'), '/webhooks/stripe/extra'), 404, false],
    ['a segment that does not decode', () => stripeSigned(subscription('evt_lean_10'), '/webhooks/%E0%A4%A'), 500, false],
    ['health', () => ({ method: 'GET', path: '/healthz' }), 200, false],
    [
      'repeated query parameters reach $query flattened',
      () => hmacSigned('{"type":"ping"}', '/webhooks/backend?ref=r-1&tag=a&tag=b'),
      202,
      true,
    ],
    ['query-based dedup key, again', () => hmacSigned('{"type":"ping"}', '/webhooks/backend?ref=r-1'), 200, true],
  ];

  it.each(cases)('%s', async (_name, build, status, handledLean) => {
    const request = build();
    const [a, b] = [await send(plain, request), await send(lean, request)];
    expect(a.status).toBe(status);
    expect(b).toEqual(a);
    expect(plain.expressHits.pop()).toBe(request.path);
    expect(lean.expressHits.pop()).toBe(handledLean ? undefined : request.path);
  });

  it('stored the same mapped bodies through both doors', async () => {
    for (const key of ['evt_lean_1', 'r-1']) {
      const provider = key.startsWith('evt') ? 'stripe' : 'backend';
      const [a, b] = await Promise.all(
        [plain, lean].map(async (d) => {
          const page = await d.runtime.store.listDeliveries({});
          const event = (await d.runtime.store.listEvents({ provider })).items.find((e) => e.dedupKey === key);
          return page.items.filter((x) => x.eventId === event?.id).map((x) => x.body?.toString());
        }),
      );
      expect(a).toHaveLength(1);
      expect(b).toEqual(a);
    }
    const [stored] = (await lean.runtime.store.listDeliveries({ route: 'backend-all' })).items;
    expect(JSON.parse(stored?.body?.toString() ?? 'null')).toEqual({ q: { ref: 'r-1', tag: 'a,b' } });
  });

  it('answers 503 with Retry-After while shutting down, like the route', async () => {
    plain.runtime.state.shuttingDown = true;
    lean.runtime.state.shuttingDown = true;
    const request = stripeSigned(subscription('evt_lean_late'));
    const [a, b] = [await send(plain, request), await send(lean, request)];
    plain.runtime.state.shuttingDown = false;
    lean.runtime.state.shuttingDown = false;
    expect(a.status).toBe(503);
    expect(a.headers['retry-after']).toBe('5');
    expect(b).toEqual(a);
  });
});

describe('lean listener: inbound rate limit', () => {
  it('answers 429 with Retry-After on the same request as the route', async () => {
    const [plain, lean] = await Promise.all([
      door(false, { rateLimit: { requests: 2, per: '1m' } }),
      door(true, { rateLimit: { requests: 2, per: '1m' } }),
    ]);
    try {
      const statuses: Array<[number, number]> = [];
      for (let i = 0; i < 3; i++) {
        const request = stripeSigned(subscription(`evt_rate_${i}`));
        const [a, b] = [await send(plain, request), await send(lean, request)];
        expect(b).toEqual(a);
        statuses.push([a.status, b.status]);
      }
      expect(statuses).toEqual([
        [202, 202],
        [202, 202],
        [429, 429],
      ]);
    } finally {
      await Promise.all([plain.close(), lean.close()]);
    }
  });
});

describe('lean listener: worker-only', () => {
  it('hands /webhooks to express, which has no such route then', async () => {
    const store = await openStore('sqlite::memory:');
    const config = compileConfig(routesFile(), { path: '/tmp/routes.yaml', dir: '/tmp', sha256: 'f'.repeat(64) });
    const runtime: Runtime = {
      config: () => config,
      store,
      logger: silentLogger(),
      notifyWorker: () => {},
      state: { ready: true, shuttingDown: false },
    };
    const app = createApp(runtime, { ingress: false });
    expect(createRequestListener(app, runtime, { ingress: false })).toBe(app);
    await store.close();
  });
});

describe('one webhook handler behind both doors', () => {
  it('counts requests through the lean listener and the express route against one inbound limit', async () => {
    const store = await openStore('sqlite::memory:');
    const config = compileConfig(routesFile({ rateLimit: { requests: 2, per: '1m' } }), {
      path: '/tmp/routes.yaml',
      dir: '/tmp',
      sha256: 'f'.repeat(64),
    });
    const runtime: Runtime = {
      config: () => config,
      store,
      logger: silentLogger(),
      notifyWorker: () => {},
      state: { ready: true, shuttingDown: false },
    };
    const webhooks = createWebhookHandler(runtime);
    const app = createApp(runtime, { webhooks });
    const servers = [createServer(app), createServer(createRequestListener(app, runtime, { webhooks }))];
    try {
      const urls = await Promise.all(
        servers.map(async (s) => {
          await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
          return `http://127.0.0.1:${(s.address() as AddressInfo).port}/webhooks/nobody`;
        }),
      );
      const post = (url: string) => fetch(url, { method: 'POST', body: '{}' }).then((r) => r.status);
      // Unknown provider (404) until the shared limit of 2 is spent, whichever door was used.
      expect(await post(urls[0]!)).toBe(404);
      expect(await post(urls[1]!)).toBe(404);
      expect(await post(urls[0]!)).toBe(429);
      expect(await post(urls[1]!)).toBe(429);
    } finally {
      for (const s of servers) {
        s.closeAllConnections();
        await new Promise((resolve) => s.close(resolve));
      }
      await store.close();
    }
  });
});
