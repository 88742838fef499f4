/**
 * Test helpers for the PostgreSQL store: the test database's URL (HOOKGATE_TEST_PG_URL, default the
 * local server), fresh schema names, and dropping them again, so every test leaves the database
 * as it found it.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { PostgresStore, PostgresStoreOptions } from '../../../src/store/postgres.ts';
import { openPostgresStore } from '../../../src/store/postgres.ts';

export const TEST_PG_URL = process.env.HOOKGATE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function freshSchemaName(): string {
  return `hookgate_test_${randomBytes(6).toString('hex')}`;
}

export async function dropSchemas(names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  const client = new Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    for (const name of names) await client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(name)} CASCADE`);
  } finally {
    await client.end();
  }
}

/** Stores opened in a test, and the schemas they use: `dispose` closes and drops them all. */
export function storeTracker(): {
  open: (schema: string, options?: PostgresStoreOptions) => PostgresStore;
  openMigrated: (schema?: string, options?: PostgresStoreOptions) => Promise<PostgresStore>;
  dispose: () => Promise<void>;
} {
  const stores: PostgresStore[] = [];
  const schemas = new Set<string>();
  function open(schema: string, options: PostgresStoreOptions = {}): PostgresStore {
    const store = openPostgresStore(TEST_PG_URL, { poolMax: 4, ...options, schema });
    stores.push(store);
    schemas.add(schema);
    return store;
  }
  return {
    open,
    async openMigrated(schema = freshSchemaName(), options = {}) {
      const store = open(schema, options);
      await store.migrate();
      return store;
    },
    async dispose() {
      await Promise.all(stores.splice(0).map((store) => store.close()));
      const names = [...schemas];
      schemas.clear();
      await dropSchemas(names);
    },
  };
}
