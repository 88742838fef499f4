/** targetHealth: what waiting deliveries say about their target (the admin Targets listing). */
import { describe, expect, it } from 'vitest';
import type { NewAttempt, Store, Transition } from '../../../src/store/types.ts';
import type { ContractContext } from './contract.ts';
import { anAttempt, SECOND, seedDeliveries, T0 } from './contract-fixtures.ts';

const HOUR = 3600 * SECOND;

/** Claim one due delivery of `target` and record `attempt` with `transition`. */
async function attemptOnce(
  store: Store,
  target: string,
  at: number,
  attempt: Partial<NewAttempt>,
  transition: Transition,
): Promise<string> {
  const [claimed] = await store.claim({ target, limit: 1, now: at, leaseMs: 30 * SECOND, workerId: 'w' });
  if (!claimed) throw new Error(`attemptOnce: nothing due for ${target}`);
  const recorded = await store.completeAttempt(claimed.id, 'w', anAttempt({ startedAt: at, durationMs: 10, ...attempt }), transition);
  if (!recorded) throw new Error('attemptOnce: not recorded');
  return claimed.id;
}

export function targetHealthContract({ store }: ContractContext): void {
  describe('targetHealth', function targetHealthSuite() {
    const query = { now: T0 + 10 * SECOND, deliveredSince: T0 - HOUR };

    it('answers nothing for an empty store', async () => {
      expect(await store().targetHealth(query)).toEqual([]);
    });

    it('counts waiting deliveries whose last attempt failed, with the newest failure, and leaves 429s apart', async () => {
      await seedDeliveries(store(), [{ target: 'flaky' }, { target: 'flaky' }, { target: 'busy' }, { target: 'fine' }]);
      const retryAt = (n: number): Transition => ({ status: 'pending', nextAttemptAt: T0 + n });
      await attemptOnce(store(), 'flaky', T0, { statusCode: 500, outcome: 'retry' }, retryAt(HOUR));
      await attemptOnce(
        store(),
        'flaky',
        T0 + SECOND,
        { statusCode: null, error: 'timeout: no answer in 10s', outcome: 'retry' },
        retryAt(HOUR),
      );
      await attemptOnce(
        store(),
        'busy',
        T0,
        { statusCode: 429, outcome: 'retry' },
        { status: 'pending', nextAttemptAt: T0 + 60 * SECOND, spendsAttempt: false },
      );
      // Delivered: nothing of `fine` waits, so it is not listed.
      await attemptOnce(store(), 'fine', T0 + 2 * SECOND, {}, { status: 'delivered' });

      expect(await store().targetHealth(query)).toEqual([
        {
          target: 'busy',
          due: 0,
          failed: 0,
          lastFailure: null,
          throttled: 1,
          throttledUntil: T0 + 60 * SECOND,
          held: 0,
          heldUntil: null,
          lastDeliveredAt: null,
        },
        {
          target: 'flaky',
          due: 0,
          failed: 2,
          lastFailure: { at: T0 + SECOND, statusCode: null, error: 'timeout: no answer in 10s' },
          throttled: 0,
          throttledUntil: null,
          held: 0,
          heldUntil: null,
          lastDeliveredAt: null,
        },
      ]);
    });

    it('gives a failing target its last delivery among those created in the window', async () => {
      await seedDeliveries(store(), [{ target: 'flaky' }]);
      await seedDeliveries(store(), [{ target: 'flaky', nextAttemptAt: T0 - 3 * HOUR }], { receivedAt: T0 - 3 * HOUR });
      await seedDeliveries(store(), [{ target: 'flaky', nextAttemptAt: T0 + 5 * SECOND }], { receivedAt: T0 + 5 * SECOND });
      // Created before the window: not looked at, however late it was delivered.
      await attemptOnce(store(), 'flaky', T0 - 3 * HOUR, {}, { status: 'delivered' });
      await attemptOnce(store(), 'flaky', T0, { statusCode: 503, outcome: 'retry' }, { status: 'pending', nextAttemptAt: T0 + HOUR });
      expect((await store().targetHealth(query))[0]).toMatchObject({ target: 'flaky', failed: 1, lastDeliveredAt: null });
      await attemptOnce(store(), 'flaky', T0 + 5 * SECOND, {}, { status: 'delivered' });
      expect((await store().targetHealth(query))[0]).toMatchObject({
        target: 'flaky',
        failed: 1,
        lastFailure: { at: T0, statusCode: 503, error: null },
        lastDeliveredAt: T0 + 5 * SECOND + 10,
      });
    });

    it('stops counting a 429 once the time it named has come, and counts the delivery as due', async () => {
      await seedDeliveries(store(), [{ target: 'busy' }]);
      await attemptOnce(
        store(),
        'busy',
        T0,
        { statusCode: 429, outcome: 'retry' },
        { status: 'pending', nextAttemptAt: T0 + 5 * SECOND, spendsAttempt: false },
      );
      const [busy] = await store().targetHealth(query);
      expect(busy).toMatchObject({ target: 'busy', due: 1, throttled: 0, throttledUntil: null, failed: 0 });
    });

    it('does not take a replayed delivery for a failing one', async () => {
      await seedDeliveries(store(), [{ target: 'again' }]);
      const id = await attemptOnce(
        store(),
        'again',
        T0,
        { statusCode: 400, outcome: 'dead' },
        { status: 'dead', deadReason: 'rejected', error: 'rejected' },
      );
      await store().replay([id], T0 + SECOND);
      expect(await store().targetHealth(query)).toEqual([
        expect.objectContaining({ target: 'again', due: 1, failed: 0, lastFailure: null }),
      ]);
    });

    it('counts the pending deliveries a budget holds, and until when', async () => {
      await seedDeliveries(store(), [
        { target: 'a', nextAttemptAt: T0 },
        { target: 'a', nextAttemptAt: T0 },
      ]);
      const budget = { name: 'runs', limit: 1, perMs: HOUR, over: 'hold' as const };
      const claim = await store().claimBudget({
        budget,
        targets: [{ target: 'a', limit: 10, leaseMs: 30 * SECOND, concurrency: 10 }],
        now: T0,
        workerId: 'w',
        recheckMs: SECOND,
      });
      expect(claim.held).toBe(1);
      const [a] = await store().targetHealth({ now: T0, deliveredSince: T0 - HOUR });
      expect(a).toMatchObject({ target: 'a', held: 1, heldUntil: claim.heldUntil, due: 0 });
    });
  });
}
