/** rerouteEvent: routing a stored event again adds only the deliveries it lacks. */
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './contract.ts';
import { aDelivery, anEvent, T0 } from './contract-fixtures.ts';

export function rerouteContract({ store }: ContractContext): void {
  describe('rerouteEvent', function rerouteSuite() {
    it('turns an ignored event into an accepted one with the new deliveries, recording the config it was routed under', async () => {
      const event = anEvent({ status: 'ignored', ignored: [{ route: 'r', reason: 'filter returned false' }] });
      await store().insertEvent(event, []);
      const d = aDelivery({ route: 'r', target: 't' });
      const result = await store().rerouteEvent(event.id, { configSha256: 'c'.repeat(64), ignored: [], now: T0 + 5 }, [d]);
      expect(result).toEqual({ added: [d.id], status: 'accepted' });
      const got = await store().getEvent(event.id);
      expect(got).toMatchObject({ status: 'accepted', ignored: [], configSha256: 'c'.repeat(64) });
      expect(got?.deliveries).toMatchObject([{ id: d.id, route: 'r', target: 't', status: 'pending', createdAt: T0 + 5 }]);
    });

    it('never adds a (route, target) the event already has, even from concurrent reroutes', async () => {
      const first = aDelivery({ route: 'r', target: 't' });
      const event = anEvent();
      await store().insertEvent(event, [first]);
      const again = () =>
        store().rerouteEvent(event.id, { configSha256: 'd'.repeat(64), ignored: [], now: T0 }, [
          aDelivery({ route: 'r', target: 't' }),
          aDelivery({ route: 'r2', target: 't' }),
        ]);
      const results = await Promise.all([again(), again(), again()]);
      expect(results.map((r) => r?.added.length).sort()).toEqual([0, 0, 1]);
      const routes = (await store().getEvent(event.id))?.deliveries.map((d) => d.route).sort();
      expect(routes).toEqual(['r', 'r2']);
    });

    it('keeps an ignored event ignored (with its new reasons) when still nothing matches, and answers null for an unknown id', async () => {
      const event = anEvent({ status: 'ignored', ignored: [{ route: 'r', reason: 'old reason' }] });
      await store().insertEvent(event, []);
      const reasons = [{ route: 'r', reason: 'filter returned false' }];
      expect(await store().rerouteEvent(event.id, { configSha256: 'e'.repeat(64), ignored: reasons, now: T0 }, [])).toEqual({
        added: [],
        status: 'ignored',
      });
      expect(await store().getEvent(event.id)).toMatchObject({ status: 'ignored', ignored: reasons });
      expect(await store().rerouteEvent('evt_nope', { configSha256: 'e'.repeat(64), ignored: [], now: T0 }, [])).toBeNull();
    });
  });
}
