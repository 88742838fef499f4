import express from 'express';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finishedDelivery, pendingDelivery } from '../../test/support/admin-fixtures.ts';
import { anEvent, SECOND, T0 } from '../../test/support/store/contract-fixtures.ts';
import { silentLogger } from '../observability/logger.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { adminToken, createAdminRouter } from './admin.ts';

const TOKEN = 'admin-test-token-1234';
const NOW = T0 + 3_600 * SECOND;
const AUTH = { authorization: `Bearer ${TOKEN}` };

let store: Store;
let app: express.Express;
let notified: number;

beforeEach(async () => {
  store = await openStore('sqlite::memory:');
  notified = 0;
  app = express();
  app.use(
    '/admin',
    createAdminRouter({ token: TOKEN, store, logger: silentLogger(), notifyWorker: () => void notified++, now: () => NOW }),
  );
});

afterEach(async () => {
  await store.close();
});

function get(path: string) {
  return request(app).get(path).set(AUTH);
}

describe('adminToken', () => {
  it.each([
    [{}, null],
    [{ HOOKGATE_ADMIN_TOKEN: '' }, null],
    [{ HOOKGATE_ADMIN_TOKEN: 's3cret' }, 's3cret'],
  ])('%j → %s', (env, expected) => {
    expect(adminToken(env)).toBe(expected);
  });
});

describe('admin authentication', () => {
  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', 'Bearer not-the-token'],
    ['the token with another scheme', `Basic ${TOKEN}`],
    ['the token with a suffix', `Bearer ${TOKEN}x`],
    ['an empty bearer', 'Bearer '],
  ])('answers 401 JSON to %s, without echoing any token', async (_name, header) => {
    const req = request(app).get('/admin/events');
    const res = header === undefined ? await req : await req.set('authorization', header);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.body).toEqual({ error: expect.any(String), code: 'unauthorized' });
    expect(JSON.stringify(res.body)).not.toContain(TOKEN);
  });

  it('refuses unknown admin paths and replays without a token too (401 before 404)', async () => {
    expect((await request(app).get('/admin/nothing-here')).status).toBe(401);
    expect((await request(app).post('/admin/replay').send({ status: 'dead' })).status).toBe(401);
  });

  it('lets the right token in, whatever the case of "Bearer"', async () => {
    const res = await request(app).get('/admin/events').set('authorization', `bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], next_cursor: null });
  });
});

describe('GET /admin/events', () => {
  it('lists newest first with snake_case fields and pages with next_cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await pendingDelivery(store, {}, { receivedAt: T0 + i * SECOND })).eventId);
    const first = await get('/admin/events?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((e: { id: string }) => e.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.items[0]).toMatchObject({
      id: ids[2],
      provider: 'stripe',
      event_type: 'customer.created',
      dedup_key: expect.any(String),
      status: 'accepted',
      received_at: new Date(T0 + 2 * SECOND).toISOString(),
      config_sha256: 'a'.repeat(64),
      ignored: [],
    });
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await get(`/admin/events?limit=2&cursor=${encodeURIComponent(first.body.next_cursor as string)}`);
    expect(second.body.items.map((e: { id: string }) => e.id)).toEqual([ids[0]]);
    expect(second.body.next_cursor).toBeNull();
  });

  it('filters by provider, event type, status and a time range (ISO or "1h" ago)', async () => {
    const old = await pendingDelivery(store, {}, { provider: 'github', eventType: 'push', receivedAt: NOW - 2 * 3_600 * SECOND });
    const recent = await pendingDelivery(store, {}, { provider: 'github', eventType: 'push', receivedAt: NOW - 60 * SECOND });
    await pendingDelivery(store, {}, { provider: 'stripe', eventType: 'push', receivedAt: NOW - 60 * SECOND });
    await store.insertEvent(anEvent({ provider: 'github', eventType: 'issues', status: 'ignored', receivedAt: NOW }), []);
    const ids = async (query: string) => ((await get(`/admin/events?${query}`)).body.items as Array<{ id: string }>).map((e) => e.id);
    expect(await ids('provider=github&event=push')).toEqual([recent.eventId, old.eventId]);
    expect(await ids('provider=github&event=push&since=1h')).toEqual([recent.eventId]);
    expect(await ids(`provider=github&event=push&until=${new Date(NOW - 3_600 * SECOND).toISOString()}`)).toEqual([old.eventId]);
    expect((await get('/admin/events?provider=github&status=ignored')).body.items).toMatchObject([
      { event_type: 'issues', status: 'ignored' },
    ]);
    expect(await ids('provider=&event=push&status=accepted')).toHaveLength(3);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=ten', 'limit'],
    ['status=dead', 'status'],
    ['since=yesterday', 'since'],
    ['until=2026-02-31', 'until'],
    ['since=1h&until=2h', 'until'],
    ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
    ['event_type=push', 'event_type'],
    ['provider=a&provider=b', 'provider'],
  ])('answers 400 naming the parameter for ?%s', async (query, parameter) => {
    const res = await get(`/admin/events?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.parameter).toBe(parameter);
    expect(res.body.error).toMatch(new RegExp(`^invalid parameter: ${parameter}: `));
    expect(res.body).toMatchObject({ code: 'invalid_parameter', parameter });
  });

  it('refuses a deliveries cursor on events', async () => {
    for (let i = 0; i < 2; i++) await pendingDelivery(store, {}, { receivedAt: T0 + i });
    const cursor = (await get('/admin/deliveries?limit=1')).body.next_cursor as string;
    expect((await get(`/admin/events?cursor=${cursor}`)).status).toBe(400);
  });
});

