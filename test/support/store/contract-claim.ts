/** claim: due pending deliveries of one target, oldest due first, under a lease. */
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './contract.ts';
import { anAttempt, DAY, SECOND, seedDeliveries, T0 } from './contract-fixtures.ts';

export function claimContract({ store }: ContractContext): void {
  describe('claim', function claimSuite() {
    it('takes due pending deliveries of the target, oldest due first, up to the limit, under a lease', async () => {
      const [late, early, middle] = await seedDeliveries(store(), [
        { target: 't', nextAttemptAt: T0 + 3 },
        { target: 't', nextAttemptAt: T0 + 1 },
        { target: 't', nextAttemptAt: T0 + 2 },
      ]);
      const now = T0 + 10;
      const claimed = await store().claim({ target: 't', limit: 2, now, leaseMs: 30 * SECOND, workerId: 'w1' });

      expect(claimed.map((d) => d.id)).toEqual([early, middle]);
      for (const d of claimed) {
        expect(d).toMatchObject({ status: 'in_flight', leaseOwner: 'w1', leaseExpiresAt: now + 30 * SECOND });
      }
      expect(await store().getDelivery(early!)).toMatchObject({ status: 'in_flight', leaseOwner: 'w1' });
      expect(await store().getDelivery(late!)).toMatchObject({ status: 'pending', leaseOwner: null });
    });

    it('leaves deliveries not yet due, of other targets, delivered, dead or map-failed', async () => {
      const [delivered, due, notYet, otherTarget, mapFailed] = await seedDeliveries(store(), [
        { target: 't', nextAttemptAt: T0 - 10 },
        { target: 't', nextAttemptAt: T0 },
        { target: 't', nextAttemptAt: T0 + 1 },
        { target: 'u', nextAttemptAt: T0 },
        { target: 't', nextAttemptAt: T0, status: 'dead', deadReason: 'map_error', body: null, error: 'x' },
      ]);
      const first = await store().claim({ target: 't', limit: 1, now: T0, leaseMs: SECOND, workerId: 'w0' });
      expect(first.map((d) => d.id)).toEqual([delivered]);
      expect(await store().completeAttempt(delivered!, 'w0', anAttempt(), { status: 'delivered' })).toBe(true);

      const claimed = await store().claim({ target: 't', limit: 10, now: T0, leaseMs: SECOND, workerId: 'w1' });
      expect(claimed.map((d) => d.id)).toEqual([due]);
      expect(await store().getDelivery(notYet!)).toMatchObject({ status: 'pending' });
      expect(await store().getDelivery(otherTarget!)).toMatchObject({ status: 'pending' });
      expect(await store().getDelivery(mapFailed!)).toMatchObject({ status: 'dead' });
      expect(await store().getDelivery(delivered!)).toMatchObject({ status: 'delivered' });
    });

    it('never hands one delivery to two claimers while the lease holds', async () => {
      const ids = await seedDeliveries(
        store(),
        Array.from({ length: 12 }, (_, i) => ({ target: 't', nextAttemptAt: T0 + i })),
      );
      const request = { target: 't', limit: 5, now: T0 + 100, leaseMs: 60 * SECOND };
      const batches = await Promise.all(['w1', 'w2', 'w3', 'w4'].map((workerId) => store().claim({ ...request, workerId })));

      const all = batches.flat().map((d) => d.id);
      expect(new Set(all).size).toBe(all.length);
      expect(all.sort()).toEqual([...ids].sort());
      // Within the lease, nobody gets any of them again.
      expect(await store().claim({ ...request, now: T0 + 100 + 59 * SECOND, workerId: 'w5' })).toEqual([]);
    });

    it('takes over in-flight deliveries whose lease expired; the old holder can then no longer complete', async () => {
      const [id] = await seedDeliveries(store(), [{ target: 't', nextAttemptAt: T0 }]);
      await store().claim({ target: 't', limit: 1, now: T0, leaseMs: 10 * SECOND, workerId: 'dead-worker' });
      expect(await store().claim({ target: 't', limit: 1, now: T0 + 10 * SECOND - 1, leaseMs: SECOND, workerId: 'w2' })).toEqual([]);

      const taken = await store().claim({ target: 't', limit: 1, now: T0 + 10 * SECOND, leaseMs: SECOND, workerId: 'w2' });
      expect(taken.map((d) => d.id)).toEqual([id]);
      expect(taken[0]).toMatchObject({ leaseOwner: 'w2', leaseExpiresAt: T0 + 11 * SECOND });

      expect(await store().completeAttempt(id!, 'dead-worker', anAttempt(), { status: 'delivered' })).toBe(false);
      expect(await store().getDelivery(id!)).toMatchObject({ status: 'in_flight', leaseOwner: 'w2', attemptCount: 0, attempts: [] });
    });

    it('orders pending and expired in-flight deliveries together, oldest due first', async () => {
      const [stale, fresh] = await seedDeliveries(store(), [
        { target: 't', nextAttemptAt: T0 },
        { target: 't', nextAttemptAt: T0 + 20 * SECOND },
      ]);
      await store().claim({ target: 't', limit: 1, now: T0, leaseMs: SECOND, workerId: 'dead-worker' });
      const [between, latest] = await seedDeliveries(store(), [
        { target: 't', nextAttemptAt: T0 + 10 * SECOND },
        { target: 't', nextAttemptAt: T0 + 30 * SECOND },
      ]);
      const now = T0 + 60 * SECOND;
      const order: string[] = [];
      for (let i = 0; i < 4; i++) {
        const [next] = await store().claim({ target: 't', limit: 1, now, leaseMs: DAY, workerId: `w${i}` });
        order.push(next!.id);
      }
      expect(order).toEqual([stale, between, fresh, latest]);
    });

    it('returns nothing for a limit of 0', async () => {
      await seedDeliveries(store(), [{ target: 't' }]);
      expect(await store().claim({ target: 't', limit: 0, now: T0, leaseMs: SECOND, workerId: 'w' })).toEqual([]);
    });
  });
}
