/** Fire shaping in the store: groups joined and fired once, cooldown windows, what each event became. */
import { describe, expect, it } from 'vitest';
import type { GroupJoin, ShapedInsertResult } from '../../../src/store/groups-types.ts';
import type { NewEvent, Store } from '../../../src/store/types.ts';
import type { ContractContext } from './contract.ts';
import { aDelivery, anEvent, SECOND, T0 } from './contract-fixtures.ts';

const JOIN: GroupJoin = { route: 'triage', key: 'issue-1', waitMs: 30 * SECOND, maxWaitMs: 300 * SECOND, max: 100, cooldownMs: null };

async function join(
  store: Store,
  at: number,
  overrides: Partial<GroupJoin> = {},
  event: Partial<NewEvent> = {},
): Promise<ShapedInsertResult> {
  return store.groups.insertShapedEvent(anEvent({ receivedAt: at, ...event }), [], { joins: [{ ...JOIN, ...overrides }], gates: [] });
}

function grouped(result: ShapedInsertResult): { groupId: string; count: number; firesAt: number } {
  const shaped = result.shaped[0];
  if (shaped?.outcome !== 'grouped') throw new Error(`expected a grouped outcome, got ${JSON.stringify(result.shaped)}`);
  return { groupId: shaped.groupId, count: shaped.count, firesAt: shaped.firesAt };
}

