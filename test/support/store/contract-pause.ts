/** Target pauses (circuit breaker, 410 Gone): stored, replaced, lifted by hand or by a replay. */
import { describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/types.ts';
import type { ContractContext } from './contract.ts';
import { anAttempt, SECOND, seedDeliveries, T0 } from './contract-fixtures.ts';

async function deadOn(store: Store, target: string): Promise<string> {
  const [id] = await seedDeliveries(store, [{ target, nextAttemptAt: T0 - 1000 }]);
  await store.claim({ target, limit: 1, now: T0, leaseMs: SECOND, workerId: 'w' });
  await store.completeAttempt(id!, 'w', anAttempt({ statusCode: 410, outcome: 'dead' }), {
    status: 'dead',
    deadReason: 'rejected',
    error: 'HTTP 410',
  });
  return id!;
}

export function pauseContract({ store }: ContractContext): void {
  describe('target pauses', function pauseSuite() {
    it('stores, replaces and lifts a pause', async () => {
      expect(await store().targetPauses()).toEqual([]);
      await store().pauseTarget('a', T0 + 30 * SECOND, 'circuit open: 5 consecutive failed attempts', T0);
      await store().pauseTarget('b', null, 'target answered 410 Gone', T0);
      expect(await store().targetPauses()).toEqual([
        { target: 'a', until: T0 + 30 * SECOND, reason: 'circuit open: 5 consecutive failed attempts', since: T0 },
        { target: 'b', until: null, reason: 'target answered 410 Gone', since: T0 },
      ]);
      await store().pauseTarget('a', T0 + 90 * SECOND, 'circuit open: the probe after the cool-down failed', T0 + 60 * SECOND);
      expect((await store().targetPauses())[0]).toEqual({
        target: 'a',
        until: T0 + 90 * SECOND,
        reason: 'circuit open: the probe after the cool-down failed',
        since: T0 + 60 * SECOND,
      });
      expect(await store().resumeTarget('a')).toBe(true);
      expect(await store().resumeTarget('a')).toBe(false);
      expect((await store().targetPauses()).map((p) => p.target)).toEqual(['b']);
    });

    it('a replay of a delivery lifts the pause of its target only', async () => {
      const id = await deadOn(store(), 'gone');
      await store().pauseTarget('gone', null, '410', T0);
      await store().pauseTarget('other', null, '410', T0);
      expect(await store().replay([id], T0 + SECOND)).toBe(1);
      expect((await store().targetPauses()).map((p) => p.target)).toEqual(['other']);
    });

    it('a replay that re-queues nothing lifts nothing', async () => {
      const [pending] = await seedDeliveries(store(), [{ target: 'gone' }]);
      await store().pauseTarget('gone', null, '410', T0);
      expect(await store().replay([pending!], T0)).toBe(0);
      expect((await store().targetPauses()).map((p) => p.target)).toEqual(['gone']);
    });

    it('a filtered replay lifts the pauses of the matching targets; a dry run lifts none', async () => {
      await deadOn(store(), 'gone');
      await store().pauseTarget('gone', null, '410', T0);
      await store().pauseTarget('other', null, '410', T0);
      expect(await store().replayMatching({ status: 'dead', target: 'gone' }, T0 + SECOND, true)).toBe(1);
      expect((await store().targetPauses()).map((p) => p.target)).toEqual(['gone', 'other']);
      expect(await store().replayMatching({ status: 'dead', target: 'gone' }, T0 + SECOND, false)).toBe(1);
      expect((await store().targetPauses()).map((p) => p.target)).toEqual(['other']);
    });
  });
}
