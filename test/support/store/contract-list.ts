/** listEvents and listDeliveries: filters, newest first, keyset pagination. */
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './contract.ts';
import { aDelivery, allPages, anAttempt, anEvent, SECOND, seedDeliveries, T0 } from './contract-fixtures.ts';

export function listContract({ store }: ContractContext): void {
  describe('listEvents', function listEventsSuite() {
    it('lists newest first and filters by provider, event type, status and an inclusive time range', async () => {
      const a = anEvent({ provider: 'stripe', eventType: 'customer.created', receivedAt: T0 + 1 });
      const b = anEvent({ provider: 'github', eventType: 'push', receivedAt: T0 + 2 });
      const c = anEvent({
        provider: 'stripe',
        eventType: 'charge.refunded',
        receivedAt: T0 + 3,
        status: 'ignored',
        ignored: [{ route: 'r', reason: 'filter returned false' }],
      });
      for (const event of [a, b, c]) await store().insertEvent(event, []);
      const ids = async (filter: Parameters<ReturnType<typeof store>['listEvents']>[0]): Promise<string[]> =>
        (await store().listEvents(filter)).items.map((e) => e.id);

      expect(await ids({})).toEqual([c.id, b.id, a.id]);
      expect(await ids({ provider: 'stripe' })).toEqual([c.id, a.id]);
      expect(await ids({ eventType: 'push' })).toEqual([b.id]);
      expect(await ids({ status: 'ignored' })).toEqual([c.id]);
      expect(await ids({ status: 'accepted', provider: 'stripe' })).toEqual([a.id]);
      expect(await ids({ since: T0 + 2 })).toEqual([c.id, b.id]);
      expect(await ids({ until: T0 + 2 })).toEqual([b.id, a.id]);
      expect(await ids({ since: T0 + 2, until: T0 + 2 })).toEqual([b.id]);
      expect(await ids({ provider: 'nobody' })).toEqual([]);

      const [first] = (await store().listEvents({ status: 'ignored' })).items;
      expect(first).toMatchObject({ ignored: [{ route: 'r', reason: 'filter returned false' }], dedupKey: c.dedupKey });
      expect(first?.rawBody.equals(c.rawBody)).toBe(true);
    });

    it('pages without duplicates or gaps, ties on time broken by id, even when newer events arrive', async () => {
      const stored: string[] = [];
      for (let i = 0; i < 120; i++) {
        const event = anEvent({ receivedAt: T0 + Math.floor(i / 7) }); // groups of seven share a time
        await store().insertEvent(event, []);
        stored.push(event.id);
      }
      let arrived = 0;
      const pages = await allPages(async (cursor) => {
        const page = await store().listEvents({ limit: 50, ...(cursor ? { cursor } : {}) });
        // Newer events arriving between pages must not shift later pages.
        await store().insertEvent(anEvent({ receivedAt: T0 + 1000 + arrived++ }), []);
        return page;
      });

      expect(pages.map((p) => p.length)).toEqual([50, 50, 20]);
      const listed = pages.flat();
      expect(listed.map((e) => e.id)).toEqual(
        [...listed].sort((x, y) => y.receivedAt - x.receivedAt || (x.id < y.id ? 1 : -1)).map((e) => e.id),
      );
      expect(listed.map((e) => e.id).sort()).toEqual([...stored].sort());
    });

    it('pages 50 by default, and 500 at most', async () => {
      for (let i = 0; i < 505; i++) await store().insertEvent(anEvent({ receivedAt: T0 + i }), []);
      const defaulted = await store().listEvents({});
      expect(defaulted.items).toHaveLength(50);
      expect(defaulted.nextCursor).not.toBeNull();
      const capped = await store().listEvents({ limit: 10_000 });
      expect(capped.items).toHaveLength(500);
      expect(capped.items[0]?.receivedAt).toBe(T0 + 504);
      const rest = await store().listEvents({ limit: 10_000, cursor: capped.nextCursor! });
      expect(rest.items.map((e) => e.receivedAt)).toEqual([T0 + 4, T0 + 3, T0 + 2, T0 + 1, T0]);
      expect(rest.nextCursor).toBeNull();
    });

    it('refuses a cursor it did not hand out', async () => {
      await expect(store().listEvents({ cursor: 'not-a-cursor' })).rejects.toThrow(/cursor/);
    });

    it('finds the events with one dedup key, across providers or with the provider given', async () => {
      const stripe = anEvent({ provider: 'stripe', dedupKey: 'evt_shared', receivedAt: T0 + 1 });
      const github = anEvent({ provider: 'github', dedupKey: 'evt_shared', receivedAt: T0 + 2 });
      const other = anEvent({ provider: 'stripe', dedupKey: 'evt_shared_not', receivedAt: T0 + 3 });
      for (const event of [stripe, github, other]) await store().insertEvent(event, []);
      const ids = async (filter: Parameters<ReturnType<typeof store>['listEvents']>[0]): Promise<string[]> =>
        (await store().listEvents(filter)).items.map((e) => e.id);

      expect(await ids({ dedupKey: 'evt_shared' })).toEqual([github.id, stripe.id]);
      expect(await ids({ dedupKey: 'evt_shared', provider: 'stripe' })).toEqual([stripe.id]);
      expect(await ids({ dedupKey: 'evt_shared', provider: 'sentry' })).toEqual([]);
      // Exact, not a prefix or a pattern: LIKE wildcards mean nothing here.
      expect(await ids({ dedupKey: 'evt_shared%' })).toEqual([]);
      expect(await ids({ dedupKey: 'evt_%' })).toEqual([]);
    });

    it('searches one text as a dedup key, a provider or an event type, with the other filters and paging', async () => {
      const byKey = anEvent({ provider: 'stripe', eventType: 'charge.refunded', dedupKey: 'push', receivedAt: T0 + 1 });
      const byProvider = anEvent({ provider: 'push', eventType: 'ping', receivedAt: T0 + 2 });
      const byType = anEvent({ provider: 'github', eventType: 'push', receivedAt: T0 + 3, status: 'ignored' });
      const neither = anEvent({ provider: 'github', eventType: 'pull_request', dedupKey: 'pushed', receivedAt: T0 + 4 });
      for (const event of [byKey, byProvider, byType, neither]) await store().insertEvent(event, []);
      const ids = async (filter: Parameters<ReturnType<typeof store>['listEvents']>[0]): Promise<string[]> =>
        (await store().listEvents(filter)).items.map((e) => e.id);

      expect(await ids({ search: 'push' })).toEqual([byType.id, byProvider.id, byKey.id]);
      expect(await ids({ search: 'push', status: 'accepted' })).toEqual([byProvider.id, byKey.id]);
      expect(await ids({ search: 'push', provider: 'stripe' })).toEqual([byKey.id]);
      expect(await ids({ search: "push' OR 1=1 --" })).toEqual([]);

      const first = await store().listEvents({ search: 'push', limit: 2 });
      expect(first.items.map((e) => e.id)).toEqual([byType.id, byProvider.id]);
      expect(await ids({ search: 'push', limit: 2, cursor: first.nextCursor! })).toEqual([byKey.id]);
    });
  });

  describe('listDeliveries', function listDeliveriesSuite() {
    it('filters by status (pending covers in flight), route, target and since', async () => {
      const [pending, inFlight, delivered] = await seedDeliveries(
        store(),
        [
          { route: 'r1', target: 't1', nextAttemptAt: T0 + 60 * SECOND },
          { route: 'r1', target: 't2', nextAttemptAt: T0 },
          { route: 'r2', target: 't3', nextAttemptAt: T0 },
        ],
        { receivedAt: T0 },
      );
      const [dead] = await seedDeliveries(store(), [{ route: 'r2', target: 't1', status: 'dead', deadReason: 'map_error', body: null }], {
        receivedAt: T0 + 5,
      });
      await store().claim({ target: 't2', limit: 1, now: T0, leaseMs: SECOND, workerId: 'w' });
      await store().claim({ target: 't3', limit: 1, now: T0, leaseMs: SECOND, workerId: 'w' });
      await store().completeAttempt(delivered!, 'w', anAttempt(), { status: 'delivered' });
      const ids = async (filter: Parameters<ReturnType<typeof store>['listDeliveries']>[0]): Promise<string[]> =>
        (await store().listDeliveries(filter)).items.map((d) => d.id).sort();

      expect(await ids({})).toEqual([pending!, inFlight!, delivered!, dead!].sort());
      expect(await ids({ status: 'pending' })).toEqual([pending!, inFlight!].sort());
      expect(await ids({ status: 'delivered' })).toEqual([delivered!]);
      expect(await ids({ status: 'dead' })).toEqual([dead!]);
      expect(await ids({ route: 'r1' })).toEqual([pending!, inFlight!].sort());
      expect(await ids({ target: 't1' })).toEqual([pending!, dead!].sort());
      expect(await ids({ route: 'r2', target: 't1' })).toEqual([dead!]);
      expect(await ids({ since: T0 + 5 })).toEqual([dead!]);
      expect((await store().listDeliveries({})).items[0]?.id).toBe(dead);
    });

    it('pages newest first without duplicates or gaps', async () => {
      const stored: string[] = [];
      for (let i = 0; i < 26; i++) {
        const deliveries = [aDelivery(), aDelivery(), aDelivery()];
        await store().insertEvent(anEvent({ receivedAt: T0 + Math.floor(i / 4) }), deliveries);
        stored.push(...deliveries.map((d) => d.id));
      }
      const pages = await allPages((cursor) => store().listDeliveries({ limit: 25, ...(cursor ? { cursor } : {}) }));

      expect(pages.map((p) => p.length)).toEqual([25, 25, 25, 3]);
      const listed = pages.flat();
      expect(listed.map((d) => d.id)).toEqual(
        [...listed].sort((x, y) => y.createdAt - x.createdAt || (x.id < y.id ? 1 : -1)).map((d) => d.id),
      );
      expect(listed.map((d) => d.id).sort()).toEqual([...stored].sort());
    });

    it('refuses an events cursor', async () => {
      for (let i = 0; i < 3; i++) await store().insertEvent(anEvent({ receivedAt: T0 + i }), []);
      const page = await store().listEvents({ limit: 1 });
      await expect(store().listDeliveries({ cursor: page.nextCursor! })).rejects.toThrow(/cursor/);
    });
  });
}
