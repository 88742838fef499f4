/** insertEvent, getEvent, getDelivery, ping and close. */
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './contract.ts';
import { aDelivery, anEvent, T0 } from './contract-fixtures.ts';

export function insertContract({ store }: ContractContext): void {
  describe('insertEvent', function insertSuite() {
    it('stores an accepted event and its deliveries, byte for byte', async () => {
      const rawBody = Buffer.from([0x7b, 0x22, 0xff, 0x00, 0xfe, 0x7d]); // not valid UTF-8 on purpose
      const event = anEvent({ rawBody, headers: { 'x-a': '1', 'user-agent': 'Stripe/1.0' } });
      const d1 = aDelivery({ route: 'r1', target: 't1', body: Buffer.from('{"a":1}'), nextAttemptAt: T0 + 5 });
      const d2 = aDelivery({ route: 'r2', target: 't2', body: null, status: 'dead', deadReason: 'map_error', error: 'map threw: boom' });

      expect(await store().insertEvent(event, [d1, d2])).toEqual({ duplicate: false, eventId: event.id });

      const got = await store().getEvent(event.id);
      expect(got).not.toBeNull();
      expect(got?.rawBody.equals(rawBody)).toBe(true);
      expect(got).toMatchObject({
        id: event.id,
        provider: 'stripe',
        eventType: 'customer.created',
        dedupKey: event.dedupKey,
        receivedAt: T0,
        configSha256: event.configSha256,
        headers: { 'x-a': '1', 'user-agent': 'Stripe/1.0' },
        status: 'accepted',
        ignored: [],
      });
      const deliveries = got?.deliveries ?? [];
      expect(deliveries.map((d) => d.id).sort()).toEqual([d1.id, d2.id].sort());
      const first = deliveries.find((d) => d.id === d1.id);
      expect(first).toMatchObject({
        eventId: event.id,
        provider: 'stripe',
        eventType: 'customer.created',
        route: 'r1',
        target: 't1',
        idempotencyKey: d1.idempotencyKey,
        status: 'pending',
        deadReason: null,
        error: null,
        attemptsInRound: 0,
        attemptCount: 0,
        nextAttemptAt: T0 + 5,
        createdAt: T0,
        leaseOwner: null,
        leaseExpiresAt: null,
        attempts: [],
      });
      expect(first?.body?.toString()).toBe('{"a":1}');
      expect(deliveries.find((d) => d.id === d2.id)).toMatchObject({
        status: 'dead',
        deadReason: 'map_error',
        error: 'map threw: boom',
        body: null,
      });
      expect(await store().getDelivery(d1.id)).toMatchObject({ id: d1.id, eventId: event.id, attempts: [] });
    });

    it('answers null for unknown ids', async () => {
      expect(await store().getEvent('evt_nope')).toBeNull();
      expect(await store().getDelivery('dlv_nope')).toBeNull();
    });

    it('stores a (provider, dedup key) once and answers a duplicate with the existing id, writing nothing', async () => {
      const first = anEvent({ dedupKey: 'same' });
      await store().insertEvent(first, [aDelivery()]);
      const again = anEvent({ dedupKey: 'same', eventType: 'other.type' });
      const extra = aDelivery();

      expect(await store().insertEvent(again, [extra])).toEqual({ duplicate: true, eventId: first.id });
      expect(await store().getEvent(again.id)).toBeNull();
      expect(await store().getDelivery(extra.id)).toBeNull();
      const page = await store().listEvents({});
      expect(page.items.map((e) => e.id)).toEqual([first.id]);
      expect((await store().listDeliveries({})).items).toHaveLength(1);
    });

    it('keeps dedup keys per provider: the same key from two providers is two events', async () => {
      const stripe = anEvent({ provider: 'stripe', dedupKey: 'k1' });
      const github = anEvent({ provider: 'github', dedupKey: 'k1' });
      expect(await store().insertEvent(stripe, [])).toEqual({ duplicate: false, eventId: stripe.id });
      expect(await store().insertEvent(github, [])).toEqual({ duplicate: false, eventId: github.id });
      expect((await store().listEvents({})).items).toHaveLength(2);
    });

    it('stores concurrent inserts of one key exactly once', async () => {
      const attempts = Array.from({ length: 20 }, () => ({ event: anEvent({ dedupKey: 'race' }), delivery: aDelivery() }));
      const results = await Promise.all(attempts.map((a) => store().insertEvent(a.event, [a.delivery])));

      const winners = results.filter((r) => !r.duplicate);
      expect(winners).toHaveLength(1);
      const winnerId = winners[0]?.eventId;
      expect(results.every((r) => r.eventId === winnerId)).toBe(true);
      expect((await store().listEvents({})).items.map((e) => e.id)).toEqual([winnerId]);
      const deliveries = (await store().listDeliveries({})).items;
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]?.eventId).toBe(winnerId);
    });

    it('records an ignored event with its reasons and no deliveries', async () => {
      const ignored = [
        { route: 'onboarding', reason: 'event type customer.deleted not in events' },
        { route: 'billing', reason: 'filter returned false' },
      ];
      const event = anEvent({ status: 'ignored', ignored, eventType: 'customer.deleted' });
      expect(await store().insertEvent(event, [])).toEqual({ duplicate: false, eventId: event.id });
      const got = await store().getEvent(event.id);
      expect(got).toMatchObject({ status: 'ignored', ignored, deliveries: [] });
    });

    it('lets a redelivery of an ignored event take its key over and be routed anew, keeping its id', async () => {
      const event = anEvent({ status: 'ignored', ignored: [{ route: 'r', reason: 'filter returned false' }] });
      await store().insertEvent(event, []);
      // The provider sends it again after routes.yaml was fixed: this time a route matches.
      const again = anEvent({ dedupKey: event.dedupKey, status: 'accepted', ignored: [], configSha256: 'b'.repeat(64) });
      const delivery = aDelivery();
      expect(await store().insertEvent(again, [delivery])).toEqual({ duplicate: false, eventId: event.id });
      const got = await store().getEvent(event.id);
      expect(got).toMatchObject({ status: 'accepted', ignored: [], configSha256: 'b'.repeat(64) });
      expect(got?.deliveries.map((d) => d.id)).toEqual([delivery.id]);
      expect(await store().getEvent(again.id)).toBeNull();
      // Accepted now: the key is held, and a third copy is a duplicate that writes nothing.
      const third = aDelivery();
      expect(await store().insertEvent(anEvent({ dedupKey: event.dedupKey }), [third])).toEqual({ duplicate: true, eventId: event.id });
      expect(await store().getDelivery(third.id)).toBeNull();
    });

    it('routes concurrent redeliveries of an ignored event exactly once', async () => {
      const event = anEvent({ status: 'ignored' });
      await store().insertEvent(event, []);
      const copies = Array.from({ length: 6 }, () => anEvent({ dedupKey: event.dedupKey, status: 'accepted' }));
      const results = await Promise.all(copies.map((copy) => store().insertEvent(copy, [aDelivery()])));
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect((await store().getEvent(event.id))?.deliveries).toHaveLength(1);
    });

    it('writes nothing when any part of the insert fails', async () => {
      const event = anEvent();
      const delivery = aDelivery();
      await expect(store().insertEvent(event, [delivery, { ...delivery }])).rejects.toThrow();
      expect(await store().getEvent(event.id)).toBeNull();
      expect(await store().getDelivery(delivery.id)).toBeNull();
      // The key is still free.
      expect((await store().insertEvent(anEvent({ dedupKey: event.dedupKey }), [])).duplicate).toBe(false);
    });
  });

  describe('ping and close', function pingSuite() {
    it('pings while open, fails after close, and closes twice without error', async () => {
      await expect(store().ping()).resolves.toBeUndefined();
      await store().close();
      await expect(store().ping()).rejects.toThrow();
      await expect(store().close()).resolves.toBeUndefined();
    });
  });
}
