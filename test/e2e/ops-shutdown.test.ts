/**
 * Graceful shutdown: SIGTERM while a slow target (concurrency 2) works through
 * 20 deliveries. The process finishes what is in flight and exits 0; a new process on the same SQLite
 * file delivers the rest; in the end every delivery is delivered, and the attempts the store
 * recorded for each match the requests the sink saw with its Idempotency-Key (nothing lost,
 * nothing sent twice, nothing marked twice).
 */

import path from 'node:path';
import Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.ts';
import type { Delivery, Store } from '../../src/store/types.ts';
import { type RouterProcess, startRouter, type TempDir, tempDir, waitUntil } from '../support/router-process.ts';
import { type Sink, startSink } from '../support/sink.ts';

const SECRET = 'whsec_ops_shutdown';
const EVENTS = 20;

async function allDeliveries(store: Store): Promise<Delivery[]> {
  return [...(await store.listDeliveries({ limit: 500 })).items];
}

describe('SIGTERM during deliveries', () => {
  let sink: Sink | undefined;
  let dir: TempDir | undefined;
  let first: RouterProcess | undefined;
  let second: RouterProcess | undefined;

  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    await sink?.close();
    dir?.remove();
  });

  it('exits 0, and after a restart every delivery is delivered exactly as often as the sink saw it', async () => {
    sink = await startSink();
    sink.on('/slow', () => ({ status: 200, body: '{"ok":true}', delayMs: 400 }));
    dir = tempDir('hookgate-ops-shutdown-');
    const file = dir.write(
      'routes.yaml',
      `version: 1
store: sqlite:./shutdown.db
providers:
  stripe:
    verify: { type: stripe, secret: "\${STRIPE_WEBHOOK_SECRET}" }
targets:
  slow:
    url: "${sink.url}/slow"
    rateLimit: { concurrency: 2 }
    retry: { initialDelay: 100ms, maxDelay: 1s }
routes:
  - { name: all, from: stripe, map: '{"id": id}', to: slow }
`,
    );
    const env = { STRIPE_WEBHOOK_SECRET: SECRET };
    const dbUrl = `sqlite:${path.join(dir.dir, 'shutdown.db')}`;
    first = await startRouter(['-c', file], env);
    for (let i = 0; i < EVENTS; i++) {
      const payload = JSON.stringify({ id: `evt_term_${i}`, object: 'event', type: 'charge.succeeded', data: { object: {} } });
      const res = await first.post('stripe', payload, {
        'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }),
      });
      expect(res.status).toBe(202);
    }
    // Deliveries are under way (two at a time, 400 ms each): stop now.
    await sink.waitFor((requests) => requests.length >= 4, 10_000);
    const code = await first.stop('SIGTERM');
    expect(code).toBe(0);
    expect(first.logs.some((entry) => entry.msg === 'stopped')).toBe(true);
    // 400 ms sends fit the 10 s drain: they were finished, none had to be handed back unfinished.
    expect(first.logs.some((entry) => entry.msg === 'released unfinished deliveries on shutdown')).toBe(false);

    const seenBeforeRestart = sink.requests.length;
    expect(seenBeforeRestart).toBeLessThan(EVENTS); // the signal really interrupted the work
    const store = await openStore(dbUrl);
    try {
      const afterStop = await allDeliveries(store);
      expect(afterStop).toHaveLength(EVENTS);
      // Nothing was left in flight: each was finished (and recorded) or handed back.
      expect(afterStop.filter((d) => d.status === 'in_flight')).toEqual([]);
      expect(afterStop.filter((d) => d.status === 'delivered')).toHaveLength(seenBeforeRestart);
    } finally {
      await store.close();
    }

    second = await startRouter(['-c', file], env);
    await sink.waitFor(() => new Set(sink!.requests.map((r) => r.headers['idempotency-key'])).size === EVENTS, 15_000);
    const check = await openStore(dbUrl);
    try {
      await waitUntil(async () => (await allDeliveries(check)).every((d) => d.status === 'delivered'), 10_000, 'all delivered');
      expect(await second.stop('SIGTERM')).toBe(0);
      for (const delivery of await allDeliveries(check)) {
        const sent = sink.requests.filter((r) => r.headers['idempotency-key'] === delivery.idempotencyKey).length;
        const attempts = (await check.getDelivery(delivery.id))!.attempts;
        expect(attempts.every((a) => a.outcome === 'success')).toBe(true);
        expect({ id: delivery.id, sent, attempts: attempts.length }).toEqual({ id: delivery.id, sent: 1, attempts: 1 });
      }
    } finally {
      await check.close();
    }
  });
});
