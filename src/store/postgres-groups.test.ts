/** Fire shaping across replicas: two stores (two pools) racing on one PostgreSQL schema. */
import { afterEach, describe, expect, it } from 'vitest';
import { aDelivery, anEvent, SECOND, T0 } from '../../test/support/store/contract-fixtures.ts';
import { freshSchemaName, storeTracker } from '../../test/support/store/postgres-schema.ts';
import type { GroupJoin } from './groups-types.ts';
import type { PostgresStore } from './postgres.ts';

const JOIN: GroupJoin = { route: 'triage', key: 'k', waitMs: 30 * SECOND, maxWaitMs: 300 * SECOND, max: 1000, cooldownMs: null };

describe('PostgreSQL groups across replicas', () => {
  const tracker = storeTracker();
  afterEach(() => tracker.dispose());

  async function replicas(): Promise<[PostgresStore, PostgresStore]> {
    const schema = freshSchemaName();
    const a = tracker.open(schema, { poolMax: 8 });
    const b = tracker.open(schema, { poolMax: 8 });
    await a.migrate();
    return [a, b];
  }

  it('events of one key joining from two replicas at once all land in one group, each with its own place', async () => {
    const [a, b] = await replicas();
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        (i % 2 === 0 ? a : b).groups.insertShapedEvent(anEvent({ receivedAt: T0 + i }), [], { joins: [JOIN], gates: [] }),
      ),
    );
    const groupIds = new Set(results.map((r) => (r.shaped[0]?.outcome === 'grouped' ? r.shaped[0].groupId : 'none')));
    expect([...groupIds]).toHaveLength(1);
    const counts = results.map((r) => (r.shaped[0]?.outcome === 'grouped' ? r.shaped[0].count : 0)).sort((x, y) => x - y);
    expect(counts).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    const [group] = await a.groups.listOpenGroups();
    expect(group?.count).toBe(120);
    expect(await b.groups.groupMembers(group!.id)).toHaveLength(120);
  });

  it('two replicas claiming and firing due groups at once fire each group exactly once', async () => {
    const [a, b] = await replicas();
    const keys = Array.from({ length: 40 }, (_, i) => `issue-${i}`);
    for (const key of keys) {
      for (let n = 0; n < 3; n++) {
        await a.groups.insertShapedEvent(anEvent({ receivedAt: T0 + n }), [], { joins: [{ ...JOIN, key }], gates: [] });
      }
    }
    const due = T0 + 60 * SECOND;
    async function drain(store: PostgresStore, owner: string): Promise<string[]> {
      const fired: string[] = [];
      for (;;) {
        const claimed = await store.groups.claimDueGroups({ now: due, limit: 3, leaseMs: 60 * SECOND, owner });
        if (claimed.length === 0) return fired;
        for (const group of claimed) {
          const result = await store.groups.fireGroup({
            groupId: group.id,
            owner,
            now: due,
            deliveries: [aDelivery({ route: 'triage', idempotencyKey: `group-${group.id}`, nextAttemptAt: due })],
            cooldownMs: null,
          });
          if (result === 'fired') fired.push(group.key);
        }
      }
    }
    const [byA, byB] = await Promise.all([drain(a, 'a'), drain(b, 'b')]);
    expect([...byA, ...byB].sort()).toEqual([...keys].sort());
    const deliveries = await a.pool.query<{ n: number; keys: number }>(
      'SELECT COUNT(*)::int AS n, COUNT(DISTINCT idempotency_key)::int AS keys FROM deliveries',
    );
    expect(deliveries.rows[0]).toEqual({ n: 40, keys: 40 });
  });

  it('of events racing for one cooldown key on two replicas, exactly one fires', async () => {
    const [a, b] = await replicas();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 === 0 ? a : b).groups.insertShapedEvent(anEvent({ receivedAt: T0 }), [], {
          joins: [],
          gates: [{ route: 'alerts', key: 'db', forMs: 600 * SECOND, deliveries: [aDelivery({ route: 'alerts' })] }],
        }),
      ),
    );
    const outcomes = results.map((r) => r.shaped[0]?.outcome);
    expect(outcomes.filter((o) => o === 'fired')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'cooldown')).toHaveLength(29);
    const stored = await a.pool.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM deliveries');
    expect(stored.rows[0]?.n).toBe(1);
  });
});
