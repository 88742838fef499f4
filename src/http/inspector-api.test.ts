import express from 'express';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finishedDelivery, pendingDelivery } from '../../test/support/admin-fixtures.ts';
import { anEvent, SECOND, T0 } from '../../test/support/store/contract-fixtures.ts';
import { silentLogger } from '../observability/logger.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { createAdminRouter } from './admin.ts';

const TOKEN = 'inspector-api-token';
const MINUTE = 60 * SECOND;
/** A 10-minute boundary an hour after T0, so buckets are easy to name. */
const NOW = Math.floor((T0 + 3_600 * SECOND) / (10 * MINUTE)) * 10 * MINUTE;
const AUTH = { authorization: `Bearer ${TOKEN}` };

let store: Store;
let app: express.Express;

beforeEach(async () => {
  store = await openStore('sqlite::memory:');
  app = express();
  app.use('/admin', createAdminRouter({ token: TOKEN, store, logger: silentLogger(), notifyWorker: () => {}, now: () => NOW }));
});

afterEach(async () => {
  await store.close();
});

function get(path: string) {
  return request(app).get(path).set(AUTH);
}

describe('GET /admin/events?dedup_key=&provider=', () => {
  it('answers the events with that dedup key, narrowed by provider when given', async () => {
    const stripe = anEvent({ provider: 'stripe', dedupKey: 'evt_1', receivedAt: NOW - 2 * SECOND });
    const github = anEvent({ provider: 'github', dedupKey: 'evt_1', receivedAt: NOW - SECOND });
    await store.insertEvent(stripe, []);
    await store.insertEvent(github, []);
    await store.insertEvent(anEvent({ provider: 'stripe', dedupKey: 'evt_2' }), []);

    const both = await get('/admin/events?dedup_key=evt_1');
    expect(both.status).toBe(200);
    expect(both.body.items.map((e: { id: string }) => e.id)).toEqual([github.id, stripe.id]);
    const one = await get('/admin/events?dedup_key=evt_1&provider=stripe');
    expect(one.body.items).toEqual([expect.objectContaining({ id: stripe.id, dedup_key: 'evt_1', provider: 'stripe' })]);
    expect((await get('/admin/events?dedup_key=evt_9')).body).toEqual({ items: [], next_cursor: null });
  });

  it('searches with q by dedup key, provider or event type (surrounding spaces ignored)', async () => {
    const byKey = anEvent({ dedupKey: 'push', receivedAt: NOW - 3 * SECOND });
    const byType = anEvent({ provider: 'github', eventType: 'push', receivedAt: NOW - 2 * SECOND });
    await store.insertEvent(byKey, []);
    await store.insertEvent(byType, []);
    await store.insertEvent(anEvent({ provider: 'github', eventType: 'issues' }), []);

    const res = await get('/admin/events?q=%20push%20');
    expect(res.body.items.map((e: { id: string }) => e.id)).toEqual([byType.id, byKey.id]);
  });

  it('refuses dedup_key given twice, naming the parameter', async () => {
    const res = await get('/admin/events?dedup_key=a&dedup_key=b');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: expect.stringMatching(/dedup_key: /), parameter: 'dedup_key' });
  });
});

describe('GET /admin/stats', () => {
  it('counts events and settled deliveries per minute over the last 3 hours by default, and lists target queues', async () => {
    await pendingDelivery(store, { target: 'slow', nextAttemptAt: NOW + MINUTE }, { receivedAt: NOW - 10 * MINUTE });
    await finishedDelivery(
      store,
      { status: 'delivered' },
      { delivery: { target: 'fast' }, event: { receivedAt: NOW - 2 * MINUTE }, now: NOW - MINUTE },
    );
    await finishedDelivery(
      store,
      { status: 'dead', reason: 'rejected' },
      { delivery: { target: 'fast' }, event: { receivedAt: NOW - 2 * MINUTE }, now: NOW - MINUTE },
    );
    await store.insertEvent(anEvent({ receivedAt: NOW - 4 * 3_600 * SECOND }), []); // older than 3 h

    const res = await get('/admin/stats');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      since: new Date(NOW - 3 * 3_600 * SECOND).toISOString(),
      until: new Date(NOW).toISOString(),
      bucket_seconds: 60,
      items: [
        { at: new Date(NOW - 10 * MINUTE).toISOString(), events: 1, ignored: 0, delivered: 0, dead: 0 },
        { at: new Date(NOW - 2 * MINUTE).toISOString(), events: 2, ignored: 0, delivered: 0, dead: 0 },
        { at: new Date(NOW - MINUTE).toISOString(), events: 0, ignored: 0, delivered: 1, dead: 1 },
      ],
      targets: [
        { target: 'fast', pending: 0, in_flight: 0, dead: 1, oldest_pending_age_ms: null },
        { target: 'slow', pending: 1, in_flight: 0, dead: 0, oldest_pending_age_ms: 10 * MINUTE },
      ],
    });
  });

  it('takes since, until and the bucket size', async () => {
    await store.insertEvent(anEvent({ receivedAt: NOW - 25 * MINUTE }), []);
    await store.insertEvent(anEvent({ receivedAt: NOW - 21 * MINUTE }), []);
    const res = await get('/admin/stats?since=30m&until=20m&bucket=10m');
    expect(res.body).toMatchObject({
      bucket_seconds: 600,
      items: [{ at: new Date(NOW - 30 * MINUTE).toISOString(), events: 2 }],
    });
  });

  it.each([
    ['bucket=0s', 'bucket'],
    ['bucket=soon', 'bucket'],
    ['since=7d&bucket=1m', 'bucket'],
    ['since=1h&until=2h', 'until'],
    ['since=yesterday', 'since'],
    ['span=1h', 'span'],
  ])('refuses %s with 400 naming %s', async (query, parameter) => {
    const res = await get(`/admin/stats?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.parameter).toBe(parameter);
  });
});
