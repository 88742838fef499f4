import express from 'express';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pendingDelivery } from '../../test/support/admin-fixtures.ts';
import { anAttempt, SECOND, T0 } from '../../test/support/store/contract-fixtures.ts';
import { aTarget, configOf } from '../../test/support/worker-harness.ts';
import { silentLogger } from '../observability/logger.ts';
import type { CompiledConfig, CompiledTarget } from '../pipeline/types.ts';
import { openStore } from '../store/open.ts';
import type { NewAttempt, Store, Transition } from '../store/types.ts';
import { createAdminRouter } from './admin.ts';
import type { TargetView } from './admin-targets.ts';

const TOKEN = 'admin-test-token-1234';
const NOW = T0 + 3_600 * SECOND;
const AUTH = { authorization: `Bearer ${TOKEN}` };

const TARGETS: CompiledTarget[] = [
  aTarget('billing', 'http://127.0.0.1:9/billing'),
  aTarget('paced', 'http://127.0.0.1:9/paced', { rateLimit: { requests: 2, perMs: SECOND } }),
  aTarget('triage', 'https://api.anthropic.com/v1/claude_code/routines/trig_1/fire', { kind: 'routine', budget: 'runs' }),
];

let store: Store;
let app: express.Express;

function config(): CompiledConfig {
  const base = configOf(...TARGETS);
  return { ...base, budgets: new Map([['runs', { name: 'runs', limit: 5, perMs: 86_400_000, over: 'hold', targets: ['triage'] }]]) };
}

beforeEach(async () => {
  store = await openStore('sqlite::memory:');
  app = express();
  app.use(
    '/admin',
    createAdminRouter({ token: TOKEN, store, logger: silentLogger(), notifyWorker: () => undefined, now: () => NOW, config }),
  );
});

afterEach(async () => {
  await store.close();
});

async function targets(): Promise<Record<string, TargetView>> {
  const res = await request(app).get('/admin/targets').set(AUTH);
  expect(res.status).toBe(200);
  const items = (res.body as { items: TargetView[] }).items;
  return Object.fromEntries(items.map((t) => [t.target, t]));
}

/** One delivery to `target`, attempted at `at` with the given answer. */
async function attempted(target: string, at: number, attempt: Partial<NewAttempt>, transition: Transition): Promise<void> {
  await pendingDelivery(store, { target, nextAttemptAt: at }, { receivedAt: at });
  const [claimed] = await store.claim({ target, limit: 1, now: at, leaseMs: 30 * SECOND, workerId: 'w' });
  if (!claimed) throw new Error('nothing claimed');
  await store.completeAttempt(claimed.id, 'w', anAttempt({ startedAt: at, durationMs: 5, ...attempt }), transition);
}

