import { Client } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { aDelivery, anEvent } from '../../test/support/store/contract-fixtures.ts';
import type { CuttableProxy } from '../../test/support/store/postgres-proxy.ts';
import { startCuttableProxy } from '../../test/support/store/postgres-proxy.ts';
import { dropSchemas, freshSchemaName, TEST_PG_URL } from '../../test/support/store/postgres-schema.ts';
import { openStore } from './open.ts';
import type { PostgresStore } from './postgres.ts';
import { isUnavailableError, openPostgresStore } from './postgres.ts';

const CLOSED_PORT_URL = 'postgres://postgres:hunter2@127.0.0.1:1/test';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls (bounded) until `done` holds; the test then asserts on the state, not on time. */
async function eventually(done: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !done(); i++) await sleep(20);
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a rejection'),
    (error: unknown) => error,
  );
}

describe('PostgresStore when the database is unreachable', () => {
  const schemas: string[] = [];
  const stores: PostgresStore[] = [];
  let proxy: CuttableProxy | null = null;

  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    await proxy?.close();
    proxy = null;
    await dropSchemas(schemas.splice(0));
  });

  it('rejects with an unavailable error, without the password, when nothing listens', async () => {
    const store = openPostgresStore(CLOSED_PORT_URL, { connectTimeoutMs: 2000 });
    stores.push(store);
    for (const attempt of [store.ping(), store.migrate(), store.insertEvent(anEvent(), [])]) {
      const error = await failure(attempt);
      expect(isUnavailableError(error)).toBe(true);
      expect(String(error)).not.toContain('hunter2');
    }

    const opened = await failure(openStore(CLOSED_PORT_URL));
    expect(isUnavailableError(opened)).toBe(true);
    expect(String(opened)).not.toContain('hunter2');
  });

  it('survives its connections being terminated by the server, and carries on with new ones', async () => {
    const idleErrors: Error[] = [];
    const schema = freshSchemaName();
    schemas.push(schema);
    const store = openPostgresStore(TEST_PG_URL, { schema, poolMax: 3, onIdleError: (error) => idleErrors.push(error) });
    stores.push(store);
    await store.migrate();
    // Three idle connections in the pool, and their server process ids.
    const clients = await Promise.all([store.pool.connect(), store.pool.connect(), store.pool.connect()]);
    const pids = await Promise.all(
      clients.map(async (c) => (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid),
    );
    for (const client of clients) client.release();

    const admin = new Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
    } finally {
      await admin.end();
    }
    await eventually(() => idleErrors.length === 3);

    expect(idleErrors).toHaveLength(3);
    expect(idleErrors.every(isUnavailableError)).toBe(true);
    await expect(store.ping()).resolves.toBeUndefined();
    expect((await store.insertEvent(anEvent(), [aDelivery()])).duplicate).toBe(false);
  });

  it('answers unavailable while the database is cut off, and recovers by itself when it is back', async () => {
    proxy = await startCuttableProxy(Number(new URL(TEST_PG_URL).port || 5432), new URL(TEST_PG_URL).hostname);
    const viaProxy = new URL(TEST_PG_URL);
    viaProxy.port = String(proxy.port);
    const schema = freshSchemaName();
    schemas.push(schema);
    // No onIdleError: the store must keep the pool's idle 'error' events from crashing the process.
    const store = openPostgresStore(viaProxy.toString(), { schema, poolMax: 3, connectTimeoutMs: 2000 });
    stores.push(store);
    await store.migrate();
    const before = anEvent();
    await store.insertEvent(before, [aDelivery()]);
    await Promise.all([store.ping(), store.ping(), store.ping()]);

    await proxy.cut();
    expect(store.pool.idleCount).toBeGreaterThan(0);
    await eventually(() => store.pool.totalCount === 0);
    // Every idle connection failed, and the pool dropped it.
    expect(store.pool.totalCount).toBe(0);
    for (const attempt of [store.ping(), store.insertEvent(anEvent(), []), store.listEvents({})]) {
      expect(isUnavailableError(await failure(attempt))).toBe(true);
    }

    await proxy.restore();
    await expect(store.ping()).resolves.toBeUndefined();
    expect(await store.insertEvent(anEvent({ dedupKey: before.dedupKey }), [])).toEqual({ duplicate: true, eventId: before.id });
    expect((await store.listEvents({})).items.map((e) => e.id)).toEqual([before.id]);
  });
});

describe('openStore with a postgres URL', () => {
  it('opens a migrated PostgreSQL store; the schema comes from the URL', async () => {
    const schema = freshSchemaName();
    const store = await openStore(`${TEST_PG_URL.replace(/^postgres:/, 'postgresql:')}?schema=${schema}`);
    try {
      expect(store.kind).toBe('postgres');
      expect(await store.listEvents({})).toEqual({ items: [], nextCursor: null });
    } finally {
      await store.close();
      await dropSchemas([schema]);
    }
  });
});
