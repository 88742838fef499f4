/**
 * The inspector's activity chart is asked for on every refresh: its queries must read settled
 * deliveries and events through indexes, never scan the tables, on both backends (checked with
 * each database's own plan, on a migrated schema).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchemas, freshSchemaName, TEST_PG_URL } from '../../test/support/store/postgres-schema.ts';
import { ACTIVITY_DELIVERIES_SQL, ACTIVITY_EVENTS_SQL, activityParams } from './activity.ts';
import { openPostgresStore } from './postgres.ts';
import { positional } from './postgres-params.ts';
import { openSqliteStore } from './sqlite.ts';

const PARAMS = activityParams({ since: 1_700_000_000_000, until: 1_700_010_800_000, bucketMs: 60_000 });

describe('activity chart query plans', () => {
  const schemas: string[] = [];
  afterAll(() => dropSchemas(schemas));

  it('SQLite: settled deliveries through deliveries_settled and events through events_listing, no table scan', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookgate-activity-'));
    try {
      const file = join(dir, 'plan.db');
      const store = openSqliteStore(file);
      await store.migrate();
      await store.close();
      const db = new Database(file, { readonly: true });
      try {
        const plan = (sql: string) =>
          (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(PARAMS) as { detail: string }[]).map((row) => row.detail).join('\n');
        const deliveries = plan(ACTIVITY_DELIVERIES_SQL);
        expect(deliveries).toMatch(/deliveries USING (COVERING )?INDEX deliveries_settled/);
        expect(deliveries).not.toMatch(/SCAN deliveries(?! USING)/);
        const events = plan(ACTIVITY_EVENTS_SQL);
        expect(events).toMatch(/events USING (COVERING )?INDEX events_listing/);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('PostgreSQL: settled deliveries through deliveries_settled when a scan is priced out', async () => {
    const schema = freshSchemaName();
    schemas.push(schema);
    const store = openPostgresStore(TEST_PG_URL, { schema, poolMax: 1 });
    try {
      await store.migrate();
      const client = await store.pool.connect();
      try {
        // An empty table is cheapest to scan; price the scan out to see which index the query can use.
        await client.query('SET enable_seqscan = off');
        const query = positional(ACTIVITY_DELIVERIES_SQL, PARAMS);
        const plan = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${query.text}`, query.values)).rows
          .map((row) => row['QUERY PLAN'])
          .join('\n');
        expect(plan).toContain('deliveries_settled');
        expect(plan).not.toMatch(/Seq Scan on deliveries/);
      } finally {
        client.release();
      }
    } finally {
      await store.close();
    }
  });
});
