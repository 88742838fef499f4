/** completeAttempt, release and recoverInFlight: how a claimed delivery moves on. */
import { describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/types.ts';
import type { ContractContext } from './contract.ts';
import { anAttempt, DAY, SECOND, seedDeliveries, T0 } from './contract-fixtures.ts';

async function claimOne(store: Store, workerId = 'w1', now = T0): Promise<string> {
  const [id] = await seedDeliveries(store, [{ target: 't', nextAttemptAt: now }]);
  const claimed = await store.claim({ target: 't', limit: 1, now, leaseMs: DAY, workerId });
  if (claimed[0]?.id !== id) throw new Error('claimOne: the seeded delivery was not claimed');
  return id!;
}

export function completeContract({ store }: ContractContext): void {
  describe('completeAttempt', function completeSuite() {
    it('records a successful attempt and marks the delivery delivered', async () => {
      const id = await claimOne(store());
      const attempt = anAttempt({
        startedAt: T0 + 1,
        durationMs: 250,
        statusCode: 200,
        responseSnippet: '{"type":"routine_fire","claude_code_session_id":"s1"}',
        sessionId: 's1',
        sessionUrl: 'https://claude.ai/code/s1',
      });
      expect(await store().completeAttempt(id, 'w1', attempt, { status: 'delivered' })).toBe(true);

      const got = await store().getDelivery(id);
      expect(got).toMatchObject({
        status: 'delivered',
        attemptCount: 1,
        attemptsInRound: 1,
        leaseOwner: null,
        leaseExpiresAt: null,
        deadReason: null,
        error: null,
      });
      expect(got?.attempts).toEqual([{ deliveryId: id, number: 1, ...attempt }]);
    });

    it('numbers attempts over retries and dead-letters with the reason', async () => {
      const id = await claimOne(store());
      const retry = anAttempt({ startedAt: T0, statusCode: 503, outcome: 'retry', error: 'HTTP 503', responseSnippet: 'busy' });
      expect(await store().completeAttempt(id, 'w1', retry, { status: 'pending', nextAttemptAt: T0 + 5 * SECOND })).toBe(true);
      expect(await store().getDelivery(id)).toMatchObject({
        status: 'pending',
        nextAttemptAt: T0 + 5 * SECOND,
        attemptCount: 1,
        attemptsInRound: 1,
        leaseOwner: null,
        leaseExpiresAt: null,
        error: 'HTTP 503',
      });
      expect(await store().claim({ target: 't', limit: 1, now: T0 + 5 * SECOND - 1, leaseMs: SECOND, workerId: 'w2' })).toEqual([]);

      const again = await store().claim({ target: 't', limit: 1, now: T0 + 5 * SECOND, leaseMs: SECOND, workerId: 'w2' });
      expect(again.map((d) => d.id)).toEqual([id]);
      const last = anAttempt({ startedAt: T0 + 5 * SECOND, statusCode: 400, outcome: 'dead', error: 'HTTP 400' });
      expect(await store().completeAttempt(id, 'w2', last, { status: 'dead', deadReason: 'rejected', error: 'target answered 400' })).toBe(
        true,
      );

      const got = await store().getDelivery(id);
      expect(got).toMatchObject({
        status: 'dead',
        deadReason: 'rejected',
        error: 'target answered 400',
        attemptCount: 2,
        attemptsInRound: 2,
      });
      expect(got?.attempts.map((a) => [a.number, a.outcome, a.statusCode])).toEqual([
        [1, 'retry', 503],
        [2, 'dead', 400],
      ]);
      const event = await store().getEvent(got!.eventId);
      expect(event?.deliveries[0]?.attempts.map((a) => a.number)).toEqual([1, 2]);
    });

    it('changes nothing for a worker that does not hold the lease', async () => {
      const id = await claimOne(store(), 'w1');
      expect(await store().completeAttempt(id, 'intruder', anAttempt(), { status: 'delivered' })).toBe(false);
      expect(await store().getDelivery(id)).toMatchObject({ status: 'in_flight', leaseOwner: 'w1', attemptCount: 0, attempts: [] });
    });

    it('changes nothing for a delivery that is not in flight', async () => {
      const [pending] = await seedDeliveries(store(), [{ target: 'elsewhere' }]);
      expect(await store().completeAttempt(pending!, 'w1', anAttempt(), { status: 'delivered' })).toBe(false);
      expect(await store().completeAttempt('dlv_unknown', 'w1', anAttempt(), { status: 'delivered' })).toBe(false);
      expect(await store().getDelivery(pending!)).toMatchObject({ status: 'pending', attemptCount: 0, attempts: [] });

      const id = await claimOne(store(), 'w1');
      expect(await store().completeAttempt(id, 'w1', anAttempt(), { status: 'delivered' })).toBe(true);
      expect(await store().completeAttempt(id, 'w1', anAttempt(), { status: 'delivered' })).toBe(false);
      expect((await store().getDelivery(id))?.attempts).toHaveLength(1);
    });
  });

  describe('release', function releaseSuite() {
    it("gives the holder's deliveries back, due now, without an attempt", async () => {
      // Claimed at the wall clock: release makes them due at the store's own now.
      const mine = await claimOne(store(), 'w1', Date.now());
      const theirs = await claimOne(store(), 'w2', Date.now());
      const before = Date.now();
      await store().release([mine, theirs, 'dlv_unknown'], 'w1');
      const after = Date.now();

      const got = await store().getDelivery(mine);
      expect(got).toMatchObject({ status: 'pending', leaseOwner: null, leaseExpiresAt: null, attemptCount: 0, attempts: [] });
      expect(got?.nextAttemptAt).toBeGreaterThanOrEqual(before);
      expect(got?.nextAttemptAt).toBeLessThanOrEqual(after);
      expect(await store().getDelivery(theirs)).toMatchObject({ status: 'in_flight', leaseOwner: 'w2' });

      const reclaimed = await store().claim({ target: 't', limit: 5, now: after, leaseMs: SECOND, workerId: 'w3' });
      expect(reclaimed.map((d) => d.id)).toEqual([mine]);
    });

    it('accepts an empty list', async () => {
      await expect(store().release([], 'w1')).resolves.toBeUndefined();
    });
  });

  describe('recoverInFlight', function recoverSuite() {
    it('puts every in-flight delivery back to pending, due now, and counts them', async () => {
      const a = await claimOne(store(), 'w1');
      const b = await claimOne(store(), 'w2');
      const [waiting] = await seedDeliveries(store(), [{ target: 't', nextAttemptAt: T0 + DAY }]);

      expect(await store().recoverInFlight(T0 + 7)).toBe(2);
      for (const id of [a, b]) {
        expect(await store().getDelivery(id)).toMatchObject({
          status: 'pending',
          nextAttemptAt: T0 + 7,
          leaseOwner: null,
          leaseExpiresAt: null,
          attemptCount: 0,
        });
      }
      expect(await store().getDelivery(waiting!)).toMatchObject({ status: 'pending', nextAttemptAt: T0 + DAY });
      expect(await store().recoverInFlight(T0 + 8)).toBe(0);
    });
  });
}