describe('GET /admin/targets', () => {
  it('lists every target of the config, ok with nothing queued, with its kind', async () => {
    const all = await targets();
    expect(Object.keys(all)).toEqual(['billing', 'paced', 'triage']);
    expect(all.billing).toEqual({
      target: 'billing',
      kind: 'url',
      health: 'ok',
      state: 'active',
      paused_until: null,
      since: null,
      reason: null,
      queue: { pending: 0, in_flight: 0, dead: 0, due: 0, oldest_pending_age_ms: null },
      failing: null,
      rate_limited: null,
    });
    expect(all.triage?.kind).toBe('routine');
  });

  it('says failing while deliveries wait after a 5xx, with the last failed attempt', async () => {
    await attempted(
      'billing',
      NOW - 20 * SECOND,
      { statusCode: 500, outcome: 'retry' },
      { status: 'pending', nextAttemptAt: NOW + 60 * SECOND },
    );
    const { billing } = await targets();
    expect(billing).toMatchObject({
      health: 'failing',
      queue: { pending: 1, due: 0 },
      failing: {
        deliveries: 1,
        last_attempt: { at: new Date(NOW - 20 * SECOND).toISOString(), status_code: 500, error: null },
        last_delivered_at: null,
      },
      rate_limited: null,
    });
  });

  it('says recovering once a delivery got through after the last failure', async () => {
    await attempted(
      'billing',
      NOW - 20 * SECOND,
      { statusCode: null, error: 'timeout: 5s', outcome: 'retry' },
      { status: 'pending', nextAttemptAt: NOW + 60 * SECOND },
    );
    await attempted('billing', NOW - 10 * SECOND, {}, { status: 'delivered' });
    const { billing } = await targets();
    expect(billing).toMatchObject({
      health: 'recovering',
      failing: { deliveries: 1, last_delivered_at: new Date(NOW - 10 * SECOND + 5).toISOString() },
    });
    expect(billing?.failing?.last_attempt?.error).toBe('timeout: 5s');
  });

  it('says rate limited while a delivery waits for the time a 429 named', async () => {
    await attempted(
      'billing',
      NOW - SECOND,
      { statusCode: 429, outcome: 'retry' },
      { status: 'pending', nextAttemptAt: NOW + 120 * SECOND, spendsAttempt: false },
    );
    const { billing } = await targets();
    expect(billing).toMatchObject({
      health: 'rate_limited',
      failing: null,
      rate_limited: { retry_after: { deliveries: 1, until: new Date(NOW + 120 * SECOND).toISOString() }, budget: null, pacing: null },
    });
  });

  it('says rate limited while its budget is paused by a 429', async () => {
    await store.pauseBudget('runs', NOW + 300 * SECOND, 'a target of the budget answered 429', NOW - SECOND);
    const { triage, billing } = await targets();
    expect(triage).toMatchObject({
      health: 'rate_limited',
      rate_limited: {
        retry_after: null,
        budget: { name: 'runs', paused_until: new Date(NOW + 300 * SECOND).toISOString(), held: 0, held_until: null },
        pacing: null,
      },
    });
    expect(billing?.health).toBe('ok');
  });

  it('says rate limited while its own rateLimit paces due deliveries', async () => {
    await pendingDelivery(store, { target: 'paced', nextAttemptAt: NOW - SECOND }, { receivedAt: NOW - SECOND });
    await pendingDelivery(store, { target: 'billing', nextAttemptAt: NOW - SECOND }, { receivedAt: NOW - SECOND });
    const { paced, billing } = await targets();
    expect(paced).toMatchObject({
      health: 'rate_limited',
      queue: { pending: 1, due: 1 },
      rate_limited: { retry_after: null, budget: null, pacing: { requests: 2, per: '1s', due: 1 } },
    });
    // Without a rateLimit, a due delivery is only waiting for the worker.
    expect(billing).toMatchObject({ health: 'ok', rate_limited: null, queue: { due: 1 } });
  });

  it('says backlog when a delivery has waited over a minute, and dead letters when some are dead', async () => {
    await pendingDelivery(store, { target: 'billing', nextAttemptAt: NOW + SECOND }, { receivedAt: NOW - 5 * 60 * SECOND });
    await attempted(
      'paced',
      NOW - SECOND,
      { statusCode: 400, outcome: 'dead' },
      { status: 'dead', deadReason: 'rejected', error: 'rejected: 400' },
    );
    const { billing, paced } = await targets();
    expect(billing).toMatchObject({ health: 'backlog', queue: { pending: 1, oldest_pending_age_ms: 5 * 60 * SECOND } });
    expect(paced).toMatchObject({ health: 'dead_letters', queue: { dead: 1 } });
  });

  it('keeps the pause fields of a paused or half-open target, and Resume lifts the pause', async () => {
    await store.pauseTarget('billing', NOW + 30 * SECOND, 'circuit open: 5 consecutive failed attempts', NOW - 10 * SECOND);
    await store.pauseTarget('paced', NOW - SECOND, 'circuit open: 5 consecutive failed attempts', NOW - 60 * SECOND);
    await store.pauseTarget('triage', null, 'target answered 410 Gone: paused until its deliveries are replayed or it is resumed', NOW);
    const all = await targets();
    expect(all.billing).toMatchObject({
      health: 'paused',
      state: 'paused',
      paused_until: new Date(NOW + 30 * SECOND).toISOString(),
      since: new Date(NOW - 10 * SECOND).toISOString(),
      reason: 'circuit open: 5 consecutive failed attempts',
    });
    expect(all.paced).toMatchObject({ health: 'half_open', state: 'half_open' });
    expect(all.triage).toMatchObject({ health: 'paused', state: 'paused', paused_until: null });

    expect((await request(app).post('/admin/targets/billing/resume').set(AUTH)).body).toEqual({ resumed: 'billing' });
    expect((await targets()).billing).toMatchObject({ health: 'ok', state: 'active', paused_until: null, since: null, reason: null });
  });

  it('also lists a target the config no longer has while the store holds deliveries for it', async () => {
    await pendingDelivery(store, { target: 'retired', nextAttemptAt: NOW + SECOND }, { receivedAt: NOW });
    const { retired } = await targets();
    expect(retired).toMatchObject({ kind: null, health: 'ok', queue: { pending: 1 } });
  });
});
