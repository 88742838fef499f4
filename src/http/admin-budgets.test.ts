/** GET /admin/budgets and the `held` field of a delivery, through the real admin router and SQLite. */
import express from 'express';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aDelivery, anEvent, SECOND, T0 } from '../../test/support/store/contract-fixtures.ts';
import { silentLogger } from '../observability/logger.ts';
import type { CompiledBudget } from '../pipeline/types.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { createAdminRouter } from './admin.ts';

const TOKEN = 'admin-test-token-1234';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const RUNS: CompiledBudget = { name: 'routine-runs', limit: 1, perMs: 86_400_000, over: 'hold', targets: ['triage'] };
const NOW = T0 + SECOND;

let store: Store;
let app: express.Express;

beforeEach(async () => {
  store = await openStore('sqlite::memory:');
  app = express();
  app.use(
    '/admin',
    createAdminRouter({
      token: TOKEN,
      store,
      logger: silentLogger(),
      notifyWorker: () => undefined,
      now: () => NOW,
      budgets: () => [RUNS],
    }),
  );
});

afterEach(async () => {
  await store.close();
});

describe('GET /admin/budgets', () => {
  it('lists each budget with its limit, window, use, held deliveries and pause', async () => {
    const sent = aDelivery({ target: 'triage', nextAttemptAt: T0 });
    const waiting = aDelivery({ target: 'triage', nextAttemptAt: T0 });
    await store.insertEvent(anEvent({ receivedAt: T0 - 2 }), [sent]);
    const waitingEvent = anEvent({ receivedAt: T0 - 1 });
    await store.insertEvent(waitingEvent, [waiting]);
    const cap = { target: 'triage', limit: 5, leaseMs: 30 * SECOND, concurrency: 5 };
    await store.claimBudget({ budget: RUNS, targets: [cap], now: T0, workerId: 'w', recheckMs: SECOND });
    await store.pauseBudget('routine-runs', T0 + 3_600 * SECOND, 'target triage answered 429', T0);

    const res = await request(app).get('/admin/budgets').set(AUTH);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [{ name: 'routine-runs', limit: 1, per: '1d', used: 1, held: 1, pausedUntil: new Date(T0 + 3_600 * SECOND).toISOString() }],
    });

    // The event shows which budget holds its delivery, and until when.
    const event = await request(app).get(`/admin/events/${waitingEvent.id}`).set(AUTH);
    expect(event.body.deliveries[0].held).toEqual({ budget: 'routine-runs', until: new Date(T0 + SECOND).toISOString() });
    const delivery = await request(app).get(`/admin/deliveries/${sent.id}`).set(AUTH);
    expect(delivery.body.held).toBeNull();
  });

  it('needs the admin token', async () => {
    expect((await request(app).get('/admin/budgets')).status).toBe(401);
  });
});
