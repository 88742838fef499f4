/** replay and replayMatching: re-queueing delivered and dead deliveries. */
import { describe, expect, it } from 'vitest';
import type { DeadReason, NewDelivery, Store } from '../../../src/store/types.ts';
import type { ContractContext } from './contract.ts';
import { anAttempt, DAY, SECOND, seedDeliveries, T0 } from './contract-fixtures.ts';

/** A delivery that went through one failed attempt and died. */
async function deadDelivery(store: Store, overrides: Partial<NewDelivery> = {}, reason: DeadReason = 'exhausted'): Promise<string> {
  const target = overrides.target ?? 't';
  const [id] = await seedDeliveries(store, [{ ...overrides, target, nextAttemptAt: T0 - 1000 }]);
  const claimed = await store.claim({ target, limit: 10, now: T0, leaseMs: SECOND, workerId: 'w' });
  if (!claimed.some((d) => d.id === id)) throw new Error('deadDelivery: not claimed');
  const attempt = anAttempt({ statusCode: 500, outcome: 'dead', error: 'HTTP 500' });
  await store.completeAttempt(id!, 'w', attempt, { status: 'dead', deadReason: reason, error: 'gave up' });
  await store.release(
    claimed.map((d) => d.id).filter((other) => other !== id),
    'w',
  );
  return id!;
}