describe('GET /admin/events/:id', () => {
  it('shows the event with its headers, parsed body, deliveries and every attempt', async () => {
    const seeded = await finishedDelivery(
      store,
      { status: 'dead', reason: 'rejected' },
      {
        now: NOW,
        event: {
          headers: { 'content-type': 'application/json', authorization: 'Basic c2VjcmV0', 'x-request-id': 'r-9' },
          rawBody: Buffer.from('{"id":"evt_9","n":1}'),
        },
        delivery: { route: 'r1', target: 'routine-a', body: Buffer.from('{"text":"hello"}'), idempotencyKey: 'hg_key_9' },
        attempt: { durationMs: 42, sessionId: 'session_01', sessionUrl: 'https://claude.ai/code/session_01' },
      },
    );
    const res = await get(`/admin/events/${seeded.eventId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: seeded.eventId,
      headers: { 'content-type': 'application/json', 'x-request-id': 'r-9' },
      body: { id: 'evt_9', n: 1 },
      deliveries: [
        {
          id: seeded.deliveryId,
          route: 'r1',
          target: 'routine-a',
          status: 'dead',
          dead_reason: 'rejected',
          error: 'rejected: HTTP 400',
          idempotency_key: 'hg_key_9',
          attempt_count: 1,
          next_attempt_at: null,
          body: { text: 'hello' },
          attempts: [
            {
              number: 1,
              started_at: new Date(NOW).toISOString(),
              duration_ms: 42,
              status_code: 400,
              outcome: 'dead',
              error: 'HTTP 400',
              response_snippet: '{"error":"bad"}',
              session_id: 'session_01',
              session_url: 'https://claude.ai/code/session_01',
            },
          ],
        },
      ],
    });
    expect(res.body.headers).not.toHaveProperty('authorization');
  });

  it('shows a body that is not JSON as its text', async () => {
    const seeded = await pendingDelivery(store, {}, { rawBody: Buffer.from('a=1&b=2') });
    expect((await get(`/admin/events/${seeded.eventId}`)).body.body).toBe('a=1&b=2');
  });

  it('answers 404 for an unknown id', async () => {
    const res = await get('/admin/events/evt_nope');
    expect(res.status).toBe(404);
    expect(res.body.error).toContain('evt_nope');
  });
});

describe('GET /admin/deliveries', () => {
  it('filters by status, route and target', async () => {
    const dead = await finishedDelivery(
      store,
      { status: 'dead', reason: 'exhausted' },
      { now: NOW, delivery: { route: 'r1', target: 'a' } },
    );
    await finishedDelivery(store, { status: 'delivered' }, { now: NOW, delivery: { route: 'r1', target: 'a' } });
    const pending = await pendingDelivery(store, { route: 'r2', target: 'b' });
    const list = async (query: string) => ((await get(`/admin/deliveries?${query}`)).body.items as Array<{ id: string }>).map((d) => d.id);
    expect(await list('status=dead')).toEqual([dead.deliveryId]);
    expect(await list('status=pending')).toEqual([pending.deliveryId]);
    expect(await list('route=r1&target=a')).toHaveLength(2);
    expect(await list('target=b')).toEqual([pending.deliveryId]);
    const item = (await get('/admin/deliveries?status=dead')).body.items[0];
    expect(item).toMatchObject({ event_id: dead.eventId, dead_reason: 'exhausted', attempt_count: 1, idempotency_key: expect.any(String) });
    expect(item).not.toHaveProperty('body');
    expect((await get('/admin/deliveries?status=in_flight')).status).toBe(400);
  });

  it('shows one delivery with its attempts', async () => {
    const seeded = await finishedDelivery(store, { status: 'delivered' }, { now: NOW });
    const res = await get(`/admin/deliveries/${seeded.deliveryId}`);
    expect(res.body).toMatchObject({
      id: seeded.deliveryId,
      status: 'delivered',
      attempts: [{ number: 1, status_code: 200, outcome: 'success' }],
    });
    expect((await get('/admin/deliveries/dlv_nope')).status).toBe(404);
  });
});

describe('POST /admin/deliveries/:id/replay', () => {
  it('re-queues a dead letter, due now, with its attempts kept, and wakes the worker', async () => {
    const seeded = await finishedDelivery(store, { status: 'dead', reason: 'unknown' }, { now: NOW });
    const res = await request(app).post(`/admin/deliveries/${seeded.deliveryId}/replay`).set(AUTH);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ replayed: 1 });
    expect(notified).toBe(1);
    expect(await store.getDelivery(seeded.deliveryId)).toMatchObject({
      status: 'pending',
      nextAttemptAt: NOW,
      deadReason: null,
      attemptCount: 1,
    });
  });

  it('answers 409 for a pending delivery and 404 for an unknown one, changing nothing', async () => {
    const seeded = await pendingDelivery(store);
    const conflict = await request(app).post(`/admin/deliveries/${seeded.deliveryId}/replay`).set(AUTH);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toContain('pending');
    expect((await request(app).post('/admin/deliveries/dlv_nope/replay').set(AUTH)).status).toBe(404);
    expect(notified).toBe(0);
  });
});

describe('POST /admin/replay', () => {
  async function seedDead(): Promise<string[]> {
    const ids: string[] = [];
    ids.push(
      (await finishedDelivery(store, { status: 'dead', reason: 'rejected' }, { now: NOW, delivery: { route: 'r1', target: 'a' } }))
        .deliveryId,
    );
    ids.push(
      (await finishedDelivery(store, { status: 'dead', reason: 'exhausted' }, { now: NOW, delivery: { route: 'r2', target: 'a' } }))
        .deliveryId,
    );
    ids.push(
      (await finishedDelivery(store, { status: 'dead', reason: 'unknown' }, { now: NOW, delivery: { route: 'r1', target: 'b' } }))
        .deliveryId,
    );
    await finishedDelivery(store, { status: 'delivered' }, { now: NOW, delivery: { route: 'r1', target: 'a' } });
    return ids;
  }

  it('counts and lists on a dry run, leaving the unknown outcome out, and changes nothing', async () => {
    const ids = await seedDead();
    const res = await request(app).post('/admin/replay').set(AUTH).send({ status: 'dead', dryRun: true });
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(2);
    expect(res.body.items.map((d: { id: string }) => d.id).sort()).toEqual([ids[0], ids[1]].sort());
    const narrowed = await request(app).post('/admin/replay').set(AUTH).send({ status: 'dead', route: 'r1', target: 'a', dryRun: true });
    expect(narrowed.body.count).toBe(1);
    const unknown = await request(app).post('/admin/replay').set(AUTH).send({ status: 'dead', reason: 'unknown', dryRun: true });
    expect(unknown.body.count).toBe(1);
    expect(unknown.body.items.map((d: { id: string }) => d.id)).toEqual([ids[2]]);
    for (const id of ids) expect((await store.getDelivery(id))?.status).toBe('dead');
    expect(notified).toBe(0);
  });

  it('re-queues the matching set with 202 and the count', async () => {
    const ids = await seedDead();
    const res = await request(app).post('/admin/replay').set(AUTH).send({ status: 'dead', route: 'r1' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ replayed: 1 });
    expect((await store.getDelivery(ids[0]!))?.status).toBe('pending');
    expect((await store.getDelivery(ids[1]!))?.status).toBe('dead');
    // An unknown outcome (a routine run may have started) is never re-fired by a bulk replay ...
    expect((await store.getDelivery(ids[2]!))?.status).toBe('dead');
    expect(notified).toBe(1);
    // ... unless the person names it.
    const named = await request(app).post('/admin/replay').set(AUTH).send({ status: 'dead', route: 'r1', reason: 'unknown' });
    expect(named.body).toEqual({ replayed: 1 });
    expect((await store.getDelivery(ids[2]!))?.status).toBe('pending');
  });

  it('takes since as a duration', async () => {
    await seedDead();
    const res = await request(app).post('/admin/replay').set(AUTH).send({ status: 'dead', since: '1s', dryRun: true });
    // The seeded deliveries were created at T0, an hour before NOW.
    expect(res.body).toEqual({ count: 0, items: [] });
  });

  it.each([
    ['no status', '{"dryRun":true}', 'status'],
    ['status pending', '{"status":"pending"}', 'status'],
    ['an unknown field', '{"status":"dead","tagret":"a"}', 'tagret'],
    ['dryRun as a string', '{"status":"dead","dryRun":"yes"}', 'dryRun'],
    ['a bad since', '{"status":"dead","since":"last week"}', 'since'],
    ['an unknown reason', '{"status":"dead","reason":"bored"}', 'reason'],
    ['malformed JSON', '{"status":', 'body'],
    ['a JSON array', '[]', 'body'],
  ])('answers 400 for %s', async (_name, body, parameter) => {
    const ids = await seedDead();
    const res = await request(app).post('/admin/replay').set(AUTH).set('content-type', 'application/json').send(body);
    expect(res.status).toBe(400);
    expect(res.body.parameter).toBe(parameter);
    for (const id of ids) expect((await store.getDelivery(id))?.status).toBe('dead');
  });
});
