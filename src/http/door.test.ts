/**
 * The one request door: destinationOf decides where every request goes, and every answer the
 * router gives (webhooks, health, metrics, admin, unknown paths) comes through it with the
 * catalog's error shape. Real HTTP to a router built by the composition root, real SQLite.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { yamlText } from '../../test/support/config.ts';
import { startTestRouter, type TestRouter } from '../../test/support/in-process-router.ts';
import { StoreDiskFullError } from '../store/sqlite.ts';
import { destinationOf, webhookProvider } from './door.ts';

const STRIPE_SECRET = 'whsec_door_test_secret';
const ADMIN_TOKEN = 'door-admin-token-0123456789';

function config(server = 'bodyLimit: 4kb'): string {
  return yamlText`
    version: 1
    server: { ${server} }
    store: sqlite:./door.db
    providers:
      stripe: { verify: { type: stripe, secret: "${STRIPE_SECRET}" } }
    targets:
      sink: { url: "http://127.0.0.1:9/never-called" }
    routes:
      - { name: subs, from: stripe, events: [customer.subscription], to: sink }
  `;
}

function subscription(id: string): string {
  return JSON.stringify({ id, type: 'customer.subscription.created', data: { object: { status: 'active' } } });
}

function signed(body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_SECRET }),
  };
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

describe('destinationOf', () => {
  it.each([
    ['/webhooks/stripe', { to: 'webhook', provider: 'stripe', search: '' }],
    ['/WEBHOOKS/stripe/?x=1&x=2', { to: 'webhook', provider: 'stripe', search: 'x=1&x=2' }],
    ['/webhooks/stripe/extra', { to: 'not_found' }],
    ['/webhooks/%E0%A4%A', { to: 'not_found' }],
    ['/healthz', { to: 'healthz' }],
    ['/HEALTHZ/', { to: 'healthz' }],
    ['/readyz?verbose=1', { to: 'readyz' }],
    ['/metrics', { to: 'metrics' }],
    ['/admin', { to: 'admin' }],
    ['/admin/', { to: 'admin' }],
    ['/Admin/events?limit=1', { to: 'admin' }],
    ['/administrator', { to: 'not_found' }],
    ['/_demo/routines/trig_1/fire', { to: 'demo' }],
    ['/', { to: 'not_found' }],
    ['/healthz/deep', { to: 'not_found' }],
  ])('%s → %j', (url, expected) => {
    expect(destinationOf(url)).toEqual(expected);
  });
});

async function call(url: string, init: RequestInit = {}): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.text(), headers: res.headers };
}

/** An error answer: exactly `error` and `code` (plus named extras), with the status the catalog gives. */
function expectError(answer: { status: number; body: string }, status: number, code: string): void {
  expect(answer.status).toBe(status);
  const json = JSON.parse(answer.body) as Record<string, unknown>;
  expect(json).toMatchObject({ code, error: expect.any(String) });
  expect(Object.keys(json).slice(0, 2)).toEqual(['error', 'code']);
}

