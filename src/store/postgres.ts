/**
 * The store for many replicas: PostgreSQL through a node-postgres pool. Every replica shares the
 * one database: events are deduplicated by a unique key inside the insert's transaction, and
 * deliveries are claimed with FOR UPDATE SKIP LOCKED under a lease that another worker takes over
 * when it runs out. A database that goes away turns into rejected promises (isUnavailableError,
 * answered 503), never a crash; the pool reconnects by itself when it is back.
 */

import type { PoolClient, QueryResultRow } from 'pg';
import { Pool } from 'pg';
import { createPgLimiter } from '../delivery/pg-limiter.ts';
import {
  ACTIVITY_DELIVERIES_SQL,
  ACTIVITY_EVENTS_SQL,
  type ActivityDeliveryRow,
  type ActivityEventRow,
  activityParams,
  mergeActivity,
} from './activity.ts';
import { STORE_BACKENDS } from './backends.ts';
import { claimThroughBudget } from './budget-claim.ts';
import type { BudgetClaim, BudgetClaimRequest, BudgetStats } from './budget-types.ts';
import { pageLimit, pageOf } from './cursor.ts';
import { LOST_SEND_ERROR } from './lost-send.ts';
import { POSTGRES_MIGRATIONS } from './migrations/postgres.ts';
import {
  bindOnPostgres,
  budgetStatsOnPostgres,
  pauseBudgetOnPostgres,
  reserveOnPostgres,
  settleUnitOnPostgres,
} from './postgres-budgets.ts';
import type { PostgresStoreOptions } from './postgres-config.ts';
import { resolvePostgresConfig } from './postgres-config.ts';
import { PostgresGroups } from './postgres-groups.ts';
import { migratePostgres } from './postgres-migrate.ts';
import type { PgQuery, PgValue } from './postgres-params.ts';
import { positional, withWhere } from './postgres-params.ts';
import { rerouteRows } from './postgres-reroute.ts';
import type { DeliveryRow, PgEventRow } from './postgres-rows.ts';
import { toDelivery, toEvent } from './postgres-rows.ts';
import { SQL } from './postgres-sql.ts';
import { inTransaction } from './postgres-tx.ts';
import type { DeliveryWithAttempts } from './postgres-writes.ts';
import { insertEventRows, purgeDeadBatch, readDelivery, readEvent } from './postgres-writes.ts';
import type { SqlWhere } from './sqlite-filters.ts';
import { deliveryWhere, eventWhere } from './sqlite-filters.ts';
import {
  anyFailing,
  mergeTargetHealth,
  TARGET_LAST_DELIVERED_SQL,
  TARGET_WAITS_SQL,
  type TargetLastDeliveredRow,
  type TargetWaitsRow,
} from './target-health.ts';
import type {
  ActivityBucket,
  ActivityQuery,
  ClaimRequest,
  Delivery,
  DeliveryFilter,
  EventFilter,
  EventWithDeliveries,
  InsertResult,
  NewAttempt,
  NewDelivery,
  NewEvent,
  Page,
  Reroute,
  RerouteResult,
  SharedLimiter,
  Store,
  StoreCapabilities,
  StoredEvent,
  TargetHealthQuery,
  TargetHealthStats,
  TargetPause,
  TargetQueueStats,
  Transition,
} from './types.ts';

export type { PostgresStoreOptions } from './postgres-config.ts';
export { isUnavailableError } from './postgres-errors.ts';

/** Rows purged per transaction, so a large purge never holds row locks for long. */
const PURGE_BATCH = 500;
/** First half of the advisory lock key of claimCapped ("hookgate claim"); the second is the target's hash. */
const CLAIM_LOCK_CLASS = 0x686b636c;

interface QueueStatsRow {
  target: string;
  pending: number;
  in_flight: number;
  dead: number;
  oldest_pending: number | null;
}

export class PostgresStore implements Store {
  readonly kind = 'postgres';
  /** Read lazily: backends.ts, which declares them, imports this module. */
  get capabilities(): StoreCapabilities {
    return STORE_BACKENDS.postgres.capabilities;
  }
  /** The schema holding the tables, or null for the connection's default search_path. */
  readonly schema: string | null;
  /**
   * The connection pool: the cross-replica rate limiter (src/delivery/pg-limiter.ts) queries
   * through it. Sized by poolMax; every connection has the statement timeout and search_path.
   */
  readonly pool: Pool;
  private readonly now: () => number;
  private closed = false;
  private limiter: SharedLimiter | null = null;
  readonly groups: PostgresGroups;

