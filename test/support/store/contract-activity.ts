/** activity: events and settled deliveries per time bucket, for the inspector's chart. */
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './contract.ts';
import { aDelivery, anAttempt, anEvent, T0 } from './contract-fixtures.ts';

const MINUTE = 60_000;
/** A bucket boundary, so the expected bucket starts are easy to read. */
const M0 = Math.floor(T0 / MINUTE) * MINUTE;

export function activityContract({ store }: ContractContext): void {
  describe('activity', function activitySuite() {
    it('counts events (ignored ones too) by the minute they arrived, inside [since, until), oldest first', async () => {
      await store().insertEvent(anEvent({ receivedAt: M0 + 5 }), []);
      await store().insertEvent(anEvent({ receivedAt: M0 + MINUTE - 1 }), []);
      await store().insertEvent(
        anEvent({ receivedAt: M0 + 2 * MINUTE, status: 'ignored', ignored: [{ route: 'r', reason: 'filter returned false' }] }),
        [],
      );
      await store().insertEvent(anEvent({ receivedAt: M0 - 1 }), []); // before since
      await store().insertEvent(anEvent({ receivedAt: M0 + 3 * MINUTE }), []); // at until: excluded

      const buckets = await store().activity({ since: M0, until: M0 + 3 * MINUTE, bucketMs: MINUTE });

      expect(buckets).toEqual([
        { at: M0, events: 2, ignored: 0, delivered: 0, dead: 0 },
        { at: M0 + 2 * MINUTE, events: 1, ignored: 1, delivered: 0, dead: 0 },
      ]);
    });

    it('counts deliveries by the minute they were delivered or dead-lettered, not while pending', async () => {
      const delivered = aDelivery({ target: 't', nextAttemptAt: M0 });
      const dead = aDelivery({ target: 't', nextAttemptAt: M0 });
      const waiting = aDelivery({ target: 't', nextAttemptAt: M0 + 10 * MINUTE });
      const mapError = aDelivery({ target: 't', status: 'dead', deadReason: 'map_error', error: 'boom', body: null });
      await store().insertEvent(anEvent({ receivedAt: M0 }), [delivered, dead, waiting, mapError]);
      const claimed = await store().claim({ target: 't', limit: 10, now: M0 + MINUTE, leaseMs: MINUTE, workerId: 'w' });
      expect(claimed.map((d) => d.id).sort()).toEqual([delivered.id, dead.id].sort());
      expect(await store().completeAttempt(delivered.id, 'w', anAttempt({ startedAt: M0 + MINUTE }), { status: 'delivered' })).toBe(true);
      expect(
        await store().completeAttempt(dead.id, 'w', anAttempt({ startedAt: M0 + MINUTE, statusCode: 400, outcome: 'dead' }), {
          status: 'dead',
          deadReason: 'rejected',
          error: 'HTTP 400',
        }),
      ).toBe(true);

      const buckets = await store().activity({ since: M0, until: M0 + 60 * MINUTE, bucketMs: MINUTE });

      // A map error is dead from the start, at the event's arrival; attempts settle when they end.
      expect(buckets).toEqual([
        { at: M0, events: 1, ignored: 0, delivered: 0, dead: 1 },
        { at: M0 + MINUTE, events: 0, ignored: 0, delivered: 1, dead: 1 },
      ]);
    });

    it('rounds since down to a bucket boundary and sizes buckets as asked', async () => {
      const M10 = Math.floor(T0 / (10 * MINUTE)) * 10 * MINUTE;
      await store().insertEvent(anEvent({ receivedAt: M10 + 1000 }), []);
      await store().insertEvent(anEvent({ receivedAt: M10 + 9 * MINUTE }), []);
      await store().insertEvent(anEvent({ receivedAt: M10 + 10 * MINUTE }), []);

      const buckets = await store().activity({ since: M10 + 30_000, until: M10 + 60 * MINUTE, bucketMs: 10 * MINUTE });

      expect(buckets.map((b) => [b.at - M10, b.events])).toEqual([
        [0, 2],
        [10 * MINUTE, 1],
      ]);
    });

    it('answers an empty list when nothing happened', async () => {
      expect(await store().activity({ since: M0, until: M0 + MINUTE, bucketMs: MINUTE })).toEqual([]);
    });
  });
}
