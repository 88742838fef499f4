import { afterEach, describe, expect, it } from 'vitest';
import { storeContract } from '../../test/support/store/contract.ts';
import { aDelivery, anAttempt, anEvent, SECOND, seedDeliveries, T0 } from '../../test/support/store/contract-fixtures.ts';
import { dropSchemas, freshSchemaName, storeTracker, TEST_PG_URL } from '../../test/support/store/postgres-schema.ts';
import { POSTGRES_MIGRATIONS } from './migrations/postgres.ts';
import type { PostgresStore } from './postgres.ts';
import { openPostgresStore } from './postgres.ts';

let contractSchema = '';

storeContract(
  'postgres',
  async function openFreshSchema() {
    contractSchema = freshSchemaName();
    const store = openPostgresStore(TEST_PG_URL, { schema: contractSchema, poolMax: 8 });
    await store.migrate();
    return store;
  },
  async function dropFreshSchema() {
    await dropSchemas([contractSchema]);
  },
);

describe('PostgresStore', () => {
  const tracker = storeTracker();
  afterEach(() => tracker.dispose());

  /** `count` stores (each with its own pool) on one fresh, migrated schema. */
  async function replicas(count: number): Promise<PostgresStore[]> {
    const schema = freshSchemaName();
    const stores = Array.from({ length: count }, () => tracker.open(schema));
    await stores[0]!.migrate();
    return stores;
  }

  it('puts its tables in the schema, and sets the statement timeout and search_path on every connection', async () => {
    const schema = freshSchemaName();
    const store = await tracker.openMigrated(schema, { statementTimeoutMs: 1234 });
    const clients = await Promise.all([store.pool.connect(), store.pool.connect()]);
    try {
      for (const client of clients) {
        const settings = await client.query<{ timeout: string; path: string; current: string }>(
          `SELECT current_setting('statement_timeout') AS timeout, current_setting('search_path') AS path, current_schema() AS current`,
        );
        expect(settings.rows[0]).toEqual({ timeout: '1234ms', path: schema, current: schema });
      }
    } finally {
      for (const client of clients) client.release();
    }
    const tables = await store.pool.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    );
    expect(tables.rows.map((row) => row.table_name)).toEqual([
      'attempts',
      'budget_pauses',
      'budget_units',
      'deliveries',
      'event_shapes',
      'events',
      'route_cooldowns',
      'route_groups',
      'schema_migrations',
      'target_pacing',
      'target_pauses',
    ]);
  });

  it('cancels a statement that runs past the statement timeout', async () => {
    const store = await tracker.openMigrated(freshSchemaName(), { statementTimeoutMs: 50 });
    const error: unknown = await store.pool.query('SELECT pg_sleep(5)').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '57014' });
  });

  it('takes pool size, statement timeout and schema from the URL query, options first', async () => {
    const schema = freshSchemaName();
    const store = openPostgresStore(`${TEST_PG_URL}?pool=3&statement_timeout=4321&schema=${schema}`);
    const overridden = openPostgresStore(`${TEST_PG_URL}?pool=3&statement_timeout=4321&schema=${schema}`, {
      poolMax: 5,
      statementTimeoutMs: 99,
    });
    const defaulted = openPostgresStore(TEST_PG_URL);
    try {
      await store.migrate();
      expect(store.schema).toBe(schema);
      expect(store.pool.options.max).toBe(3);
      expect((await store.pool.query<{ t: string }>(`SELECT current_setting('statement_timeout') AS t`)).rows[0]?.t).toBe('4321ms');
      expect(overridden.pool.options.max).toBe(5);
      expect((await overridden.pool.query<{ t: string }>(`SELECT current_setting('statement_timeout') AS t`)).rows[0]?.t).toBe('99ms');
      expect(defaulted.pool.options.max).toBe(10);
    } finally {
      await defaulted.close();
      await store.close();
      await overridden.close();
      await dropSchemas([schema]);
    }
  });

  it('records one schema_migrations row per version when four replicas migrate a fresh schema at once', async () => {
    const schema = freshSchemaName();
    const stores = Array.from({ length: 4 }, () => tracker.open(schema));
    await Promise.all(stores.map((store) => store.migrate()));
    await stores[1]!.migrate();

    const rows = await stores[0]!.pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.rows.map((row) => row.version)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
    await stores[2]!.insertEvent(anEvent(), [aDelivery()]);
    expect((await stores[3]!.listDeliveries({})).items).toHaveLength(1);
  });

  it('stores one event when replicas on separate pools insert the same keys at once', async () => {
    const stores = await replicas(3);
    const keys = Array.from({ length: 15 }, (_, i) => `dup-${i}`);
    const results = await Promise.all(
      stores.flatMap((store) =>
        keys.map(async (dedupKey) => {
          const event = anEvent({ dedupKey });
          return { dedupKey, ownId: event.id, result: await store.insertEvent(event, [aDelivery(), aDelivery()]) };
        }),
      ),
    );

    for (const key of keys) {
      const forKey = results.filter((r) => r.dedupKey === key);
      const winners = forKey.filter((r) => !r.result.duplicate);
      expect(winners).toHaveLength(1);
      expect(forKey.every((r) => r.result.eventId === winners[0]!.ownId)).toBe(true);
    }
    const events = (await stores[0]!.listEvents({ limit: 500 })).items;
    expect(events.map((e) => e.dedupKey).sort()).toEqual([...keys].sort());
    expect((await stores[1]!.listDeliveries({ limit: 500 })).items).toHaveLength(keys.length * 2);
  });

  it('never hands one delivery to two replicas claiming at the same time (SKIP LOCKED)', async () => {
    const [a, b] = await replicas(2);
    const ids = await seedDeliveries(
      a!,
      Array.from({ length: 40 }, (_, i) => ({ target: 't', nextAttemptAt: T0 + i })),
    );
    const claimed: string[][] = [[], []];
    const now = T0 + 1000;

    async function drain(store: PostgresStore, index: number): Promise<void> {
      // Bounded: 40 deliveries, at least one per non-empty round.
      for (let round = 0; round < 60; round++) {
        const batch = await store.claim({ target: 't', limit: 3, now, leaseMs: 60 * SECOND, workerId: `w${index}` });
        if (batch.length === 0) return;
        claimed[index]!.push(...batch.map((d) => d.id));
      }
    }
    await Promise.all([drain(a!, 0), drain(b!, 1), drain(a!, 0), drain(b!, 1)]);

    const all = claimed.flat();
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual([...ids].sort());
  });

  it('claims past rows another replica holds locked instead of waiting for them (SKIP LOCKED)', async () => {
    const [a, b] = await replicas(2);
    const ids = await seedDeliveries(
      a!,
      Array.from({ length: 10 }, (_, i) => ({ target: 't', nextAttemptAt: T0 + i })),
    );
    // Replica b is in the middle of a claim: it holds the three oldest due rows.
    const held = await b!.pool.connect();
    try {
      await held.query('BEGIN');
      const locked = await held.query<{ id: string }>(
        `SELECT id FROM deliveries WHERE status = 'pending' ORDER BY next_attempt_at, id LIMIT 3 FOR UPDATE`,
      );
      const lockedIds = locked.rows.map((r) => r.id);
      const got = await a!.claim({ target: 't', limit: 10, now: T0 + 1000, leaseMs: 60 * SECOND, workerId: 'wa' });
      expect(got.map((d) => d.id).sort()).toEqual(ids.filter((id) => !lockedIds.includes(id!)).sort());
    } finally {
      await held.query('ROLLBACK');
      held.release();
    }
  });

  it("lets another replica take over a delivery whose lease ran out, and refuses the old holder's result", async () => {
    const [crashed, survivor] = await replicas(2);
    const [id] = await seedDeliveries(crashed!, [{ target: 't', nextAttemptAt: T0 }]);
    const lease = 30 * SECOND;
    expect((await crashed!.claim({ target: 't', limit: 5, now: T0, leaseMs: lease, workerId: 'crashed' })).map((d) => d.id)).toEqual([id]);

    expect(await survivor!.claim({ target: 't', limit: 5, now: T0 + lease - 1, leaseMs: lease, workerId: 'survivor' })).toEqual([]);
    expect(await survivor!.nextDueAt()).toBe(T0 + lease);
    const taken = await survivor!.claim({ target: 't', limit: 5, now: T0 + lease, leaseMs: lease, workerId: 'survivor' });
    expect(taken.map((d) => d.id)).toEqual([id]);

    expect(await crashed!.completeAttempt(id!, 'crashed', anAttempt(), { status: 'delivered' })).toBe(false);
    expect(await survivor!.completeAttempt(id!, 'survivor', anAttempt(), { status: 'delivered' })).toBe(true);
    expect(await crashed!.getDelivery(id!)).toMatchObject({ status: 'delivered', attemptCount: 1 });
  });

  it('counts in-flight deliveries of a target with a running lease, across replicas', async () => {
    const [a, b] = await replicas(2);
    await seedDeliveries(
      a!,
      Array.from({ length: 5 }, () => ({ target: 't', nextAttemptAt: T0 })),
    );
    await seedDeliveries(a!, [{ target: 'other', nextAttemptAt: T0 }]);
    await a!.claim({ target: 't', limit: 2, now: T0, leaseMs: 10 * SECOND, workerId: 'a' });
    await b!.claim({ target: 't', limit: 1, now: T0 + SECOND, leaseMs: 10 * SECOND, workerId: 'b' });
    await b!.claim({ target: 'other', limit: 1, now: T0, leaseMs: 10 * SECOND, workerId: 'b' });

    expect(await a!.countInFlight('t', T0 + SECOND)).toBe(3);
    expect(await b!.countInFlight('t', T0 + 10 * SECOND)).toBe(1);
    expect(await b!.countInFlight('t', T0 + 11 * SECOND)).toBe(0);
    expect(await a!.countInFlight('nobody', T0)).toBe(0);
  });

  it('claims no more than the concurrency across replicas claiming at once, and frees a place when one is done', async () => {
    const stores = await replicas(3);
    await seedDeliveries(
      stores[0]!,
      Array.from({ length: 12 }, (_, i) => ({ target: 't', nextAttemptAt: T0 + i })),
    );
    const request = { target: 't', limit: 3, now: T0 + 100, leaseMs: 60 * SECOND };
    const batches = await Promise.all(
      stores.flatMap((store, i) => [
        store.claimCapped({ ...request, workerId: `a${i}` }, 4),
        store.claimCapped({ ...request, workerId: `b${i}` }, 4),
      ]),
    );
    const claimed = batches.flat();
    expect(claimed).toHaveLength(4);
    expect(await stores[1]!.countInFlight('t', request.now)).toBe(4);
    expect(await stores[2]!.claimCapped({ ...request, workerId: 'late' }, 4)).toEqual([]);

    const done = claimed[0]!;
    expect(await stores[0]!.completeAttempt(done.id, done.leaseOwner!, anAttempt(), { status: 'delivered' })).toBe(true);
    expect(await stores[2]!.claimCapped({ ...request, workerId: 'late' }, 4)).toHaveLength(1);
    // Once leases run out, their deliveries no longer count, and are taken over.
    expect(await stores[1]!.claimCapped({ ...request, now: request.now + 60 * SECOND, workerId: 'next' }, 4)).toHaveLength(3);
  });

  it('purges dead letters in batches past the batch size', async () => {
    const store = await tracker.openMigrated();
    const deliveries = Array.from({ length: 620 }, () => aDelivery({ status: 'dead', deadReason: 'map_error', body: null }));
    await store.insertEvent(anEvent({ receivedAt: T0 }), deliveries);
    await store.insertEvent(anEvent({ receivedAt: T0 }), [aDelivery({ status: 'dead', deadReason: 'map_error', body: null })]);
    expect(await store.purge(T0 + 40 * 86_400_000, 7 * 86_400_000, 30 * 86_400_000)).toBe(2);
    expect((await store.listDeliveries({})).items).toEqual([]);
  });
});

describe('openPostgresStore', () => {
  it('never repeats the URL (it may hold a password) when it refuses it', () => {
    const bad = [
      'postgres://user:hunter2@db/x?pool=zero',
      'postgres://user:hunter2@db/x?statement_timeout=-1',
      'postgres://user:hunter2@db/x?schema=Drop Table',
      'postgres://user:hunter2@[db/x',
    ];
    for (const url of bad) {
      let message = '';
      try {
        openPostgresStore(url);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain('hunter2');
    }
    expect(() => openPostgresStore(TEST_PG_URL, { poolMax: 0 })).toThrow(/poolMax/);
    expect(() => openPostgresStore(TEST_PG_URL, { schema: 'x; drop' })).toThrow(/schema/);
  });
});