  constructor(url: string, options: PostgresStoreOptions = {}) {
    const config = resolvePostgresConfig(url, options);
    this.schema = config.schema;
    this.now = options.now ?? Date.now;
    this.pool = new Pool(config.pool);
    this.groups = new PostgresGroups(this.pool);
    const onIdleError = options.onIdleError;
    // An idle connection that breaks (server restart, network cut) is reported here; without a
    // listener the pool's 'error' event would crash the process. The pool drops that connection.
    this.pool.on('error', function idleConnectionFailed(error: Error) {
      onIdleError?.(error);
    });
  }

  private async rows<R extends QueryResultRow>(text: string, values: readonly PgValue[] = []): Promise<R[]> {
    return (await this.pool.query<R>(text, [...values])).rows;
  }

  private async changed(text: string, values: readonly PgValue[]): Promise<number> {
    return (await this.pool.query(text, [...values])).rowCount ?? 0;
  }

  async migrate(): Promise<void> {
    await migratePostgres(this.pool, this.schema, POSTGRES_MIGRATIONS, this.now());
  }

  async insertEvent(event: NewEvent, deliveries: readonly NewDelivery[]): Promise<InsertResult> {
    return inTransaction(this.pool, 'read write', function insert(client) {
      return insertEventRows(client, event, deliveries);
    });
  }

  async dueTargets(now: number): Promise<string[]> {
    return (await this.rows<{ target: string }>(SQL.dueTargets, [now])).map((row) => row.target);
  }

  async nextDueAt(): Promise<number | null> {
    return (await this.rows<{ at: number | null }>(SQL.nextDueAt))[0]?.at ?? null;
  }

  async claim(request: ClaimRequest): Promise<Delivery[]> {
    return claimOn(this.pool, request, request.limit);
  }

  /**
   * claim, but never past `concurrency` deliveries of the target in flight under a running lease,
   * counted across all replicas. Claimers of one target take a transaction-scoped advisory lock
   * first, so two replicas cannot both count the same free places.
   */
  async claimCapped(request: ClaimRequest, concurrency: number): Promise<Delivery[]> {
    if (!(Math.floor(request.limit) >= 1)) return [];
    return inTransaction(this.pool, 'read write', async function capped(client): Promise<Delivery[]> {
      await client.query(SQL.lockTargetClaims, [CLAIM_LOCK_CLASS, request.target]);
      const counted = await client.query<{ n: number }>(SQL.countInFlight, [request.target, request.now]);
      const free = Math.floor(concurrency) - (counted.rows[0]?.n ?? 0);
      return claimOn(client, request, Math.min(Math.floor(request.limit), free));
    });
  }

  async completeAttempt(deliveryId: string, workerId: string, attempt: NewAttempt, transition: Transition): Promise<boolean> {
    const recorded = await this.changed(SQL.completeAttempt, [
      deliveryId,
      workerId,
      transition.status,
      transition.status === 'pending' ? transition.nextAttemptAt : null,
      transition.status === 'dead' ? transition.deadReason : null,
      // A retrying delivery shows its last attempt's error; a dead one the transition's.
      transition.status === 'dead' ? transition.error : transition.status === 'pending' ? attempt.error : null,
      attempt.startedAt + attempt.durationMs,
      attempt.startedAt,
      attempt.durationMs,
      attempt.statusCode,
      attempt.error,
      attempt.outcome,
      attempt.responseSnippet,
      attempt.sessionId,
      attempt.sessionUrl,
      transition.status === 'pending' && transition.spendsAttempt === false ? 0 : 1,
    ]);
    return recorded === 1;
  }

  async markSending(deliveryId: string, workerId: string, now: number): Promise<boolean> {
    return (await this.changed(SQL.markSending, [deliveryId, workerId, now])) === 1;
  }

  /** Replicas pace each target together, through the target_pacing table. */
  sharedLimiter(): SharedLimiter {
    this.limiter ??= createPgLimiter(this.pool);
    return this.limiter;
  }

