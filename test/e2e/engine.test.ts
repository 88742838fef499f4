/**
 * The engine end to end, against a real `hookgate serve` child process, a temp config and SQLite
 * file, and a loopback sink: routing, mapping, auth, dedup, forgery, retries, dead letters and
 * the routine target's rules.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sign as octokitSign } from '@octokit/webhooks-methods';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/types.ts';
import { REPO_ROOT, type RouterProcess, startRouter, type TempDir, tempDir, waitUntil } from '../support/router-process.ts';
import { type Sink, startSink } from '../support/sink.ts';

const STRIPE_SECRET = 'whsec_e2e_test_secret';
const GITHUB_SECRET = 'e2e-github-secret';
const SENTRY_SECRET = 'e2e-sentry-secret';
const BACKEND_SECRET = 'e2e-backend-secret';
const ROUTINE_TOKEN = 'sk-ant-oat01-e2e-token';
const BILLING_TOKEN = 'billing-e2e-token';

function config(sinkUrl: string): string {
  return `
version: 1
server: { bodyLimit: 64kb }
store: sqlite:./data/e2e.db
providers:
  stripe:
    verify: { type: stripe, secret: "\${STRIPE_WEBHOOK_SECRET}", tolerance: 5m }
  github:
    verify: { type: github, secret: "\${GITHUB_WEBHOOK_SECRET}" }
  sentry:
    verify: { type: sentry, secret: "\${SENTRY_CLIENT_SECRET}" }
  backend:
    verify: { type: hmac, header: x-signature, algorithm: sha256, encoding: hex, prefix: "sha256=", secrets: ["\${BACKEND_SECRET}"] }
    event: kind
    id: ref
targets:
  onboarding-routine:
    routine: { url: "${sinkUrl}/routines/onboarding/fire", token: "\${ROUTINE_TOKEN}" }
    timeout: 5s
  billing-api:
    url: "${sinkUrl}/billing"
    auth: { bearer: "\${BILLING_TOKEN}" }
    headers: { x-team: growth }
  github-sink: { url: "${sinkUrl}/github" }
  sentry-sink: { url: "${sinkUrl}/sentry" }
  flaky:
    url: "${sinkUrl}/flaky"
    retry: { maxAttempts: 5, initialDelay: 100ms, maxDelay: 500ms }
  rejecting:
    url: "${sinkUrl}/rejecting"
    retry: { maxAttempts: 5, initialDelay: 100ms, maxDelay: 500ms }
  routine-500:
    routine: { url: "${sinkUrl}/routines/r500/fire", token: "\${ROUTINE_TOKEN}" }
    retry: { maxAttempts: 5, initialDelay: 100ms, maxDelay: 500ms }
  routine-429:
    routine: { url: "${sinkUrl}/routines/r429/fire", token: "\${ROUTINE_TOKEN}" }
    retry: { maxAttempts: 5, initialDelay: 100ms, maxDelay: 5s }
routes:
  - name: stripe-onboarding-draft
    from: stripe
    events: [customer.subscription.created]
    filter: data.object.status in ["active", "trialing"]
    map: |
      {
        "event": $event,
        "customer_id": data.object.customer,
        "customer_email": data.object.customer_email,
        "customer_name": data.object.customer_name,
        "plan": data.object.items.data[0].price.nickname
      }
    to: [onboarding-routine, billing-api]
  - name: github-pr
    from: github
    events: [pull_request.opened]
    map: '{"repo": repository.full_name, "number": number}'
    to: github-sink
  - name: sentry-issue
    from: sentry
    events: [issue.created]
    map: '{"issue": data.issue.id, "title": data.issue.title}'
    to: sentry-sink
  - { name: flaky-route, from: backend, events: [flaky], to: flaky }
  - { name: rejecting-route, from: backend, events: [rejecting], to: rejecting }
  - { name: r500-route, from: backend, events: [r500], map: '{"n": n}', to: routine-500 }
  - { name: r429-route, from: backend, events: [r429], map: '"fire " & $string(n)', to: routine-429 }
`;
}

function subscriptionEvent(id: string, status = 'active'): string {
  return JSON.stringify({
    id,
    object: 'event',
    type: 'customer.subscription.created',
    data: {
      object: {
        id: 'sub_1',
        object: 'subscription',
        status,
        customer: 'cus_123',
        customer_email: 'ada@example.com',
        customer_name: 'Ada Lovelace',
        items: { data: [{ price: { nickname: 'Pro Monthly' } }] },
      },
    },
  });
}

function stripeHeaders(payload: string, secret = STRIPE_SECRET, timestamp?: number): Record<string, string> {
  return {
    'stripe-signature': Stripe.webhooks.generateTestHeaderString({
      payload,
      secret,
      ...(timestamp === undefined ? {} : { timestamp }),
    }),
  };
}

function backendHeaders(payload: string): Record<string, string> {
  return { 'x-signature': `sha256=${createHmac('sha256', BACKEND_SECRET).update(payload).digest('hex')}` };
}

describe('hookgate serve, end to end', () => {
  let sink: Sink;
  let dir: TempDir;
  let router: RouterProcess;
  let store: Store;

  beforeAll(async () => {
    sink = await startSink();
    dir = tempDir();
    const file = dir.write('routes.yaml', config(sink.url));
    router = await startRouter(['-c', file], {
      STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
      GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
      SENTRY_CLIENT_SECRET: SENTRY_SECRET,
      BACKEND_SECRET,
      ROUTINE_TOKEN,
      BILLING_TOKEN,
    });
    store = await openStore(`sqlite:${path.join(dir.dir, 'data/e2e.db')}`);
  });

  afterAll(async () => {
    await store?.close();
    await router?.stop();
    await sink?.close();
    dir?.remove();
  });

  async function deliveryOf(route: string, target?: string) {
    const page = await store.listDeliveries({ route, ...(target ? { target } : {}), limit: 10 });
    expect(page.items).toHaveLength(1);
    return (await store.getDelivery(page.items[0]!.id))!;
  }

  it('routes a signed Stripe event to the routine as {"text"} and to the HTTP target, mapped, with auth and Idempotency-Key', async () => {
    const payload = subscriptionEvent('evt_e2e_1');
    const res = await router.post('stripe', payload, stripeHeaders(payload));
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ status: 'accepted', id: 'evt_e2e_1', deliveries: 2 });

    await sink.waitFor(() => sink.received('/routines/onboarding/fire').length === 1 && sink.received('/billing').length === 1);
    const mapped = {
      event: 'customer.subscription.created',
      customer_id: 'cus_123',
      customer_email: 'ada@example.com',
      customer_name: 'Ada Lovelace',
      plan: 'Pro Monthly',
    };
    const fire = sink.received('/routines/onboarding/fire')[0]!;
    expect(JSON.parse(fire.body)).toEqual({ text: JSON.stringify(mapped) });
    expect(fire.headers.authorization).toBe(`Bearer ${ROUTINE_TOKEN}`);
    expect(fire.headers['anthropic-version']).toBe('2023-06-01');
    expect(fire.headers['anthropic-beta']).toBe('experimental-cc-routine-2026-04-01');
    expect(fire.headers['content-type']).toBe('application/json');
    expect(fire.headers['idempotency-key']).toMatch(/^hg_/);

    const billing = sink.received('/billing')[0]!;
    expect(JSON.parse(billing.body)).toEqual(mapped);
    expect(billing.headers.authorization).toBe(`Bearer ${BILLING_TOKEN}`);
    expect(billing.headers['x-team']).toBe('growth');
    expect(billing.headers['idempotency-key']).toMatch(/^hg_/);
    expect(billing.headers['idempotency-key']).not.toBe(fire.headers['idempotency-key']);
  });

  it('answers the same event again with 200 duplicate and the sink still has it once', async () => {
    const payload = subscriptionEvent('evt_e2e_1');
    const res = await router.post('stripe', payload, stripeHeaders(payload));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'duplicate', id: 'evt_e2e_1' });
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.received('/routines/onboarding/fire')).toHaveLength(1);
    expect(sink.received('/billing')).toHaveLength(1);
  });

  it('records an event no route wants as ignored, with the reason', async () => {
    const payload = subscriptionEvent('evt_e2e_paused', 'paused');
    const res = await router.post('stripe', payload, stripeHeaders(payload));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ignored', id: 'evt_e2e_paused' });
    const events = await store.listEvents({ provider: 'stripe', status: 'ignored' });
    const stored = events.items.find((e) => e.dedupKey === 'evt_e2e_paused');
    expect(stored?.ignored).toEqual([{ route: 'stripe-onboarding-draft', reason: 'filter returned false' }]);
  });

  it('refuses a forged signature with 400 and forwards nothing', async () => {
    const before = sink.requests.length;
    const payload = subscriptionEvent('evt_e2e_forged');
    const res = await router.post('stripe', payload, stripeHeaders(payload, 'whsec_not_the_secret'));
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).not.toContain(STRIPE_SECRET);
    expect((res.json as { error: string }).error).toMatch(/Stripe-Signature/);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.requests.length).toBe(before);
    expect((await store.listEvents({ provider: 'stripe' })).items.some((e) => e.dedupKey === 'evt_e2e_forged')).toBe(false);
  });

  it('routes a GitHub pull_request.opened from @octokit/webhooks-examples', async () => {
    const examples = JSON.parse(
      readFileSync(path.join(REPO_ROOT, 'node_modules/@octokit/webhooks-examples/api.github.com/index.json'), 'utf8'),
    ) as Array<{ name: string; examples: Array<Record<string, unknown>> }>;
    const example = examples.find((e) => e.name === 'pull_request')!.examples.find((x) => x.action === 'opened')!;
    const payload = JSON.stringify(example);
    const res = await router.post('github', payload, {
      'x-github-event': 'pull_request',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': await octokitSign(GITHUB_SECRET, payload),
    });
    expect(res.status).toBe(202);
    await sink.waitFor(() => sink.received('/github').length === 1);
    const repo = (example.repository as { full_name: string }).full_name;
    expect(JSON.parse(sink.received('/github')[0]!.body)).toEqual({ repo, number: example.number });
  });

  it('routes a Sentry issue.created', async () => {
    const payload = JSON.stringify({
      action: 'created',
      installation: { uuid: 'inst-1' },
      data: { issue: { id: '1170820242', title: 'TypeError: x is undefined' } },
      actor: { type: 'application', id: 'sentry', name: 'Sentry' },
    });
    const res = await router.post('sentry', payload, {
      'sentry-hook-resource': 'issue',
      'sentry-hook-timestamp': String(Math.floor(Date.now() / 1000)),
      'request-id': randomUUID(),
      'sentry-hook-signature': createHmac('sha256', SENTRY_SECRET).update(payload).digest('hex'),
    });
    expect(res.status).toBe(202);
    await sink.waitFor(() => sink.received('/sentry').length === 1);
    expect(JSON.parse(sink.received('/sentry')[0]!.body)).toEqual({ issue: '1170820242', title: 'TypeError: x is undefined' });
  });

  it('retries a target answering 503 twice and delivers on the third attempt with the same Idempotency-Key', async () => {
    sink.on('/flaky', (_req, n) => (n <= 2 ? { status: 503 } : { status: 200 }));
    const payload = JSON.stringify({ kind: 'flaky', ref: 'flaky-1' });
    expect((await router.post('backend', payload, backendHeaders(payload))).status).toBe(202);
    await sink.waitFor(() => sink.received('/flaky').length === 3);
    const keys = new Set(sink.received('/flaky').map((r) => r.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    await waitUntil(async () => (await deliveryOf('flaky-route')).status === 'delivered', 5000, 'flaky delivered');
    const delivery = await deliveryOf('flaky-route');
    expect(delivery.attempts.map((a) => a.statusCode)).toEqual([503, 503, 200]);
  });

  it('dead-letters after one attempt when the target answers 400', async () => {
    sink.on('/rejecting', () => ({ status: 400, body: '{"error":"bad"}' }));
    const payload = JSON.stringify({ kind: 'rejecting', ref: 'rejecting-1' });
    expect((await router.post('backend', payload, backendHeaders(payload))).status).toBe(202);
    await waitUntil(async () => (await deliveryOf('rejecting-route')).status === 'dead', 5000, 'dead letter');
    const delivery = await deliveryOf('rejecting-route');
    expect(delivery.deadReason).toBe('rejected');
    expect(delivery.attempts).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 400));
    expect(sink.received('/rejecting')).toHaveLength(1);
  });

  it('keeps the session id and URL of a routine answer on the stored attempt', async () => {
    const delivery = await deliveryOf('stripe-onboarding-draft', 'onboarding-routine');
    expect(delivery.status).toBe('delivered');
    // The sink's default reply is not a routine_fire answer, so nothing is invented.
    expect(delivery.attempts[0]!.sessionUrl).toBeNull();
  });

  it('dead-letters a routine answering 500 as unknown after one attempt (never a blind retry)', async () => {
    sink.on('/routines/r500/fire', () => ({ status: 500 }));
    const payload = JSON.stringify({ kind: 'r500', ref: 'r500-1', n: 1 });
    expect((await router.post('backend', payload, backendHeaders(payload))).status).toBe(202);
    await waitUntil(async () => (await deliveryOf('r500-route')).status === 'dead', 5000, 'routine dead');
    const delivery = await deliveryOf('r500-route');
    expect(delivery.deadReason).toBe('unknown');
    await new Promise((r) => setTimeout(r, 400));
    expect(sink.received('/routines/r500/fire')).toHaveLength(1);
  });

  it('retries a routine answering 429 with Retry-After: 1 after a second, and stores the session URL', async () => {
    sink.on('/routines/r429/fire', (_req, n) =>
      n === 1
        ? { status: 429, headers: { 'retry-after': '1' } }
        : {
            status: 200,
            body: JSON.stringify({
              type: 'routine_fire',
              claude_code_session_id: 'session_01E2E',
              claude_code_session_url: 'https://claude.ai/code/session_01E2E',
            }),
          },
    );
    const payload = JSON.stringify({ kind: 'r429', ref: 'r429-1', n: 7 });
    expect((await router.post('backend', payload, backendHeaders(payload))).status).toBe(202);
    await sink.waitFor(() => sink.received('/routines/r429/fire').length === 2);
    const [first, second] = sink.received('/routines/r429/fire');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
    expect(JSON.parse(second!.body)).toEqual({ text: 'fire 7' });
    await waitUntil(async () => (await deliveryOf('r429-route')).status === 'delivered', 5000, 'routine delivered');
    const delivery = await deliveryOf('r429-route');
    expect(delivery.attempts.map((a) => a.statusCode)).toEqual([429, 200]);
    expect(delivery.attempts[1]!.sessionId).toBe('session_01E2E');
    expect(delivery.attempts[1]!.sessionUrl).toBe('https://claude.ai/code/session_01E2E');
  });

  describe('bad input reaches nothing', () => {
    let before = 0;
    beforeAll(() => {
      before = sink.requests.length;
    });

    it('413 for a body over the limit', async () => {
      const payload = JSON.stringify({ id: 'evt_big', type: 'customer.subscription.created', pad: 'x'.repeat(70 * 1024) });
      const res = await router.post('stripe', payload, stripeHeaders(payload));
      expect(res.status).toBe(413);
      expect(res.json).toHaveProperty('error');
    });

    it('400 for a valid signature over a body that is not JSON', async () => {
      const payload = 'this is not json';
      const res = await router.post('stripe', payload, stripeHeaders(payload));
      expect(res.status).toBe(400);
      expect((res.json as { error: string }).error).toMatch(/JSON/);
    });

    it('404 for an unknown provider', async () => {
      const res = await router.post('nobody', '{}', {});
      expect(res.status).toBe(404);
      expect(res.json).toHaveProperty('error');
    });

    it('405 with Allow: POST for GET', async () => {
      const res = await fetch(`${router.url}/webhooks/stripe`);
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
    });

    it('400 for a stale Stripe timestamp', async () => {
      const payload = subscriptionEvent('evt_e2e_stale');
      const res = await router.post('stripe', payload, stripeHeaders(payload, STRIPE_SECRET, Math.floor(Date.now() / 1000) - 3600));
      expect(res.status).toBe(400);
      expect((res.json as { error: string }).error).toMatch(/tolerance/);
    });

    it('none of them reached the sink', async () => {
      await new Promise((r) => setTimeout(r, 300));
      expect(sink.requests.length).toBe(before);
    });
  });

  it('never writes a secret to its logs', () => {
    const text = JSON.stringify(router.logs) + router.stderr.join('');
    for (const secret of [STRIPE_SECRET, GITHUB_SECRET, SENTRY_SECRET, BACKEND_SECRET, ROUTINE_TOKEN, BILLING_TOKEN]) {
      expect(text).not.toContain(secret);
    }
    expect(router.logs.some((l) => l.msg === 'event received')).toBe(true);
  });
});
