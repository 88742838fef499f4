/** Store states the admin API and the CLI tests start from, built through the store's own API. */

import type { DeadReason, NewAttempt, NewDelivery, NewEvent, Store } from '../../src/store/types.ts';
import { aDelivery, anAttempt, anEvent, SECOND } from './store/contract-fixtures.ts';

export interface Seeded {
  readonly eventId: string;
  readonly deliveryId: string;
}

/** One event with one pending delivery. */
export async function pendingDelivery(store: Store, delivery: Partial<NewDelivery> = {}, event: Partial<NewEvent> = {}): Promise<Seeded> {
  const e = anEvent(event);
  const d = aDelivery(delivery);
  const result = await store.insertEvent(e, [d]);
  if (result.duplicate) throw new Error('pendingDelivery: unexpected duplicate');
  return { eventId: e.id, deliveryId: d.id };
}

/** One event whose delivery made one attempt and then was delivered or dead-lettered. */
export async function finishedDelivery(
  store: Store,
  how: { readonly status: 'delivered' } | { readonly status: 'dead'; readonly reason: DeadReason },
  options: {
    readonly delivery?: Partial<NewDelivery>;
    readonly event?: Partial<NewEvent>;
    readonly attempt?: Partial<NewAttempt>;
    readonly now: number;
  },
): Promise<Seeded> {
  const seeded = await pendingDelivery(store, { ...options.delivery, nextAttemptAt: options.now - SECOND }, options.event);
  const target = options.delivery?.target ?? aDelivery().target;
  const claimed = await store.claim({ target, limit: 100, now: options.now, leaseMs: 60 * SECOND, workerId: 'fixture' });
  const others = claimed.map((d) => d.id).filter((id) => id !== seeded.deliveryId);
  if (others.length === claimed.length) throw new Error('finishedDelivery: the delivery was not claimed');
  await store.release(others, 'fixture');
  const dead = how.status === 'dead';
  const attempt = anAttempt({
    startedAt: options.now,
    ...(dead ? { statusCode: 400, outcome: 'dead', error: 'HTTP 400', responseSnippet: '{"error":"bad"}' } : {}),
    ...options.attempt,
  });
  const transition =
    how.status === 'dead'
      ? { status: 'dead' as const, deadReason: how.reason, error: 'rejected: HTTP 400' }
      : { status: 'delivered' as const };
  if (!(await store.completeAttempt(seeded.deliveryId, 'fixture', attempt, transition))) throw new Error('finishedDelivery: not recorded');
  return seeded;
}