export function replayContract({ store }: ContractContext): void {
  describe('replay', function replaySuite() {
    it('re-queues a dead delivery due now, clearing its reason and round but keeping its attempts', async () => {
      const id = await deadDelivery(store(), {}, 'unknown');
      expect(await store().replay([id], T0 + 50)).toBe(1);

      const got = await store().getDelivery(id);
      expect(got).toMatchObject({
        status: 'pending',
        nextAttemptAt: T0 + 50,
        deadReason: null,
        error: null,
        attemptsInRound: 0,
        attemptCount: 1,
        leaseOwner: null,
      });
      expect(got?.attempts.map((a) => a.number)).toEqual([1]);
      const claimed = await store().claim({ target: 't', limit: 1, now: T0 + 50, leaseMs: SECOND, workerId: 'w2' });
      expect(claimed.map((d) => d.id)).toEqual([id]);
      // The next attempt continues the numbering.
      await store().completeAttempt(id, 'w2', anAttempt(), { status: 'delivered' });
      expect((await store().getDelivery(id))?.attempts.map((a) => a.number)).toEqual([1, 2]);
    });

    it('counts only the deliveries it re-queued: delivered and dead, not pending, in flight or unknown', async () => {
      const dead = await deadDelivery(store());
      const [delivered, pending, inFlight] = await seedDeliveries(store(), [
        { target: 'd', nextAttemptAt: T0 },
        { target: 'p', nextAttemptAt: T0 + 10 * SECOND },
        { target: 'f', nextAttemptAt: T0 },
      ]);
      await store().claim({ target: 'd', limit: 1, now: T0, leaseMs: SECOND, workerId: 'w' });
      await store().completeAttempt(delivered!, 'w', anAttempt(), { status: 'delivered' });
      await store().claim({ target: 'f', limit: 1, now: T0, leaseMs: 60 * SECOND, workerId: 'w' });

      expect(await store().replay([dead, delivered!, pending!, inFlight!, 'dlv_unknown'], T0 + 1)).toBe(2);
      expect(await store().getDelivery(delivered!)).toMatchObject({ status: 'pending', nextAttemptAt: T0 + 1, attemptCount: 1 });
      expect(await store().getDelivery(pending!)).toMatchObject({ status: 'pending', nextAttemptAt: T0 + 10 * SECOND });
      expect(await store().getDelivery(inFlight!)).toMatchObject({ status: 'in_flight', leaseOwner: 'w' });
      expect(await store().replay([], T0)).toBe(0);
    });

    it('re-queues a map-failed dead delivery too (the caller decides what to send)', async () => {
      const [id] = await seedDeliveries(store(), [{ status: 'dead', deadReason: 'map_error', error: 'boom', body: null }]);
      expect(await store().replay([id!], T0 + 1)).toBe(1);
      expect(await store().getDelivery(id!)).toMatchObject({ status: 'pending', deadReason: null, error: null, body: null });
    });
  });

  describe('replayMatching', function replayMatchingSuite() {
    it('counts without changing anything on a dry run, then re-queues exactly those', async () => {
      const a = await deadDelivery(store(), { route: 'r1', target: 't1' });
      const b = await deadDelivery(store(), { route: 'r1', target: 't2' });
      const c = await deadDelivery(store(), { route: 'r2', target: 't1' });
      const [pending] = await seedDeliveries(store(), [{ route: 'r1', target: 't1', nextAttemptAt: T0 + DAY }]);

      expect(await store().replayMatching({ status: 'dead', route: 'r1' }, T0 + 1, true)).toBe(2);
      expect(await store().replayMatching({ status: 'dead', target: 't1' }, T0 + 1, true)).toBe(2);
      expect(await store().replayMatching({ status: 'dead', route: 'r1', target: 't1' }, T0 + 1, true)).toBe(1);
      expect(await store().replayMatching({ status: 'dead' }, T0 + 1, true)).toBe(3);
      expect(await store().replayMatching({ status: 'pending' }, T0 + 1, true)).toBe(0);
      for (const id of [a, b, c]) expect(await store().getDelivery(id)).toMatchObject({ status: 'dead' });

      expect(await store().replayMatching({ status: 'dead', route: 'r1' }, T0 + 1, false)).toBe(2);
      expect(await store().getDelivery(a)).toMatchObject({ status: 'pending', nextAttemptAt: T0 + 1, attemptsInRound: 0 });
      expect(await store().getDelivery(b)).toMatchObject({ status: 'pending' });
      expect(await store().getDelivery(c)).toMatchObject({ status: 'dead' });
      expect(await store().getDelivery(pending!)).toMatchObject({ nextAttemptAt: T0 + DAY });
      expect(await store().replayMatching({ status: 'dead', route: 'r1' }, T0 + 2, true)).toBe(0);
    });

    it('leaves unknown outcomes out of a bulk replay unless the reason names them', async () => {
      const unknown = await deadDelivery(store(), { route: 'r', target: 't' }, 'unknown');
      const exhausted = await deadDelivery(store(), { route: 'r', target: 't' }, 'exhausted');

      // The dry-run listing and the count agree, and neither includes the unknown outcome.
      expect(await store().replayMatching({ status: 'dead' }, T0 + 1, true)).toBe(1);
      const listed = await store().listDeliveries({ status: 'dead', replayable: true });
      expect(listed.items.map((d) => d.id)).toEqual([exhausted]);
      expect(await store().replayMatching({ status: 'dead', reason: 'exhausted' }, T0 + 1, true)).toBe(1);

      expect(await store().replayMatching({ status: 'dead' }, T0 + 1, false)).toBe(1);
      expect(await store().getDelivery(unknown)).toMatchObject({ status: 'dead', deadReason: 'unknown' });
      expect(await store().getDelivery(exhausted)).toMatchObject({ status: 'pending' });

      // Named explicitly, a person decided: the unknown outcome is re-queued.
      const named = await store().listDeliveries({ status: 'dead', reason: 'unknown', replayable: true });
      expect(named.items.map((d) => d.id)).toEqual([unknown]);
      expect(await store().replayMatching({ status: 'dead', reason: 'unknown' }, T0 + 2, false)).toBe(1);
      expect(await store().getDelivery(unknown)).toMatchObject({ status: 'pending', deadReason: null });
    });

    it('filters on creation time with since (inclusive)', async () => {
      const [oldOne] = await seedDeliveries(store(), [{ status: 'dead', deadReason: 'exhausted' }], { receivedAt: T0 - 10 });
      const [newOne] = await seedDeliveries(store(), [{ status: 'dead', deadReason: 'exhausted' }], { receivedAt: T0 });
      expect(await store().replayMatching({ status: 'dead', since: T0 }, T0 + 1, true)).toBe(1);
      expect(await store().replayMatching({ status: 'dead', since: T0 }, T0 + 1, false)).toBe(1);
      expect(await store().getDelivery(newOne!)).toMatchObject({ status: 'pending' });
      expect(await store().getDelivery(oldOne!)).toMatchObject({ status: 'dead' });
    });
  });
}