describe('the door of a router without admin token or demo mode', () => {
  let r: TestRouter;
  beforeAll(async () => {
    r = await startTestRouter(config('bodyLimit: 4kb, rateLimit: { requests: 1000, per: 1m }'));
  });
  afterAll(() => r.close());

  it('accepts a signed webhook with 202 and answers a replay as duplicate', async () => {
    const body = subscription('evt_door_1');
    const first = await call(`${r.url}/webhooks/stripe`, { method: 'POST', body, headers: signed(body) });
    expect(first.status).toBe(202);
    expect(JSON.parse(first.body)).toEqual({ status: 'accepted', id: 'evt_door_1', deliveries: 1 });
    const again = await call(`${r.url}/webhooks/stripe`, { method: 'POST', body, headers: signed(body) });
    expect(JSON.parse(again.body)).toEqual({ status: 'duplicate', id: 'evt_door_1' });
  });

  it.each<[string, string, RequestInit, number, string]>([
    [
      'a forged signature',
      '/webhooks/stripe',
      { method: 'POST', body: subscription('x'), headers: signed('other') },
      400,
      'signature_invalid',
    ],
    ['no signature', '/webhooks/stripe', { method: 'POST', body: subscription('x') }, 400, 'signature_missing'],
    ['an unknown provider', '/webhooks/nope', { method: 'POST', body: '{}' }, 404, 'unknown_provider'],
    ['GET on a webhook URL', '/webhooks/stripe', { method: 'GET' }, 405, 'method_not_allowed'],
    ['POST on /healthz', '/healthz', { method: 'POST', body: '' }, 405, 'method_not_allowed'],
    ['an unknown path', '/nowhere', {}, 404, 'not_found'],
    ['a path below a provider', '/webhooks/stripe/extra', { method: 'POST', body: '{}' }, 404, 'not_found'],
    ['the admin API while no token is set', '/admin/events', {}, 404, 'not_found'],
    ['the demo target outside demo mode', '/_demo/routines/t/fire', { method: 'POST', body: '{}' }, 404, 'not_found'],
    [
      'a body over the limit (Content-Length)',
      '/webhooks/stripe',
      { method: 'POST', body: 'x'.repeat(5_000), headers: { 'content-type': 'application/json' } },
      413,
      'body_too_large',
    ],
  ])('answers %s with the catalog shape', async (_name, path, init, status, code) => {
    expectError(await call(`${r.url}${path}`, init), status, code);
  });

  it('names the allowed methods on a 405', async () => {
    expect((await call(`${r.url}/webhooks/stripe`)).headers.get('allow')).toBe('POST');
    expect((await call(`${r.url}/readyz`, { method: 'DELETE' })).headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers health, readiness (with the config sha256) and metrics itself', async () => {
    expect(JSON.parse((await call(`${r.url}/healthz`)).body)).toEqual({ status: 'ok' });
    const ready = JSON.parse((await call(`${r.url}/readyz`)).body) as Record<string, unknown>;
    expect(ready).toMatchObject({ status: 'ready', store: 'sqlite', config_sha256: r.router.runtime.config().sha256 });
    const metrics = await call(`${r.url}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(metrics.body).toContain('hookgate_webhooks_received_total{provider="stripe",outcome="accepted"} 1');
    expect(metrics.body).toContain('hookgate_webhooks_rejected_total{provider="stripe",reason="signature_invalid"}');
  });

  it('answers 503 store_unavailable with the reason when the store cannot take writes (a full disk), and ready again once it can', async () => {
    const store = r.router.runtime.store;
    const ping = store.ping;
    store.ping = async function diskFull() {
      throw new StoreDiskFullError('/data/hookgate.db', 4096, 1024 * 1024);
    };
    try {
      const answer = await call(`${r.url}/readyz`);
      expectError(answer, 503, 'store_unavailable');
      const body = JSON.parse(answer.body) as Record<string, unknown>;
      expect(body).toMatchObject({
        status: 'unavailable',
        error: "store unavailable, retry later: the store's disk is full: 4096 bytes free, under 1048576",
      });
      // Where the file lives is for the log, not for an unauthenticated probe.
      expect(answer.body).not.toContain('/data/hookgate.db');
    } finally {
      store.ping = ping;
    }
    expect((await call(`${r.url}/readyz`)).status).toBe(200);
  });

  it('answers 503 shutting_down with Retry-After while draining', async () => {
    r.router.runtime.state.shuttingDown = true;
    try {
      const body = subscription('evt_door_late');
      const answer = await call(`${r.url}/webhooks/stripe`, { method: 'POST', body, headers: signed(body) });
      expectError(answer, 503, 'shutting_down');
      expect(answer.headers.get('retry-after')).toBe('5');
      expectError(await call(`${r.url}/readyz`), 503, 'shutting_down');
    } finally {
      r.router.runtime.state.shuttingDown = false;
    }
  });
});

describe('the door with an admin token', () => {
  let r: TestRouter;
  beforeAll(async () => {
    r = await startTestRouter(config(), { env: { HOOKGATE_ADMIN_TOKEN: ADMIN_TOKEN } });
  });
  afterAll(() => r.close());

  it('sends /admin to the admin API: 401 unauthorized without the token, 200 with it', async () => {
    const refused = await call(`${r.url}/admin/events`);
    expectError(refused, 401, 'unauthorized');
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(refused.body).not.toContain(ADMIN_TOKEN);
    const allowed = await call(`${r.url}/admin/events`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(allowed.status).toBe(200);
    expect(JSON.parse(allowed.body)).toEqual({ items: [], next_cursor: null });
  });

  it('answers admin mistakes with the catalog shape', async () => {
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    expectError(await call(`${r.url}/admin/events/evt_nope`, { headers: auth }), 404, 'not_found');
    expectError(await call(`${r.url}/admin/nothing-here`, { headers: auth }), 404, 'not_found');
    const bad = await call(`${r.url}/admin/events?limit=zero`, { headers: auth });
    expectError(bad, 400, 'invalid_parameter');
    expect(JSON.parse(bad.body)).toMatchObject({ parameter: 'limit' });
  });
});

describe('the door of a worker-only router', () => {
  it('has no webhook ingress but keeps health and metrics', async () => {
    const r = await startTestRouter(config(), { workerOnly: true });
    try {
      const body = subscription('evt_door_worker');
      expectError(await call(`${r.url}/webhooks/stripe`, { method: 'POST', body, headers: signed(body) }), 404, 'not_found');
      expect((await call(`${r.url}/healthz`)).status).toBe(200);
      expect((await call(`${r.url}/metrics`)).status).toBe(200);
    } finally {
      await r.close();
    }
  });
});

describe('the inbound rate limit at the door', () => {
  it('answers 429 rate_limited with Retry-After past the limit, whatever the provider', async () => {
    const r = await startTestRouter(config('rateLimit: { requests: 2, per: 1m }'));
    try {
      const post = () => call(`${r.url}/webhooks/nobody`, { method: 'POST', body: '{}' });
      expect((await post()).status).toBe(404);
      expect((await post()).status).toBe(404);
      const limited = await post();
      expectError(limited, 429, 'rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await r.close();
    }
  });
});

describe('extra routers at the door', () => {
  it('serve a page under /admin/ before the token check, and leave the admin API behind it', async () => {
    const r = await startTestRouter(config(), {
      env: { HOOKGATE_ADMIN_TOKEN: ADMIN_TOKEN },
      hooks: {
        mount(app) {
          app.get('/admin/', (_req, res) => {
            res.type('html').send('<title>page</title>');
          });
        },
      },
    });
    try {
      const page = await call(`${r.url}/admin/`);
      expect(page.status).toBe(200);
      expect(page.body).toContain('<title>page</title>');
      expectError(await call(`${r.url}/admin/events`), 401, 'unauthorized');
    } finally {
      await r.close();
    }
  });
});

describe('the door in demo mode', () => {
  it('serves the demo target and answers its mistakes with the catalog shape', async () => {
    const r = await startTestRouter(config(), { demo: true });
    try {
      const headers = {
        authorization: 'Bearer x',
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'b',
        'content-type': 'application/json',
      };
      const fired = await call(`${r.url}/_demo/routines/trig_1/fire`, { method: 'POST', headers, body: '{"text":"hi"}' });
      expect(fired.status).toBe(200);
      expect(JSON.parse(fired.body)).toMatchObject({ type: 'routine_fire' });
      expectError(await call(`${r.url}/_demo/routines/trig_1/fire`, { method: 'POST', headers, body: '{not json' }), 400, 'bad_request');
      expectError(await call(`${r.url}/_demo/routines/trig_1/fire`, { method: 'POST', body: '{"text":"hi"}' }), 401, 'unauthorized');
      expect(r.router.notices.join('\n')).toMatch(/demo mode/);
    } finally {
      await r.close();
    }
  });
});
