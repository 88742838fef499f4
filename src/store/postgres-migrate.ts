/**
 * Applies pending migrations in one transaction that first takes a transaction-scoped advisory
 * lock: replicas starting together queue on the lock, and each one, once it holds it, sees what
 * the one before committed and applies only what is still missing. The schema itself is created
 * under the lock too (CREATE SCHEMA IF NOT EXISTS is not safe against a concurrent twin).
 */
import type { Pool, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import type { Migration } from './migrations/sqlite.ts';
import { inTransaction } from './postgres-tx.ts';

/** A migration may rebuild a large table: far longer than the pool's per-statement timeouts. */
export const MIGRATE_TIMEOUT_MS = 300_000;

/** First half of the two-int advisory lock key: "hookgate migrate". The second is the schema's hash. */
const LOCK_CLASS = 0x686b6d67;

export async function migratePostgres(pool: Pool, schema: string | null, migrations: readonly Migration[], now: number): Promise<number> {
  return inTransaction(pool, 'read write', async function applyPending(client): Promise<number> {
    function run<R extends QueryResultRow>(text: string, values: unknown[] = []): Promise<QueryResult<R>> {
      const query: QueryConfig & { query_timeout: number } = { text, values, query_timeout: MIGRATE_TIMEOUT_MS };
      return client.query<R>(query);
    }
    await run(`SET LOCAL statement_timeout = ${MIGRATE_TIMEOUT_MS}`);
    await run('SELECT pg_advisory_xact_lock($1::int, hashtext($2::text))', [LOCK_CLASS, schema ?? '']);
    // The connection's search_path already names the schema; it only has to exist.
    if (schema !== null) await run(`CREATE SCHEMA IF NOT EXISTS ${client.escapeIdentifier(schema)}`);
    await run(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at bigint NOT NULL
      )`);
    const current = await run<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
    const applied = current.rows[0]?.version ?? 0;
    let count = 0;
    for (const migration of migrations) {
      if (migration.version <= applied) continue;
      await run(migration.sql);
      await run('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, now]);
      count += 1;
    }
    return count;
  });
}
