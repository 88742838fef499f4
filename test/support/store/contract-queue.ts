/** dueTargets, nextDueAt and queueStats: what the worker and /metrics read. */
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './contract.ts';
import { anAttempt, SECOND, seedDeliveries, T0 } from './contract-fixtures.ts';

export function queueContract({ store }: ContractContext): void {
  describe('dueTargets and nextDueAt', function dueSuite() {
    it('answer nothing for an empty store', async () => {
      expect(await store().dueTargets(T0)).toEqual([]);
      expect(await store().nextDueAt()).toBeNull();
    });

    it('list each target with due pending deliveries once, and the earliest due time', async () => {
      await seedDeliveries(store(), [
        { target: 'b', nextAttemptAt: T0 - 5 },
        { target: 'b', nextAttemptAt: T0 },
        { target: 'a', nextAttemptAt: T0 - 1 },
        { target: 'c', nextAttemptAt: T0 + 1 },
        { target: 'd', nextAttemptAt: T0 - 100, status: 'dead', deadReason: 'map_error', body: null },
      ]);
      expect((await store().dueTargets(T0)).sort()).toEqual(['a', 'b']);
      expect((await store().dueTargets(T0 + 1)).sort()).toEqual(['a', 'b', 'c']);
      expect(await store().nextDueAt()).toBe(T0 - 5);
    });

    it('skip in-flight deliveries while their lease holds, and list them again once it expired', async () => {
      await seedDeliveries(store(), [{ target: 'a', nextAttemptAt: T0 }]);
      await store().claim({ target: 'a', limit: 1, now: T0, leaseMs: 10 * SECOND, workerId: 'w' });
      expect(await store().dueTargets(T0 + 10 * SECOND - 1)).toEqual([]);
      expect(await store().dueTargets(T0 + 10 * SECOND)).toEqual(['a']);
      // The worker wakes when a lease runs out, so a dead replica's work is taken over.
      expect(await store().nextDueAt()).toBe(T0 + 10 * SECOND);
    });
  });

  describe('queueStats', function statsSuite() {
    it('counts pending, in-flight and dead per target, and the age of the oldest pending', async () => {
      await seedDeliveries(store(), [{ target: 'a', nextAttemptAt: T0 }], { receivedAt: T0 - 30 * SECOND });
      await seedDeliveries(store(), [{ target: 'a', nextAttemptAt: T0 + 60 * SECOND }], { receivedAt: T0 - 10 * SECOND });
      await seedDeliveries(store(), [{ target: 'a', nextAttemptAt: T0 }], { receivedAt: T0 - 5 * SECOND });
      await seedDeliveries(store(), [{ target: 'b', status: 'dead', deadReason: 'map_error', body: null }]);
      const [delivered] = await seedDeliveries(store(), [{ target: 'c', nextAttemptAt: T0 }]);
      // The oldest of `a` goes in flight: it is no longer counted as pending.
      await store().claim({ target: 'a', limit: 1, now: T0, leaseMs: SECOND, workerId: 'w' });
      await store().claim({ target: 'c', limit: 1, now: T0, leaseMs: SECOND, workerId: 'w' });
      await store().completeAttempt(delivered!, 'w', anAttempt(), { status: 'delivered' });

      const stats = await store().queueStats(T0);
      expect([...stats].sort((x, y) => x.target.localeCompare(y.target))).toEqual([
        { target: 'a', pending: 2, inFlight: 1, dead: 0, oldestPendingAgeMs: 10 * SECOND },
        { target: 'b', pending: 0, inFlight: 0, dead: 1, oldestPendingAgeMs: null },
      ]);
    });
  });
}