  async release(deliveryIds: readonly string[], workerId: string): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.changed(SQL.release, [deliveryIds, workerId, this.now()]);
  }

  /**
   * Every in-flight delivery back to pending. For a single owner only: with several replicas,
   * leases (claim's takeover of expired ones) recover a dead worker's deliveries instead.
   */
  async recoverInFlight(now: number): Promise<number> {
    return (await this.rows<{ n: number }>(SQL.recover, [now, LOST_SEND_ERROR]))[0]?.n ?? 0;
  }

  async rerouteEvent(eventId: string, reroute: Reroute, deliveries: readonly NewDelivery[]): Promise<RerouteResult | null> {
    return inTransaction(this.pool, 'read write', function rerouteInTransaction(client) {
      return rerouteRows(client, eventId, reroute, deliveries);
    });
  }

  async replay(deliveryIds: readonly string[], now: number): Promise<number> {
    if (deliveryIds.length === 0) return 0;
    const changed = await this.changed(SQL.replay, [deliveryIds, now]);
    if (changed > 0) {
      await this.changed('DELETE FROM target_pauses WHERE target IN (SELECT target FROM deliveries WHERE id = ANY($1::text[]))', [
        deliveryIds,
      ]);
    }
    return changed;
  }

  async replayMatching(filter: DeliveryFilter, now: number, dryRun: boolean): Promise<number> {
    const where = deliveryWhere(filter, { onlyReplayable: true });
    if (dryRun) {
      const count = withWhere((w) => `SELECT COUNT(*)::int AS n FROM deliveries ${w}`, where);
      return (await this.rows<{ n: number }>(count.text, count.values))[0]?.n ?? 0;
    }
    const update = withWhere(
      (w) => `
        UPDATE deliveries
        SET status = 'pending', next_attempt_at = @now, dead_reason = NULL, error = NULL, attempts_in_round = 0,
          lease_owner = NULL, lease_expires_at = NULL, sending_at = NULL, round_started_at = @now, updated_at = @now
        ${w}`,
      where,
      { now },
    );
    // Lift the targets' pauses first: the update changes the rows the filter selects.
    const resume = withWhere((w) => `DELETE FROM target_pauses WHERE target IN (SELECT target FROM deliveries ${w})`, where);
    await this.changed(resume.text, resume.values);
    return this.changed(update.text, update.values);
  }

  async pauseTarget(target: string, until: number | null, reason: string, now: number): Promise<void> {
    await this.changed(
      `INSERT INTO target_pauses (target, until, reason, since) VALUES ($1, $2, $3, $4)
       ON CONFLICT (target) DO UPDATE SET until = EXCLUDED.until, reason = EXCLUDED.reason, since = EXCLUDED.since`,
      [target, until, reason, now],
    );
  }

  async resumeTarget(target: string): Promise<boolean> {
    return (await this.changed('DELETE FROM target_pauses WHERE target = $1', [target])) > 0;
  }

  async targetPauses(): Promise<TargetPause[]> {
    const rows = await this.rows<{ target: string; until: string | null; reason: string; since: string }>(
      'SELECT target, until, reason, since FROM target_pauses ORDER BY target',
    );
    return rows.map((r) => ({
      target: r.target,
      until: r.until === null ? null : Number(r.until),
      reason: r.reason,
      since: Number(r.since),
    }));
  }

  async listEvents(filter: EventFilter): Promise<Page<StoredEvent>> {
    const limit = pageLimit(filter.limit);
    const rows = await this.page<PgEventRow>('events', 'received_at', eventWhere(filter), limit);
    return pageOf(rows, limit, toEvent, 'events', (event) => event.receivedAt);
  }

  async listDeliveries(filter: DeliveryFilter): Promise<Page<Delivery>> {
    const limit = pageLimit(filter.limit);
    const rows = await this.page<DeliveryRow>('deliveries', 'created_at', deliveryWhere(filter), limit);
    return pageOf(rows, limit, toDelivery, 'deliveries', (delivery) => delivery.createdAt);
  }

  /** Newest first; one row more than the page, to know whether another page follows. */
  private async page<R extends QueryResultRow>(
    table: 'events' | 'deliveries',
    timeColumn: 'received_at' | 'created_at',
    where: SqlWhere,
    limit: number,
  ): Promise<R[]> {
    const query: PgQuery = withWhere((w) => `SELECT * FROM ${table} ${w} ORDER BY ${timeColumn} DESC, id DESC LIMIT @pageLimit`, where, {
      pageLimit: limit + 1,
    });
    return this.rows<R>(query.text, query.values);
  }

  async getEvent(id: string): Promise<EventWithDeliveries | null> {
    return inTransaction(this.pool, 'read only snapshot', function read(client) {
      return readEvent(client, id);
    });
  }

  async getDelivery(id: string): Promise<DeliveryWithAttempts | null> {
    return inTransaction(this.pool, 'read only snapshot', function read(client) {
      return readDelivery(client, id);
    });
  }

  async queueStats(now: number): Promise<TargetQueueStats[]> {
    return (await this.rows<QueueStatsRow>(SQL.queueStats)).map(function toStats(row): TargetQueueStats {
      return {
        target: row.target,
        pending: row.pending,
        inFlight: row.in_flight,
        dead: row.dead,
        oldestPendingAgeMs: row.oldest_pending === null ? null : Math.max(0, now - row.oldest_pending),
      };
    });
  }

  async targetHealth(query: TargetHealthQuery): Promise<TargetHealthStats[]> {
    const waits = positional(TARGET_WAITS_SQL, { now: query.now });
    const waitRows = await this.rows<TargetWaitsRow>(waits.text, waits.values);
    if (!anyFailing(waitRows)) return mergeTargetHealth(waitRows, []);
    const delivered = positional(TARGET_LAST_DELIVERED_SQL, { since: query.deliveredSince });
    return mergeTargetHealth(waitRows, await this.rows<TargetLastDeliveredRow>(delivered.text, delivered.values));
  }

  async activity(query: ActivityQuery): Promise<ActivityBucket[]> {
    const params = activityParams(query);
    const events = positional(ACTIVITY_EVENTS_SQL, params);
    const deliveries = positional(ACTIVITY_DELIVERIES_SQL, params);
    const [eventRows, deliveryRows] = await Promise.all([
      this.rows<ActivityEventRow>(events.text, events.values),
      this.rows<ActivityDeliveryRow>(deliveries.text, deliveries.values),
    ]);
    return mergeActivity(eventRows, deliveryRows);
  }

  /**
   * Deliveries of `target` in flight under a lease still running at `now`, across all replicas:
   * lets the worker hold a target's `concurrency` globally (claim at most the difference).
   */
  async countInFlight(target: string, now: number): Promise<number> {
    return (await this.rows<{ n: number }>(SQL.countInFlight, [target, now]))[0]?.n ?? 0;
  }

  async purge(now: number, retentionMs: number, deadRetentionMs: number): Promise<number> {
    let deleted = 0;
    // Dead letters first: an old event whose only undelivered delivery was a purged dead letter is
    // then all delivered, and goes in the second pass.
    for (;;) {
      const cutoff = now - deadRetentionMs;
      const batch = await inTransaction(this.pool, 'read write', function purgeDead(client) {
        return purgeDeadBatch(client, cutoff, PURGE_BATCH);
      });
      deleted += batch.events;
      if (batch.rows < PURGE_BATCH) break;
    }
    for (;;) {
      const events = await this.changed(SQL.purgeEvents, [now - retentionMs, PURGE_BATCH]);
      deleted += events;
      if (events < PURGE_BATCH) break;
    }
    return deleted;
  }

  async claimBudget(request: BudgetClaimRequest): Promise<BudgetClaim> {
    return claimThroughBudget(request, {
      reserve: (req, token) => reserveOnPostgres(this.pool, req, token),
      // The target's concurrency holds across replicas here as in any other claim.
      claim: (target, limit, req) =>
        this.claimCapped(
          { target: target.target, limit, now: req.now, leaseMs: target.leaseMs, workerId: req.workerId },
          target.concurrency,
        ),
      bind: (token, ids, now) => bindOnPostgres(this.pool, token, ids, now),
      release: (ids, workerId) => this.release(ids, workerId),
    });
  }

  async settleBudgetUnit(deliveryId: string, workerId: string, spent: boolean, at: number): Promise<void> {
    await settleUnitOnPostgres(this.pool, deliveryId, workerId, spent, at);
  }

  async pauseBudget(budget: string, until: number, reason: string, now: number): Promise<void> {
    await pauseBudgetOnPostgres(this.pool, budget, until, reason, now);
  }

  async budgetStats(budgets: readonly { readonly name: string; readonly perMs: number }[], now: number): Promise<BudgetStats[]> {
    return budgetStatsOnPostgres(this.pool, budgets, now);
  }

  async ping(): Promise<void> {
    await this.pool.query(SQL.ping);
  }

  /** Waits for running queries, then closes every connection. Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

async function claimOn(db: Pool | PoolClient, request: ClaimRequest, requestedLimit: number): Promise<Delivery[]> {
  const limit = Math.floor(requestedLimit);
  if (!(limit >= 1)) return [];
  const result = await db.query<DeliveryRow>(SQL.claim, [
    request.target,
    request.now,
    limit,
    request.workerId,
    request.now + request.leaseMs,
    LOST_SEND_ERROR,
  ]);
  // UPDATE ... RETURNING has no order: restore "oldest due first".
  return result.rows.sort(byDueThenId).map(toDelivery);
}

function byDueThenId(a: DeliveryRow, b: DeliveryRow): number {
  return a.next_attempt_at - b.next_attempt_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * A PostgreSQL store (the URL may carry `?pool=`, `?statement_timeout=`, `?schema=`). Nothing
 * connects until the first query; call migrate() before use. Throws SetupError for a URL or
 * option it cannot use, without repeating the URL.
 */
export function openPostgresStore(url: string, options?: PostgresStoreOptions): PostgresStore {
  return new PostgresStore(url, options);
}
