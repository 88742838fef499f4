/**
 * SQLite schema, as numbered migrations applied in order by SqliteStore.migrate(). Never edit a
 * released migration: add the next one. Times are epoch milliseconds (INTEGER); headers and
 * ignored reasons are JSON text; bodies are BLOBs so the exact bytes survive.
 */

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events, deliveries, attempts',
    sql: `
      CREATE TABLE events (
        id            TEXT PRIMARY KEY,
        provider      TEXT NOT NULL,
        event_type    TEXT NOT NULL,
        dedup_key     TEXT NOT NULL,
        received_at   INTEGER NOT NULL,
        config_sha256 TEXT NOT NULL,
        headers       TEXT NOT NULL,
        raw_body      BLOB NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('accepted', 'ignored')),
        ignored       TEXT NOT NULL,
        UNIQUE (provider, dedup_key)
      );
      CREATE INDEX events_received ON events (received_at, id);

      CREATE TABLE deliveries (
        id                TEXT PRIMARY KEY,
        event_id          TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
        provider          TEXT NOT NULL,
        event_type        TEXT NOT NULL,
        route             TEXT NOT NULL,
        target            TEXT NOT NULL,
        idempotency_key   TEXT NOT NULL,
        body              BLOB,
        status            TEXT NOT NULL CHECK (status IN ('pending', 'in_flight', 'delivered', 'dead')),
        dead_reason       TEXT CHECK (dead_reason IN ('rejected', 'exhausted', 'unknown', 'map_error', 'target_missing')),
        error             TEXT,
        attempts_in_round INTEGER NOT NULL DEFAULT 0,
        attempt_count     INTEGER NOT NULL DEFAULT 0,
        next_attempt_at   INTEGER NOT NULL,
        created_at        INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL,
        lease_owner       TEXT,
        lease_expires_at  INTEGER
      );
      CREATE INDEX deliveries_due ON deliveries (status, target, next_attempt_at);
      CREATE INDEX deliveries_next ON deliveries (status, next_attempt_at, target);
      CREATE INDEX deliveries_event ON deliveries (event_id);
      CREATE INDEX deliveries_created ON deliveries (created_at, id);
      CREATE INDEX deliveries_updated ON deliveries (status, updated_at);

      CREATE TABLE attempts (
        delivery_id      TEXT NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
        number           INTEGER NOT NULL,
        started_at       INTEGER NOT NULL,
        duration_ms      INTEGER NOT NULL,
        status_code      INTEGER,
        error            TEXT,
        outcome          TEXT NOT NULL CHECK (outcome IN ('success', 'retry', 'dead', 'unknown')),
        response_snippet TEXT,
        session_id       TEXT,
        session_url      TEXT,
        PRIMARY KEY (delivery_id, number)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'claim index: due deliveries of a target in claim order',
    // The claim reads pending deliveries of one target by (next_attempt_at, id); with id in the
    // index it stops after `limit` rows instead of sorting the whole backlog. It covers what
    // deliveries_due did (same leading columns), so that index goes.
    sql: `
      CREATE INDEX deliveries_claim ON deliveries (status, target, next_attempt_at, id);
      DROP INDEX deliveries_due;
    `,
  },
  {
    version: 3,
    name: 'target pauses (circuit breaker, 410 Gone)',
    sql: `
      CREATE TABLE target_pauses (
        target TEXT PRIMARY KEY,
        until  INTEGER,
        reason TEXT NOT NULL,
        since  INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: 'deliveries: sending mark, round start, dead reasons expired and over_budget',
    // SQLite cannot change a CHECK constraint in place: the table is rebuilt (SqliteStore.migrate
    // turns foreign keys off around migrations, so dropping the old table leaves attempts alone)
    // and its indexes made again. rowid is copied: an event's deliveries are listed in rowid order.
    // sending_at: an at-most-once delivery (routine) whose request may be on its way; a lost
    // lease then ends it as unknown instead of sending it again. round_started_at: the last replay
    // (null: created_at), where retry.maxAge counts from. over_budget is for shared budgets.
    sql: `
      CREATE TABLE deliveries_new (
        id                TEXT PRIMARY KEY,
        event_id          TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
        provider          TEXT NOT NULL,
        event_type        TEXT NOT NULL,
        route             TEXT NOT NULL,
        target            TEXT NOT NULL,
        idempotency_key   TEXT NOT NULL,
        body              BLOB,
        status            TEXT NOT NULL CHECK (status IN ('pending', 'in_flight', 'delivered', 'dead')),
        dead_reason       TEXT CHECK (dead_reason IN
          ('rejected', 'exhausted', 'unknown', 'map_error', 'target_missing', 'expired', 'over_budget')),
        error             TEXT,
        attempts_in_round INTEGER NOT NULL DEFAULT 0,
        attempt_count     INTEGER NOT NULL DEFAULT 0,
        next_attempt_at   INTEGER NOT NULL,
        created_at        INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL,
        lease_owner       TEXT,
        lease_expires_at  INTEGER,
        sending_at        INTEGER,
        round_started_at  INTEGER
      );
      INSERT INTO deliveries_new (rowid, id, event_id, provider, event_type, route, target, idempotency_key, body,
        status, dead_reason, error, attempts_in_round, attempt_count, next_attempt_at, created_at, updated_at,
        lease_owner, lease_expires_at)
      SELECT rowid, id, event_id, provider, event_type, route, target, idempotency_key, body,
        status, dead_reason, error, attempts_in_round, attempt_count, next_attempt_at, created_at, updated_at,
        lease_owner, lease_expires_at
      FROM deliveries;
      DROP TABLE deliveries;
      ALTER TABLE deliveries_new RENAME TO deliveries;
      CREATE INDEX deliveries_claim ON deliveries (status, target, next_attempt_at, id);
      CREATE INDEX deliveries_next ON deliveries (status, next_attempt_at, target);
      CREATE INDEX deliveries_event ON deliveries (event_id);
      CREATE INDEX deliveries_created ON deliveries (created_at, id);
      CREATE INDEX deliveries_updated ON deliveries (status, updated_at);
    `,
  },
  {
    version: 5,
    name: 'fire shaping: groups, what became of each event per shaped route, cooldowns',
    sql: `
      CREATE TABLE route_groups (
        id               TEXT PRIMARY KEY,
        route            TEXT NOT NULL,
        key              TEXT NOT NULL,
        provider         TEXT NOT NULL,
        status           TEXT NOT NULL CHECK (status IN ('open', 'closed', 'firing', 'fired', 'cooldown')),
        count            INTEGER NOT NULL,
        first_at         INTEGER NOT NULL,
        last_at          INTEGER NOT NULL,
        fires_at         INTEGER NOT NULL,
        deadline_at      INTEGER NOT NULL,
        last_event_id    TEXT NOT NULL,
        prior_event_id   TEXT,
        fired_at         INTEGER,
        cooldown_until   INTEGER,
        lease_owner      TEXT,
        lease_expires_at INTEGER
      );
      -- One open group per route and key: the join finds it, and a racing second open fails.
      CREATE UNIQUE INDEX route_groups_open ON route_groups (route, key) WHERE status = 'open';
      -- The groups that have not fired: a few per key at most, so the scheduler reads them all; an
      -- index on fires_at would be rewritten by every join.
      CREATE INDEX route_groups_waiting ON route_groups (status) WHERE status IN ('open', 'closed', 'firing');
      CREATE INDEX route_groups_fired ON route_groups (fired_at) WHERE status IN ('fired', 'cooldown');

      CREATE TABLE event_shapes (
        event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
        route    TEXT NOT NULL,
        outcome  TEXT NOT NULL CHECK (outcome IN ('grouped', 'cooldown')),
        group_id TEXT,
        position INTEGER,
        until    INTEGER,
        prev_event_id TEXT,
        PRIMARY KEY (event_id, route)
      ) WITHOUT ROWID;
      -- A group's events are a chain from its last event back (prev_event_id), read once when it
      -- fires: an index by group would take a write on a different page for every join (one
      -- page per open group), the chain only appends.

      CREATE TABLE route_cooldowns (
        route TEXT NOT NULL,
        key   TEXT NOT NULL,
        until INTEGER NOT NULL,
        PRIMARY KEY (route, key)
      ) WITHOUT ROWID;
    `,
  },
  {
    // Numbered 6 to run after the deliveries rebuild of migration 4: it adds columns to that table.
    version: 6,
    name: 'shared budgets: units spent, pauses, held deliveries',
    // One row per request sent to a target of a budget: counted from spent_at (the claim) until
    // per after ends_at (the request's end; null while in flight). claim_token ties a row to the
    // claim that reserved it until it is bound to the delivery it was spent on. No foreign key to
    // deliveries: a unit outlives a purged delivery for as long as its window lasts.
    sql: `
      CREATE TABLE budget_units (
        id          INTEGER PRIMARY KEY,
        budget      TEXT NOT NULL,
        delivery_id TEXT,
        worker_id   TEXT NOT NULL,
        claim_token TEXT NOT NULL,
        spent_at    INTEGER NOT NULL,
        ends_at     INTEGER
      );
      CREATE INDEX budget_units_budget ON budget_units (budget, ends_at);
      CREATE INDEX budget_units_delivery ON budget_units (delivery_id);
      CREATE INDEX budget_units_token ON budget_units (claim_token);
      CREATE TABLE budget_pauses (
        budget TEXT PRIMARY KEY,
        until  INTEGER NOT NULL,
        reason TEXT NOT NULL,
        since  INTEGER NOT NULL
      ) WITHOUT ROWID;
      ALTER TABLE deliveries ADD COLUMN held_by TEXT;
      ALTER TABLE deliveries ADD COLUMN held_until INTEGER;
      CREATE INDEX deliveries_held ON deliveries (held_by) WHERE held_by IS NOT NULL;
    `,
  },
  {
    // Numbered 7: after groups (5) and budgets (6).
    version: 7,
    name: 'indexes that cost ingest less and keep listings fast at millions of rows',
    // Every index costs each ingested event an entry (and each commit a WAL write of its tail
    // page), and every status change moves an entry in each index that holds the status. With
    // three of those on deliveries, a delivery's life (stored, claimed, delivered) wrote 6 index
    // entries and moved 6 more. Partial indexes hold a delivery only while it is pending, in
    // flight or dead, which is all the claim, lease recovery and dead-letter purge read; a
    // delivered one leaves them. Now: 4 entries written on ingest (id, event, listing, pending),
    // the claim moves one, a successful attempt deletes one.
    // The listing indexes carry the columns the admin filters test, so a filtered page reads
    // index entries until it has its rows instead of every event's full row (body included).
    // Dead letters are listed newest first and purged oldest first from their own index.
    sql: `
      CREATE INDEX deliveries_pending ON deliveries (target, next_attempt_at, id) WHERE status = 'pending';
      CREATE INDEX deliveries_leases ON deliveries (target, lease_expires_at) WHERE status = 'in_flight';
      CREATE INDEX deliveries_dead ON deliveries (created_at, id) WHERE status = 'dead';
      CREATE INDEX deliveries_listing ON deliveries (created_at, id, route, target);
      CREATE INDEX events_listing ON events (received_at, id, provider, event_type, status);
      DROP INDEX deliveries_claim;
      DROP INDEX deliveries_next;
      DROP INDEX deliveries_updated;
      DROP INDEX deliveries_created;
      DROP INDEX events_received;
    `,
  },
  {
    version: 8,
    name: 'settled deliveries by the time they settled, for the activity chart',
    // The inspector's chart counts deliveries delivered or dead-lettered per minute, by
    // updated_at; without an index that is a scan of every delivery on each refresh, on the
    // event loop. A delivery enters this index when it settles (delivered or dead), never at
    // ingest, so the ingest path writes no more index entries than before.
    sql: `
      CREATE INDEX deliveries_settled ON deliveries (updated_at) WHERE status IN ('delivered', 'dead');
    `,
  },
];
