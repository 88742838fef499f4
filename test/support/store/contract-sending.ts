/**
 * The sending mark of at-most-once deliveries (routine fires): once marked, a delivery whose
 * worker went away (crash, lost lease, a record that failed) ends as dead `unknown` and is never
 * handed to another worker; unmarked deliveries keep at-least-once. Also: attempts that spend
 * nothing of the retry budget, and where retry.maxAge counts from.
 */
import { describe, expect, it } from 'vitest';
import { LOST_SEND_ERROR } from '../../../src/store/lost-send.ts';
import type { Store } from '../../../src/store/types.ts';
import type { ContractContext } from './contract.ts';
import { anAttempt, SECOND, seedDeliveries, T0 } from './contract-fixtures.ts';

const LEASE = 10 * SECOND;

async function claimed(store: Store, target = 't', workerId = 'w1'): Promise<string> {
  const [id] = await seedDeliveries(store, [{ target, nextAttemptAt: T0 }]);
  const got = await store.claim({ target, limit: 1, now: T0, leaseMs: LEASE, workerId });
  if (got[0]?.id !== id) throw new Error('claimed: the seeded delivery was not claimed');
  return id!;
}

export function sendingContract({ store }: ContractContext): void {
  describe('markSending', function markSuite() {
    it('marks only a delivery whose lease the worker holds', async () => {
      const id = await claimed(store());
      expect(await store().markSending(id, 'w2', T0 + 1)).toBe(false);
      expect(await store().markSending('dlv_missing', 'w1', T0 + 1)).toBe(false);
      expect(await store().markSending(id, 'w1', T0 + 1)).toBe(true);
    });

    it('a marked delivery whose lease ran out is not taken over: it ends as unknown, with an attempt saying why', async () => {
      const marked = await claimed(store(), 'routine');
      await store().markSending(marked, 'w1', T0 + 5);
      const plain = await claimed(store(), 'routine', 'w9');

      const after = T0 + LEASE + 1;
      const taken = await store().claim({ target: 'routine', limit: 5, now: after, leaseMs: LEASE, workerId: 'w2' });
      expect(taken.map((d) => d.id)).toEqual([plain]);

      const lost = await store().getDelivery(marked);
      expect(lost).toMatchObject({
        status: 'dead',
        deadReason: 'unknown',
        error: LOST_SEND_ERROR,
        attemptCount: 1,
        leaseOwner: null,
        leaseExpiresAt: null,
      });
      expect(lost?.attempts).toEqual([
        {
          deliveryId: marked,
          number: 1,
          startedAt: T0 + 5,
          durationMs: 0,
          statusCode: null,
          error: LOST_SEND_ERROR,
          outcome: 'unknown',
          responseSnippet: null,
          sessionId: null,
          sessionUrl: null,
        },
      ]);
      // Nothing claims it later either.
      const later = await store().claim({ target: 'routine', limit: 5, now: after + LEASE * 10, leaseMs: LEASE, workerId: 'w3' });
      expect(later.map((d) => d.id)).toEqual([plain]);
    });

    it('a marked delivery with a running lease is left alone', async () => {
      const id = await claimed(store());
      await store().markSending(id, 'w1', T0 + 1);
      expect(await store().claim({ target: 't', limit: 5, now: T0 + LEASE - 1, leaseMs: LEASE, workerId: 'w2' })).toEqual([]);
      expect(await store().getDelivery(id)).toMatchObject({ status: 'in_flight', leaseOwner: 'w1' });
    });

    it('recording the attempt clears the mark: a later lost lease is taken over as usual', async () => {
      const id = await claimed(store());
      await store().markSending(id, 'w1', T0 + 1);
      const retry = anAttempt({ startedAt: T0 + 1, statusCode: 503, outcome: 'retry' });
      expect(await store().completeAttempt(id, 'w1', retry, { status: 'pending', nextAttemptAt: T0 + 2 })).toBe(true);
      const again = await store().claim({ target: 't', limit: 1, now: T0 + 2, leaseMs: LEASE, workerId: 'w2' });
      expect(again.map((d) => d.id)).toEqual([id]);
      const later = await store().claim({ target: 't', limit: 1, now: T0 + 2 + LEASE, leaseMs: LEASE, workerId: 'w3' });
      expect(later.map((d) => d.id)).toEqual([id]);
    });

    it('release (nothing was sent) clears the mark', async () => {
      const [id] = await seedDeliveries(store(), [{ target: 't', nextAttemptAt: 0 }]);
      await store().claim({ target: 't', limit: 1, now: Date.now(), leaseMs: LEASE, workerId: 'w1' });
      await store().markSending(id!, 'w1', Date.now());
      await store().release([id!], 'w1');
      const now = Date.now() + 1;
      const first = await store().claim({ target: 't', limit: 1, now, leaseMs: LEASE, workerId: 'w2' });
      expect(first.map((d) => d.id)).toEqual([id]);
      const afterLease = await store().claim({ target: 't', limit: 1, now: now + LEASE, leaseMs: LEASE, workerId: 'w3' });
      expect(afterLease.map((d) => d.id)).toEqual([id]);
    });
  });

  describe('recoverInFlight with marked deliveries', function recoverSuite() {
    it('ends marked deliveries as unknown and puts the others back to pending', async () => {
      const marked = await claimed(store());
      await store().markSending(marked, 'w1', T0 + 3);
      const plain = await claimed(store());

      expect(await store().recoverInFlight(T0 + 7)).toBe(2);
      expect(await store().getDelivery(marked)).toMatchObject({ status: 'dead', deadReason: 'unknown', attemptCount: 1 });
      expect((await store().getDelivery(marked))?.attempts.map((a) => [a.outcome, a.startedAt])).toEqual([['unknown', T0 + 3]]);
      expect(await store().getDelivery(plain)).toMatchObject({ status: 'pending', nextAttemptAt: T0 + 7, attemptCount: 0 });
      expect(await store().recoverInFlight(T0 + 8)).toBe(0);
    });

    it('a replay (a person decided) sends an unknown delivery again, and restarts its age', async () => {
      const id = await claimed(store());
      await store().markSending(id, 'w1', T0 + 3);
      await store().recoverInFlight(T0 + 7);
      expect(await store().getDelivery(id)).toMatchObject({ roundStartedAt: T0 });

      expect(await store().replay([id], T0 + 20)).toBe(1);
      expect(await store().getDelivery(id)).toMatchObject({ status: 'pending', roundStartedAt: T0 + 20, attemptsInRound: 0 });
      const again = await store().claim({ target: 't', limit: 1, now: T0 + 20, leaseMs: LEASE, workerId: 'w2' });
      expect(again.map((d) => d.id)).toEqual([id]);
      // The old mark is gone: losing this lease re-queues it like any unmarked delivery.
      const later = await store().claim({ target: 't', limit: 1, now: T0 + 20 + LEASE, leaseMs: LEASE, workerId: 'w3' });
      expect(later.map((d) => d.id)).toEqual([id]);
    });

    it('replayMatching restarts the age too', async () => {
      const id = await claimed(store());
      await store().completeAttempt(id, 'w1', anAttempt({ outcome: 'dead', statusCode: 400 }), {
        status: 'dead',
        deadReason: 'expired',
        error: 'expired: not delivered within maxAge',
      });
      expect(await store().getDelivery(id)).toMatchObject({ status: 'dead', deadReason: 'expired' });
      expect(await store().replayMatching({ status: 'dead' }, T0 + 50, false)).toBe(1);
      expect(await store().getDelivery(id)).toMatchObject({ status: 'pending', roundStartedAt: T0 + 50 });
    });
  });

  describe('attempts that spend nothing', function spendSuite() {
    it('count in attemptCount but not in attemptsInRound', async () => {
      const id = await claimed(store());
      const refused = anAttempt({ statusCode: 429, outcome: 'retry' });
      expect(await store().completeAttempt(id, 'w1', refused, { status: 'pending', nextAttemptAt: T0 + 1, spendsAttempt: false })).toBe(
        true,
      );
      expect(await store().getDelivery(id)).toMatchObject({ attemptCount: 1, attemptsInRound: 0 });
      await store().claim({ target: 't', limit: 1, now: T0 + 1, leaseMs: LEASE, workerId: 'w1' });
      const failed = anAttempt({ statusCode: 500, outcome: 'retry' });
      expect(await store().completeAttempt(id, 'w1', failed, { status: 'pending', nextAttemptAt: T0 + 2, spendsAttempt: true })).toBe(true);
      const got = await store().getDelivery(id);
      expect(got).toMatchObject({ attemptCount: 2, attemptsInRound: 1 });
      expect(got?.attempts.map((a) => a.number)).toEqual([1, 2]);
    });
  });
}