export function groupsContract({ store }: ContractContext): void {
  describe('groups', function groupsSuite() {
    it('the first event of a key opens a group; later ones join it and push its fire time', async () => {
      const first = grouped(await join(store(), T0));
      expect(first).toMatchObject({ count: 1, firesAt: T0 + 30 * SECOND });
      const second = grouped(await join(store(), T0 + 20 * SECOND));
      expect(second).toEqual({ groupId: first.groupId, count: 2, firesAt: T0 + 50 * SECOND });
      expect(grouped(await join(store(), T0 + 40 * SECOND)).firesAt).toBe(T0 + 70 * SECOND);
      expect(grouped(await join(store(), T0 + 60 * SECOND)).count).toBe(4);
      const other = grouped(await join(store(), T0 + 65 * SECOND, { key: 'issue-2' }));
      expect(other.groupId).not.toBe(first.groupId);
      expect(await store().groups.listOpenGroups('triage')).toMatchObject([
        { id: first.groupId, key: 'issue-1', count: 4, firstAt: T0, lastAt: T0 + 60 * SECOND, firesAt: T0 + 90 * SECOND, status: 'open' },
        { id: other.groupId, key: 'issue-2', count: 1, firesAt: T0 + 95 * SECOND },
      ]);
      expect(await store().groups.openGroupCounts()).toEqual([{ route: 'triage', count: 2 }]);
    });

    it('maxWait caps the fire time of a group that never goes quiet', async () => {
      let last = grouped(await join(store(), T0, { maxWaitMs: 60 * SECOND }));
      for (let t = 20; t <= 50; t += 10) last = grouped(await join(store(), T0 + t * SECOND, { maxWaitMs: 60 * SECOND }));
      expect(last.firesAt).toBe(T0 + 60 * SECOND);
    });

    it('a duplicate event joins nothing', async () => {
      const event = anEvent({ receivedAt: T0 });
      const shape = { joins: [JOIN], gates: [] };
      expect(grouped(await store().groups.insertShapedEvent(event, [], shape)).count).toBe(1);
      const again = await store().groups.insertShapedEvent({ ...event, id: `${event.id}x` }, [], shape);
      expect(again).toEqual({ duplicate: true, eventId: event.id, shaped: [] });
      expect((await store().groups.listOpenGroups())[0]?.count).toBe(1);
    });

    it('a redelivered ignored event joins its group under the id it was first stored with', async () => {
      const ignored = anEvent({ receivedAt: T0, status: 'ignored', ignored: [{ route: 'triage', reason: 'filter returned false' }] });
      await store().insertEvent(ignored, []);
      const again = await store().groups.insertShapedEvent({ ...ignored, id: `${ignored.id}x`, status: 'accepted', ignored: [] }, [], {
        joins: [JOIN],
        gates: [],
      });
      expect(again.eventId).toBe(ignored.id);
      expect((await store().groups.listOpenGroups())[0]?.lastEventId).toBe(ignored.id);
      expect((await store().groups.eventShapes(ignored.id)).map((s) => s.outcome)).toEqual(['grouped']);
    });

    it('a group that reaches max is due at once, and the next event opens a new group', async () => {
      const a = grouped(await join(store(), T0, { max: 2 }));
      const b = grouped(await join(store(), T0 + SECOND, { max: 2 }));
      expect(b).toEqual({ groupId: a.groupId, count: 2, firesAt: T0 + SECOND });
      const c = grouped(await join(store(), T0 + 2 * SECOND, { max: 2 }));
      expect(c.groupId).not.toBe(a.groupId);
      expect(c.count).toBe(1);
      expect((await store().groups.listOpenGroups()).map((g) => [g.id, g.status])).toEqual([
        [a.groupId, 'closed'],
        [c.groupId, 'open'],
      ]);
      expect(await store().groups.nextGroupDueAt()).toBe(T0 + SECOND);
    });

    it('an event after a group went quiet opens a new group, even before the old one fired', async () => {
      const a = grouped(await join(store(), T0));
      const b = grouped(await join(store(), T0 + 31 * SECOND));
      expect(b.groupId).not.toBe(a.groupId);
      expect((await store().groups.listOpenGroups()).map((g) => [g.id, g.status, g.count])).toEqual([
        [a.groupId, 'closed', 1],
        [b.groupId, 'open', 1],
      ]);
    });

    it('an event arriving at the very millisecond its group is due opens a new group; one a millisecond earlier joins', async () => {
      const a = grouped(await join(store(), T0));
      const b = grouped(await join(store(), T0 + 30 * SECOND - 1));
      expect(b).toEqual({ groupId: a.groupId, count: 2, firesAt: T0 + 60 * SECOND - 1 });
      const c = grouped(await join(store(), T0 + 60 * SECOND - 1));
      expect(c.groupId).not.toBe(a.groupId);
      expect(c.count).toBe(1);
    });

    it('claims due groups once, hands out their events oldest first, and fires each once on the last event', async () => {
      const bodies = ['{"n":1}', '{"n":2}', '{"n":3}'];
      const events: NewEvent[] = [];
      for (const [i, body] of bodies.entries()) {
        const event = anEvent({ receivedAt: T0 + i * SECOND, rawBody: Buffer.from(body) });
        events.push(event);
        await store().groups.insertShapedEvent(event, [], { joins: [JOIN], gates: [] });
      }
      const notYet = await store().groups.claimDueGroups({ now: T0 + 31 * SECOND, limit: 10, leaseMs: 10 * SECOND, owner: 'a' });
      expect(notYet).toEqual([]);
      const due = T0 + 32 * SECOND;
      const [claimed, ...rest] = await store().groups.claimDueGroups({ now: due, limit: 10, leaseMs: 10 * SECOND, owner: 'a' });
      expect(rest).toEqual([]);
      expect(claimed).toMatchObject({ status: 'firing', count: 3, lastEventId: events[2]!.id });
      expect(await store().groups.claimDueGroups({ now: due, limit: 10, leaseMs: 10 * SECOND, owner: 'b' })).toEqual([]);

      const members = await store().groups.groupMembers(claimed!.id);
      expect(members.map((m) => [m.eventId, m.dedupKey, m.receivedAt, m.rawBody.toString()])).toEqual(
        events.map((e, i) => [e.id, e.dedupKey, e.receivedAt, bodies[i]]),
      );
      expect(members[0]!.headers).toEqual(events[0]!.headers);

      const delivery = aDelivery({ route: 'triage', nextAttemptAt: due });
      expect(await store().groups.fireGroup({ groupId: claimed!.id, owner: 'b', now: due, deliveries: [delivery], cooldownMs: null })).toBe(
        'lost',
      );
      expect(await store().groups.fireGroup({ groupId: claimed!.id, owner: 'a', now: due, deliveries: [delivery], cooldownMs: null })).toBe(
        'fired',
      );
      expect(
        await store().groups.fireGroup({ groupId: claimed!.id, owner: 'a', now: due, deliveries: [aDelivery()], cooldownMs: null }),
      ).toBe('lost');
      const last = await store().getEvent(events[2]!.id);
      expect(last?.deliveries.map((d) => [d.id, d.route, d.status, d.createdAt])).toEqual([[delivery.id, 'triage', 'pending', due]]);
      expect((await store().getEvent(events[0]!.id))?.deliveries).toEqual([]);
      expect(await store().groups.listOpenGroups()).toEqual([]);
      expect(await store().groups.nextGroupDueAt()).toBeNull();
      const shapes = await store().groups.eventShapes(events[0]!.id);
      expect(shapes).toMatchObject([
        { route: 'triage', outcome: 'grouped', until: null, group: { id: claimed!.id, status: 'fired', firedAt: due } },
      ]);
    });

    it('a claim whose lease ran out is taken over, and then only the new owner can fire', async () => {
      const { groupId } = grouped(await join(store(), T0));
      const due = T0 + 30 * SECOND;
      expect(await store().groups.claimDueGroups({ now: due, limit: 1, leaseMs: 5 * SECOND, owner: 'a' })).toHaveLength(1);
      expect(await store().groups.nextGroupDueAt()).toBe(due + 5 * SECOND);
      const taken = await store().groups.claimDueGroups({ now: due + 5 * SECOND, limit: 1, leaseMs: 5 * SECOND, owner: 'b' });
      expect(taken.map((g) => g.id)).toEqual([groupId]);
      expect(
        await store().groups.fireGroup({ groupId, owner: 'a', now: due + 6 * SECOND, deliveries: [aDelivery()], cooldownMs: null }),
      ).toBe('lost');
      expect(
        await store().groups.fireGroup({ groupId, owner: 'b', now: due + 6 * SECOND, deliveries: [aDelivery()], cooldownMs: null }),
      ).toBe('fired');
    });

    it('recoverFiringGroups makes claims of a previous run due again', async () => {
      const { groupId } = grouped(await join(store(), T0));
      await store().groups.claimDueGroups({ now: T0 + 30 * SECOND, limit: 1, leaseMs: 60 * SECOND, owner: 'dead' });
      expect(await store().groups.recoverFiringGroups()).toBe(1);
      const again = await store().groups.claimDueGroups({ now: T0 + 31 * SECOND, limit: 1, leaseMs: 60 * SECOND, owner: 'new' });
      expect(again.map((g) => g.id)).toEqual([groupId]);
    });

    it('after a fire with a cooldown, events of that key are recorded `cooldown` until the window ends, then group again', async () => {
      const cooling = { cooldownMs: 3600 * SECOND };
      const { groupId } = grouped(await join(store(), T0, cooling));
      const fireAt = T0 + 30 * SECOND;
      await store().groups.claimDueGroups({ now: fireAt, limit: 1, leaseMs: SECOND, owner: 'a' });
      expect(await store().groups.fireGroup({ groupId, owner: 'a', now: fireAt, deliveries: [aDelivery()], ...cooling })).toBe('fired');

      const during = anEvent({ receivedAt: fireAt + 60 * SECOND });
      const suppressed = await store().groups.insertShapedEvent(during, [], { joins: [{ ...JOIN, ...cooling }], gates: [] });
      expect(suppressed.shaped).toEqual([{ route: 'triage', outcome: 'cooldown', until: fireAt + 3600 * SECOND }]);
      expect(await store().groups.eventShapes(during.id)).toEqual([
        { route: 'triage', outcome: 'cooldown', group: null, until: fireAt + 3600 * SECOND },
      ]);
      // Another key is not cooling down.
      expect(grouped(await join(store(), fireAt + 60 * SECOND, { ...cooling, key: 'issue-2' })).count).toBe(1);
      expect(grouped(await join(store(), fireAt + 3600 * SECOND, cooling)).count).toBe(1);
    });

    it('a group due while its key is still cooling down is not fired (recorded as `cooldown`)', async () => {
      const cooling = { cooldownMs: 3600 * SECOND };
      const a = grouped(await join(store(), T0, cooling));
      await store().groups.claimDueGroups({ now: T0 + 30 * SECOND, limit: 1, leaseMs: SECOND, owner: 'a' });
      // A second group of the key opened while the first was firing.
      const b = grouped(await join(store(), T0 + 30 * SECOND, cooling));
      expect(b.groupId).not.toBe(a.groupId);
      expect(
        await store().groups.fireGroup({ groupId: a.groupId, owner: 'a', now: T0 + 31 * SECOND, deliveries: [aDelivery()], ...cooling }),
      ).toBe('fired');
      await store().groups.claimDueGroups({ now: T0 + 60 * SECOND, limit: 1, leaseMs: SECOND, owner: 'a' });
      expect(
        await store().groups.fireGroup({ groupId: b.groupId, owner: 'a', now: T0 + 60 * SECOND, deliveries: [aDelivery()], ...cooling }),
      ).toBe('cooldown');
      const [shape] = await store().groups.listOpenGroups();
      expect(shape).toBeUndefined();
    });

    it('an ungrouped route with a cooldown stores the first event’s deliveries and records the next ones `cooldown`', async () => {
      const gate = (at: number) => ({
        route: 'alerts',
        key: 'db',
        forMs: 600 * SECOND,
        deliveries: [aDelivery({ route: 'alerts', nextAttemptAt: at })],
      });
      const first = anEvent({ receivedAt: T0 });
      expect((await store().groups.insertShapedEvent(first, [], { joins: [], gates: [gate(T0)] })).shaped).toEqual([
        { route: 'alerts', outcome: 'fired' },
      ]);
      const second = anEvent({ receivedAt: T0 + 60 * SECOND });
      expect((await store().groups.insertShapedEvent(second, [], { joins: [], gates: [gate(T0 + 60 * SECOND)] })).shaped).toEqual([
        { route: 'alerts', outcome: 'cooldown', until: T0 + 600 * SECOND },
      ]);
      const third = anEvent({ receivedAt: T0 + 600 * SECOND });
      expect((await store().groups.insertShapedEvent(third, [], { joins: [], gates: [gate(T0 + 600 * SECOND)] })).shaped).toEqual([
        { route: 'alerts', outcome: 'fired' },
      ]);
      expect((await store().getEvent(first.id))?.deliveries).toHaveLength(1);
      expect((await store().getEvent(second.id))?.deliveries).toEqual([]);
      expect((await store().getEvent(third.id))?.deliveries).toHaveLength(1);
    });

    it('shapeStoredEvent joins a stored event once, and never passes a route it already has deliveries of', async () => {
      const ignored = anEvent({ receivedAt: T0, status: 'ignored' });
      await store().insertEvent(ignored, []);
      const shape = {
        joins: [JOIN],
        gates: [{ route: 'alerts', key: 'db', forMs: 600 * SECOND, deliveries: [aDelivery({ route: 'alerts' })] }],
      };
      const first = await store().groups.shapeStoredEvent(ignored.id, T0 + 100 * SECOND, shape);
      expect(first?.map((o) => o.outcome)).toEqual(['grouped', 'fired']);
      expect((await store().groups.listOpenGroups())[0]).toMatchObject({ firstAt: T0 + 100 * SECOND, count: 1, lastEventId: ignored.id });
      expect((await store().getEvent(ignored.id))?.status).toBe('accepted');
      const again = await store().groups.shapeStoredEvent(ignored.id, T0 + 200 * SECOND, {
        ...shape,
        gates: [{ ...shape.gates[0]!, deliveries: [aDelivery({ route: 'alerts' })] }],
      });
      expect(again).toEqual([]);
      expect((await store().groups.listOpenGroups())[0]?.count).toBe(1);
      expect((await store().getEvent(ignored.id))?.deliveries).toHaveLength(1);
      expect(await store().groups.shapeStoredEvent('evt_missing', T0, shape)).toBeNull();
    });

    it('purgeGroups deletes fired groups older than the cutoff and ended cooldowns', async () => {
      const { groupId } = grouped(await join(store(), T0, { cooldownMs: 60 * SECOND }));
      await store().groups.claimDueGroups({ now: T0 + 30 * SECOND, limit: 1, leaseMs: SECOND, owner: 'a' });
      await store().groups.fireGroup({ groupId, owner: 'a', now: T0 + 30 * SECOND, deliveries: [], cooldownMs: 60 * SECOND });
      const open = grouped(await join(store(), T0 + 100 * SECOND, { key: 'other' }));
      expect(await store().groups.purgeGroups(T0 + 31 * SECOND, T0 + 91 * SECOND)).toBe(1);
      expect((await store().groups.listOpenGroups()).map((g) => g.id)).toEqual([open.groupId]);
      // The cooldown ended and was purged: the key groups again at once.
      expect(grouped(await join(store(), T0 + 92 * SECOND, { cooldownMs: 60 * SECOND })).count).toBe(1);
    });
  });
}
