/** purge: retention of finished events and of dead letters; never touches unfinished work. */
import { describe, expect, it } from 'vitest';
import type { NewDelivery, NewEvent, Store } from '../../../src/store/types.ts';
import type { ContractContext } from './contract.ts';
import { aDelivery, anAttempt, anEvent, DAY, SECOND, T0 } from './contract-fixtures.ts';

const RETENTION = 7 * DAY;
const DEAD_RETENTION = 30 * DAY;

interface Seeded {
  readonly eventId: string;
  readonly deliveryIds: string[];
}

/** Stores an event whose deliveries are then moved to the given end states (claimed at `at`). */
async function eventWith(
  store: Store,
  event: Partial<NewEvent>,
  ends: ReadonlyArray<{ end: 'pending' | 'in_flight' | 'delivered' | 'dead'; at?: number; delivery?: Partial<NewDelivery> }>,
): Promise<Seeded> {
  const target = `t-${Math.random().toString(36).slice(2)}`;
  const deliveries = ends.map((e) => aDelivery({ target, nextAttemptAt: e.end === 'pending' ? T0 + 365 * DAY : T0, ...e.delivery }));
  const stored = anEvent(event);
  await store.insertEvent(stored, deliveries);
  for (const [i, e] of ends.entries()) {
    const id = deliveries[i]!.id;
    if (e.end === 'pending' || deliveries[i]!.status === 'dead') continue;
    const claimed = await store.claim({ target, limit: 1, now: T0, leaseMs: 365 * DAY, workerId: 'w' });
    if (claimed[0]?.id !== id) throw new Error('eventWith: claimed the wrong delivery');
    if (e.end === 'in_flight') continue;
    const startedAt = e.at ?? T0;
    const attempt = anAttempt({ startedAt, durationMs: 10, outcome: e.end === 'dead' ? 'dead' : 'success' });
    const transition =
      e.end === 'dead' ? { status: 'dead' as const, deadReason: 'rejected' as const, error: 'HTTP 400' } : { status: 'delivered' as const };
    await store.completeAttempt(id, 'w', attempt, transition);
  }
  return { eventId: stored.id, deliveryIds: deliveries.map((d) => d.id) };
}

export function purgeContract({ store }: ContractContext): void {
  describe('purge', function purgeSuite() {
    it('deletes old events that are all delivered, and old ignored events, with their deliveries and attempts', async () => {
      const now = T0 + 10 * DAY;
      const oldDelivered = await eventWith(store(), { receivedAt: T0 }, [{ end: 'delivered' }, { end: 'delivered' }]);
      const recentDelivered = await eventWith(store(), { receivedAt: now - RETENTION + 1 }, [{ end: 'delivered' }]);
      const oldIgnored = await eventWith(
        store(),
        { receivedAt: T0, status: 'ignored', ignored: [{ route: 'r', reason: 'filter returned false' }] },
        [],
      );
      const recentIgnored = await eventWith(store(), { receivedAt: now - SECOND, status: 'ignored' }, []);
      const oldPending = await eventWith(store(), { receivedAt: T0 }, [{ end: 'pending' }]);
      const oldInFlight = await eventWith(store(), { receivedAt: T0 }, [{ end: 'in_flight' }]);
      const oldMixed = await eventWith(store(), { receivedAt: T0 }, [{ end: 'delivered' }, { end: 'pending' }]);
      const oldRecentDead = await eventWith(store(), { receivedAt: T0 }, [{ end: 'dead', at: T0 + 9 * DAY }]);

      expect(await store().purge(now, RETENTION, DEAD_RETENTION)).toBe(2);

      for (const gone of [oldDelivered, oldIgnored]) expect(await store().getEvent(gone.eventId)).toBeNull();
      for (const id of oldDelivered.deliveryIds) expect(await store().getDelivery(id)).toBeNull();
      for (const kept of [recentDelivered, recentIgnored, oldPending, oldInFlight, oldMixed, oldRecentDead]) {
        const event = await store().getEvent(kept.eventId);
        expect(event?.deliveries.map((d) => d.id).sort()).toEqual([...kept.deliveryIds].sort());
      }
      expect(await store().getDelivery(oldInFlight.deliveryIds[0]!)).toMatchObject({ status: 'in_flight' });
      expect(await store().purge(now, RETENTION, DEAD_RETENTION)).toBe(0);
    });

    it('deletes dead letters once they have been dead longer than the dead retention, and their emptied events', async () => {
      const now = T0 + 40 * DAY;
      const mapFailed = await eventWith(store(), { receivedAt: T0 }, [
        { end: 'dead', delivery: { status: 'dead', deadReason: 'map_error', body: null, error: 'boom' } },
      ]);
      const diedLongAgo = await eventWith(store(), { receivedAt: T0 }, [{ end: 'dead', at: T0 + 5 * DAY }]);
      const diedRecently = await eventWith(store(), { receivedAt: T0 }, [{ end: 'dead', at: T0 + 15 * DAY }]);
      const deadBesidePending = await eventWith(store(), { receivedAt: T0 }, [{ end: 'dead' }, { end: 'pending' }]);
      const deadBesideDelivered = await eventWith(store(), { receivedAt: T0 }, [{ end: 'dead' }, { end: 'delivered' }]);

      expect(await store().purge(now, RETENTION, DEAD_RETENTION)).toBe(3);

      for (const gone of [mapFailed, diedLongAgo, deadBesideDelivered]) {
        expect(await store().getEvent(gone.eventId)).toBeNull();
        for (const id of gone.deliveryIds) expect(await store().getDelivery(id)).toBeNull();
      }
      expect(await store().getDelivery(diedRecently.deliveryIds[0]!)).toMatchObject({ status: 'dead' });
      const survivor = await store().getEvent(deadBesidePending.eventId);
      expect(survivor?.deliveries.map((d) => d.id)).toEqual([deadBesidePending.deliveryIds[1]]);
      expect(survivor?.deliveries[0]?.status).toBe('pending');
    });

    it('returns 0 on an empty store', async () => {
      expect(await store().purge(T0, RETENTION, DEAD_RETENTION)).toBe(0);
    });
  });
}
