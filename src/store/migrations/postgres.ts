/**
 * PostgreSQL schema, as numbered migrations applied in order by PostgresStore.migrate() under an
 * advisory lock. Never edit a released migration: add the next one. Times are epoch milliseconds
 * (bigint) as on SQLite, so both backends keep one contract; headers and ignored reasons are jsonb;
 * bodies are bytea so the exact bytes survive. Ids use the "C" collation: they sort by creation
 * time only in byte order, and keyset cursors compare them.
 */
import type { Migration } from './sqlite.ts';

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events, deliveries, attempts',
    sql: `
      CREATE TABLE events (
        id            text COLLATE "C" PRIMARY KEY,
        provider      text NOT NULL,
        event_type    text NOT NULL,
        dedup_key     text NOT NULL,
        received_at   bigint NOT NULL,
        config_sha256 text NOT NULL,
        headers       jsonb NOT NULL,
        raw_body      bytea NOT NULL,
        status        text NOT NULL CHECK (status IN ('accepted', 'ignored')),
        ignored       jsonb NOT NULL,
        CONSTRAINT events_dedup UNIQUE (provider, dedup_key)
      );
      CREATE INDEX events_received ON events (received_at, id);

      CREATE TABLE deliveries (
        -- Insertion order, for listing an event's deliveries as they were stored.
        seq               bigint GENERATED ALWAYS AS IDENTITY,
        id                text COLLATE "C" PRIMARY KEY,
        event_id          text COLLATE "C" NOT NULL REFERENCES events (id) ON DELETE CASCADE,
        provider          text NOT NULL,
        event_type        text NOT NULL,
        route             text NOT NULL,
        target            text NOT NULL,
        idempotency_key   text NOT NULL,
        body              bytea,
        status            text NOT NULL CHECK (status IN ('pending', 'in_flight', 'delivered', 'dead')),
        dead_reason       text CHECK (dead_reason IN ('rejected', 'exhausted', 'unknown', 'map_error', 'target_missing')),
        error             text,
        attempts_in_round integer NOT NULL DEFAULT 0,
        attempt_count     integer NOT NULL DEFAULT 0,
        next_attempt_at   bigint NOT NULL,
        created_at        bigint NOT NULL,
        updated_at        bigint NOT NULL,
        lease_owner       text,
        lease_expires_at  bigint
      );
      -- The claim and dueTargets paths: due pending work, and leases that may have run out.
      CREATE INDEX deliveries_pending ON deliveries (target, next_attempt_at, id) WHERE status = 'pending';
      CREATE INDEX deliveries_pending_next ON deliveries (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX deliveries_leases ON deliveries (target, lease_expires_at) WHERE status = 'in_flight';
      CREATE INDEX deliveries_dead ON deliveries (updated_at) WHERE status = 'dead';
      CREATE INDEX deliveries_event ON deliveries (event_id, seq);
      CREATE INDEX deliveries_created ON deliveries (created_at, id);

      CREATE TABLE attempts (
        delivery_id      text COLLATE "C" NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
        number           integer NOT NULL,
        started_at       bigint NOT NULL,
        duration_ms      integer NOT NULL,
        status_code      integer,
        error            text,
        outcome          text NOT NULL CHECK (outcome IN ('success', 'retry', 'dead', 'unknown')),
        response_snippet text,
        session_id       text,
        session_url      text,
        PRIMARY KEY (delivery_id, number)
      );
    `,
  },
  {
    version: 2,
    name: 'target pacing shared by all replicas',
    sql: `
      -- Per-target rate limits across replicas (src/delivery/pg-limiter.ts): the earliest time the
      -- next request to the target may start.
      CREATE TABLE target_pacing (
        target       text PRIMARY KEY,
        next_slot_at bigint NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'target pauses (circuit breaker, 410 Gone)',
    sql: `
      CREATE TABLE target_pauses (
        target text PRIMARY KEY,
        until  bigint,
        reason text NOT NULL,
        since  bigint NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'deliveries: sending mark, round start, dead reasons expired and over_budget',
    // sending_at: an at-most-once delivery (routine) whose request may be on its way; a lost
    // lease then ends it as unknown instead of sending it again. round_started_at: the last replay
    // (null: created_at), where retry.maxAge counts from. over_budget is for shared budgets.
    sql: `
      ALTER TABLE deliveries DROP CONSTRAINT deliveries_dead_reason_check;
      ALTER TABLE deliveries ADD CONSTRAINT deliveries_dead_reason_check CHECK (dead_reason IN
        ('rejected', 'exhausted', 'unknown', 'map_error', 'target_missing', 'expired', 'over_budget'));
      ALTER TABLE deliveries ADD COLUMN sending_at bigint, ADD COLUMN round_started_at bigint;
    `,
  },
  {
    version: 5,
    name: 'fire shaping: groups, what became of each event per shaped route, cooldowns',
    sql: `
      CREATE TABLE route_groups (
        id               text COLLATE "C" PRIMARY KEY,
        route            text NOT NULL,
        key              text NOT NULL,
        provider         text NOT NULL,
        status           text NOT NULL CHECK (status IN ('open', 'closed', 'firing', 'fired', 'cooldown')),
        count            integer NOT NULL,
        first_at         bigint NOT NULL,
        last_at          bigint NOT NULL,
        fires_at         bigint NOT NULL,
        deadline_at      bigint NOT NULL,
        last_event_id    text NOT NULL,
        prior_event_id   text,
        fired_at         bigint,
        cooldown_until   bigint,
        lease_owner      text,
        lease_expires_at bigint
      );
      -- One open group per route and key: the join finds it, and a racing second open fails.
      CREATE UNIQUE INDEX route_groups_open ON route_groups (route, key) WHERE status = 'open';
      -- The groups that have not fired: a few per key at most, so the scheduler reads them all; an
      -- index on fires_at would be rewritten by every join.
      CREATE INDEX route_groups_waiting ON route_groups (status) WHERE status IN ('open', 'closed', 'firing');
      CREATE INDEX route_groups_fired ON route_groups (fired_at) WHERE status IN ('fired', 'cooldown');

      CREATE TABLE event_shapes (
        event_id text COLLATE "C" NOT NULL REFERENCES events (id) ON DELETE CASCADE,
        route    text NOT NULL,
        outcome  text NOT NULL CHECK (outcome IN ('grouped', 'cooldown')),
        group_id text COLLATE "C",
        position integer,
        until    bigint,
        prev_event_id text COLLATE "C",
        PRIMARY KEY (event_id, route)
      );
      -- A group's events are a chain from its last event back (prev_event_id), read once when it
      -- fires: an index by group would take a write on a different page for every join (one
      -- page per open group), the chain only appends.

      CREATE TABLE route_cooldowns (
        route text NOT NULL,
        key   text NOT NULL,
        until bigint NOT NULL,
        PRIMARY KEY (route, key)
      );
    `,
  },
  {
    // Numbered 6 to run after the deliveries rebuild of migration 4: it adds columns to that table.
    version: 6,
    name: 'shared budgets: units spent, pauses, held deliveries',
    sql: `
      -- One row per request sent to a target of a budget (see the SQLite migration for the model).
      CREATE TABLE budget_units (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        budget      text NOT NULL,
        delivery_id text COLLATE "C",
        worker_id   text NOT NULL,
        claim_token text NOT NULL,
        spent_at    bigint NOT NULL,
        ends_at     bigint
      );
      CREATE INDEX budget_units_budget ON budget_units (budget, ends_at);
      CREATE INDEX budget_units_delivery ON budget_units (delivery_id);
      CREATE INDEX budget_units_token ON budget_units (claim_token);
      CREATE TABLE budget_pauses (
        budget text PRIMARY KEY,
        until  bigint NOT NULL,
        reason text NOT NULL,
        since  bigint NOT NULL
      );
      ALTER TABLE deliveries ADD COLUMN held_by text;
      ALTER TABLE deliveries ADD COLUMN held_until bigint;
      CREATE INDEX deliveries_held ON deliveries (held_by) WHERE held_by IS NOT NULL;
    `,
  },
  {
    version: 7,
    name: 'settled deliveries by the time they settled, for the activity chart',
    // The chart counts deliveries delivered or dead-lettered per minute by updated_at; with no
    // index for delivered ones, each refresh read every delivery. The index's condition is the
    // query's own (PostgreSQL uses a partial index only when the query implies its condition, and
    // does not split an IN list over deliveries_dead and a delivered-only one). A delivery enters
    // it when it settles, never at ingest.
    sql: `
      CREATE INDEX deliveries_settled ON deliveries (updated_at) WHERE status IN ('delivered', 'dead');
    `,
  },
];
