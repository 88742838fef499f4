/**
 * Migration 4 (sending mark, round start, wider dead reasons) on a store that already holds work:
 * every delivery, its attempts and their order survive, the new columns start empty, and the new
 * dead reason can be stored. On SQLite the deliveries table is rebuilt, which with foreign keys on
 * would have deleted every attempt.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { anAttempt, T0 } from '../../test/support/store/contract-fixtures.ts';
import { freshSchemaName, storeTracker } from '../../test/support/store/postgres-schema.ts';
import { POSTGRES_MIGRATIONS } from './migrations/postgres.ts';
import { SQLITE_MIGRATIONS } from './migrations/sqlite.ts';
import { migratePostgres } from './postgres-migrate.ts';
import { openSqliteStore } from './sqlite.ts';
import type { Store } from './types.ts';

const BEFORE = 3;

const OLD = { eventId: 'evt_old', deliveryIds: ['dlv_c', 'dlv_a', 'dlv_b'] };

/**
 * Rows as the previous release wrote them: one event, three deliveries (ids out of order, to see
 * that listing order survives), one attempt. Plain SQL: today's store code names the new columns.
 * `$` is the placeholder style: `?` for SQLite, `$n` for PostgreSQL.
 */
async function seedOldRows(run: (sql: string, values: unknown[]) => Promise<unknown>, p: (n: number) => string): Promise<void> {
  const list = (from: number, count: number): string => Array.from({ length: count }, (_, i) => p(from + i)).join(', ');
  await run(
    `INSERT INTO events (id, provider, event_type, dedup_key, received_at, config_sha256, headers, raw_body, status, ignored)
     VALUES (${list(1, 10)})`,
    [OLD.eventId, 'stripe', 'x.created', 'k1', T0, 'sha', '{}', Buffer.from('{}'), 'accepted', '[]'],
  );
  for (const id of OLD.deliveryIds) {
    await run(
      `INSERT INTO deliveries (id, event_id, provider, event_type, route, target, idempotency_key, body, status,
         attempts_in_round, attempt_count, next_attempt_at, created_at, updated_at)
       VALUES (${list(1, 14)})`,
      [
        id,
        OLD.eventId,
        'stripe',
        'x.created',
        `r-${id}`,
        't',
        `hg_${id}`,
        Buffer.from('{}'),
        'pending',
        id === 'dlv_c' ? 1 : 0,
        id === 'dlv_c' ? 1 : 0,
        T0,
        T0,
        T0,
      ],
    );
  }
  await run(`INSERT INTO attempts (delivery_id, number, started_at, duration_ms, status_code, error, outcome) VALUES (${list(1, 7)})`, [
    'dlv_c',
    1,
    T0,
    5,
    503,
    'HTTP 503',
    'retry',
  ]);
}

async function expectWorkKept(store: Store, old: typeof OLD): Promise<void> {
  const event = await store.getEvent(old.eventId);
  expect(event?.deliveries.map((d) => d.id)).toEqual(old.deliveryIds);
  const attempts = event?.deliveries.flatMap((d) => d.attempts) ?? [];
  expect(attempts.map((a) => a.statusCode)).toEqual([503]);
  for (const delivery of event?.deliveries ?? []) expect(delivery.roundStartedAt).toBe(delivery.createdAt);

  // The wider dead reasons are accepted now.
  const [claimed] = await store.claim({ target: 't', limit: 1, now: T0 + 1, leaseMs: 60_000, workerId: 'w2' });
  expect(claimed).toBeDefined();
  const expired = { status: 'dead', deadReason: 'expired', error: 'expired: test' } as const;
  expect(await store.completeAttempt(claimed!.id, 'w2', anAttempt({ outcome: 'dead' }), expired)).toBe(true);
  expect(await store.getDelivery(claimed!.id)).toMatchObject({ status: 'dead', deadReason: 'expired' });
}

describe('migration 4 on SQLite', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every delivery, attempt and listing order, with foreign keys still enforced after', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookgate-migrate-'));
    const file = join(dir, 'old.db');
    // A store as the previous release left it: migrations up to 3 only.
    const db = new Database(file);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    for (const migration of SQLITE_MIGRATIONS.filter((m) => m.version <= BEFORE)) {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.name, T0);
    }
    await seedOldRows(
      async (sql, values) => db.prepare(sql).run(...values),
      () => '?',
    );
    db.close();

    const store = openSqliteStore(file);
    await store.migrate();
    try {
      await expectWorkKept(store, OLD);
      expect(store.settings().foreignKeys).toBe(1);
      const versions = new Database(file, { readonly: true });
      expect(versions.prepare('SELECT MAX(version) AS v FROM schema_migrations').get()).toEqual({ v: SQLITE_MIGRATIONS.at(-1)?.version });
      expect(versions.pragma('foreign_key_check')).toEqual([]);
      versions.close();
    } finally {
      await store.close();
    }
  });
});

describe('migration 4 on PostgreSQL', () => {
  const tracker = storeTracker();
  afterEach(() => tracker.dispose());

  it('keeps every delivery and attempt, and accepts the new dead reasons', async () => {
    const schema = freshSchemaName();
    const store = tracker.open(schema);
    await migratePostgres(
      store.pool,
      schema,
      POSTGRES_MIGRATIONS.filter((m) => m.version <= BEFORE),
      T0,
    );
    await seedOldRows(
      (sql, values) => store.pool.query(sql, values),
      (n) => `$${n}`,
    );
    await store.migrate();
    await expectWorkKept(store, OLD);
  });
});
