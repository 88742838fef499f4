/**
 * The default store: one SQLite file through better-sqlite3. WAL lets readers run beside the one
 * writer. Every write's promise resolves only once the write is on disk, so an acknowledged event
 * survives a kill, or a power cut, the next instant: the WAL is synced after each commit, off the
 * event loop (sqlite-wal-sync.ts; synchronous=FULL would block the loop for it). The hot writes
 * (insertEvent, claim, completeAttempt) go through a group commit: those issued in the same turn of
 * the event loop share one transaction (sqlite-group-commit.ts). Other writes commit the queue
 * first, so writes take effect in the order they were called.
 */
import { mkdirSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database as Db, Statement, Transaction } from 'better-sqlite3';
import Database from 'better-sqlite3';
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
import { SQLITE_MIGRATIONS } from './migrations/sqlite.ts';
import { StoreNotReadyError } from './not-ready.ts';
import type { BudgetStatements } from './sqlite-budgets.ts';
import { bindRows, budgetStatsRows, prepareBudgetStatements, reserveRows, settleUnitRows } from './sqlite-budgets.ts';
import type { SqlWhere } from './sqlite-filters.ts';
import { deliveryWhere, eventWhere } from './sqlite-filters.ts';
import { GroupCommit } from './sqlite-group-commit.ts';
import { SqliteGroups } from './sqlite-groups.ts';
import { rerouteRows } from './sqlite-reroute.ts';
import type { DeliveryRow, EventRow } from './sqlite-rows.ts';
import { toDelivery, toEvent } from './sqlite-rows.ts';
import type { Statements } from './sqlite-statements.ts';
import { prepareStatements } from './sqlite-statements.ts';
import { WalSync, type WalSyncOptions } from './sqlite-wal-sync.ts';
import type { DeliveryWithAttempts } from './sqlite-writes.ts';
import { claimRows, completeAttemptRows, insertEventRows, purgeDeadRows, readDelivery, readEvent, recoverRows } from './sqlite-writes.ts';
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
  Store,
  StoreCapabilities,
  StoredEvent,
  TargetHealthQuery,
  TargetHealthStats,
  TargetPause,
  TargetQueueStats,
  Transition,
} from './types.ts';

export interface SqliteStoreOptions {
  /** Clock for the one time no caller passes (release's "due now"). Default Date.now. */
  readonly now?: () => number;
  /** The WAL syncer's options (tests slow the sync down or make it fail). */
  readonly walSync?: WalSyncOptions;
  /** Below this many free bytes on the file's disk the store is not ready (default 1 MiB). */
  readonly minFreeBytes?: number;
}

/**
 * Free space under which a file store says it is not ready: a commit appends a few pages to the
 * WAL and a checkpoint needs more, so a disk this close to full already refuses events (503).
 */
export const MIN_FREE_BYTES = 1024 * 1024;

/** The store's disk is (nearly) full: writes fail, so /readyz answers 503 until space is freed. */
export class StoreDiskFullError extends StoreNotReadyError {
  constructor(file: string, freeBytes: number, minFreeBytes: number) {
    super(
      `the store's disk is full: ${freeBytes} bytes free, under ${minFreeBytes}`,
      `the disk holding ${file} has ${freeBytes} bytes free (under ${minFreeBytes}): writes fail until space is freed`,
    );
    this.name = 'StoreDiskFullError';
  }
}

/** Rows purged per transaction, so a large purge never holds the write lock for long. */
const PURGE_BATCH = 500;

type FilterParams = Record<string, string | number>;

interface Prepared {
  readonly s: Statements;
  readonly purgeDead: Transaction<typeof purgeDeadRows>;
  readonly recover: Transaction<typeof recoverRows>;
  readonly readEvent: Transaction<typeof readEvent>;
  readonly readDelivery: Transaction<typeof readDelivery>;
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  /** Read lazily: backends.ts, which declares them, imports this module. */
  get capabilities(): StoreCapabilities {
    return STORE_BACKENDS.sqlite.capabilities;
  }
  /** The file path, or `:memory:`. */
  readonly path: string;
  private readonly db: Db;
  private readonly now: () => number;
  private readonly minFreeBytes: number;
  private prepared: Prepared | null = null;
  private preparedBudgets: BudgetStatements | null = null;
  private readonly group: GroupCommit;
  /** Syncs the WAL after commits; null for `:memory:` (or a file SQLite would not put in WAL mode). */
  private readonly wal: WalSync | null;
  private readonly filtered = new Map<string, Statement<[FilterParams], unknown>>();
  readonly groups: SqliteGroups;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.path = path;
    this.now = options.now ?? Date.now;
    this.minFreeBytes = options.minFreeBytes ?? MIN_FREE_BYTES;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('busy_timeout = 5000');
    const journal = String(this.db.pragma('journal_mode = WAL', { simple: true }));
    // NORMAL + our own WAL sync after each commit is FULL's durability with the sync moved off the
    // event loop; where there is no WAL to sync, COMMIT syncs (FULL) as SQLite does it.
    this.wal = path !== ':memory:' && journal === 'wal' ? new WalSync(`${path}-wal`, options.walSync) : null;
    this.db.pragma(this.wal ? 'synchronous = NORMAL' : 'synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    const wal = this.wal;
    this.group = new GroupCommit(
      this.db,
      () => this.durable(),
      () => wal?.idle() ?? null,
    );
    this.groups = new SqliteGroups(
      this.db,
      this.group,
      () => this.durable(),
      () => this.p.s,
    );
  }

  /** Resolves once every commit made so far is on disk. */
  private durable(): Promise<void> {
    return this.wal ? this.wal.durable() : Promise.resolve();
  }

  /** Statements and transactions, prepared on first use (the tables exist only after migrate). */
  private get p(): Prepared {
    if (!this.prepared) {
      const db = this.db;
      this.prepared = {
        s: prepareStatements(db),
        purgeDead: db.transaction(purgeDeadRows),
        recover: db.transaction(recoverRows),
        readEvent: db.transaction(readEvent),
        readDelivery: db.transaction(readDelivery),
      };
    }
    return this.prepared;
  }

  /** Statements whose SQL depends on which filters are set: prepared once per shape. */
  private filteredStatement<R>(sql: string): Statement<[FilterParams], R> {
    let stmt = this.filtered.get(sql);
    if (!stmt) {
      stmt = this.db.prepare<FilterParams, unknown>(sql);
      this.filtered.set(sql, stmt);
    }
    return stmt as Statement<[FilterParams], R>;
  }

  async migrate(): Promise<void> {
    this.group.flush();
    const db = this.db;
    // A migration that rebuilds a table drops the old one: with foreign keys on, that would
    // cascade to the rows that point at it. The pragma has no effect inside a transaction, so it
    // is set around it, and the keys are checked before the migration commits.
    db.pragma('foreign_keys = OFF');
    try {
      this.applyMigrations();
    } finally {
      db.pragma('foreign_keys = ON');
    }
    await this.durable();
  }

  private applyMigrations(): void {
    const db = this.db;
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const applyPending = db.transaction(function applyPending(now: number): void {
      const current = db.prepare<[], number | null>('SELECT MAX(version) FROM schema_migrations').pluck().get() ?? 0;
      const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
      for (const migration of SQLITE_MIGRATIONS) {
        if (migration.version <= current) continue;
        db.exec(migration.sql);
        record.run(migration.version, migration.name, now);
      }
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0) throw new Error(`migration left ${broken.length} rows with a dangling reference`);
    });
    // IMMEDIATE: two processes starting together apply each migration once.
    applyPending.immediate(this.now());
  }

  async insertEvent(event: NewEvent, deliveries: readonly NewDelivery[]): Promise<InsertResult> {
    const s = this.p.s;
    return this.group.run(function insert() {
      return insertEventRows(s, event, deliveries);
    });
  }

  async dueTargets(now: number): Promise<string[]> {
    return this.p.s.dueTargets.all({ now });
  }

  async nextDueAt(): Promise<number | null> {
    return this.p.s.nextDueAt.get() ?? null;
  }

  async claim(request: ClaimRequest): Promise<Delivery[]> {
    if (request.limit < 1) return [];
    const s = this.p.s;
    const rows = await this.group.run(function claim() {
      return claimRows(s, request);
    });
    return rows.sort(byDueThenId).map(toDelivery);
  }

  async completeAttempt(deliveryId: string, workerId: string, attempt: NewAttempt, transition: Transition): Promise<boolean> {
    const s = this.p.s;
    return this.group.run(function complete() {
      return completeAttemptRows(s, deliveryId, workerId, attempt, transition);
    });
  }

  async release(deliveryIds: readonly string[], workerId: string): Promise<void> {
    if (deliveryIds.length === 0) return;
    this.group.flush();
    this.p.s.release.run({ ids: JSON.stringify(deliveryIds), workerId, now: this.now() });
    await this.durable();
  }

  async recoverInFlight(now: number): Promise<number> {
    this.group.flush();
    const p = this.p;
    const recovered = p.recover.immediate(p.s, now);
    await this.durable();
    return recovered;
  }

  async markSending(deliveryId: string, workerId: string, now: number): Promise<boolean> {
    // Through the group commit like the claim: it resolves only once the mark is on disk (so
    // before the request leaves), a failing write rejects its own caller alone, and the marks of
    // deliveries launched together share one commit and one sync instead of one each.
    const s = this.p.s;
    return this.group.run(function mark() {
      return s.markSending.run({ id: deliveryId, workerId, now }).changes === 1;
    });
  }

  /** One process has the file: the in-memory limiter paces its targets. */
  sharedLimiter(): null {
    return null;
  }

  async rerouteEvent(eventId: string, reroute: Reroute, deliveries: readonly NewDelivery[]): Promise<RerouteResult | null> {
    this.group.flush();
    const result = this.db.transaction(rerouteRows).immediate(this.db, this.p.s, eventId, reroute, deliveries);
    await this.durable();
    return result;
  }

  async replay(deliveryIds: readonly string[], now: number): Promise<number> {
    if (deliveryIds.length === 0) return 0;
    this.group.flush();
    const db = this.db;
    const s = this.p.s;
    const ids = JSON.stringify(deliveryIds);
    const changed = db.transaction(function replayAndResume() {
      const replayed = s.replay.run({ ids, now }).changes;
      if (replayed > 0) s.resumeTargetsOf.run({ ids });
      return replayed;
    })();
    await this.durable();
    return changed;
  }

  async replayMatching(filter: DeliveryFilter, now: number, dryRun: boolean): Promise<number> {
    const where = deliveryWhere(filter, { onlyReplayable: true });
    this.group.flush();
    if (dryRun) {
      return this.filteredStatement<number>(`SELECT COUNT(*) FROM deliveries ${where.sql}`).pluck().get(where.params) ?? 0;
    }
    const resume = this.filteredStatement(`DELETE FROM target_pauses WHERE target IN (SELECT target FROM deliveries ${where.sql})`);
    const update = this.filteredStatement(`
      UPDATE deliveries
      SET status = 'pending', next_attempt_at = @now, dead_reason = NULL, error = NULL, attempts_in_round = 0,
        lease_owner = NULL, lease_expires_at = NULL, sending_at = NULL, round_started_at = @now, updated_at = @now
      ${where.sql}`);
    const changed = this.db.transaction(function replayMatchingAndResume() {
      resume.run(where.params);
      return update.run({ ...where.params, now }).changes;
    })();
    await this.durable();
    return changed;
  }

  async pauseTarget(target: string, until: number | null, reason: string, now: number): Promise<void> {
    this.group.flush();
    this.p.s.pauseTarget.run({ target, until, reason, since: now });
    await this.durable();
  }

  async resumeTarget(target: string): Promise<boolean> {
    this.group.flush();
    const resumed = this.p.s.resumeTarget.run({ target }).changes > 0;
    await this.durable();
    return resumed;
  }

  async targetPauses(): Promise<TargetPause[]> {
    return this.p.s.targetPauses.all();
  }

  async listEvents(filter: EventFilter): Promise<Page<StoredEvent>> {
    const limit = pageLimit(filter.limit);
    const rows = this.page<EventRow>('events', 'received_at', eventWhere(filter), limit);
    return pageOf(rows, limit, toEvent, 'events', (event) => event.receivedAt);
  }

  async listDeliveries(filter: DeliveryFilter): Promise<Page<Delivery>> {
    const limit = pageLimit(filter.limit);
    const rows = this.page<DeliveryRow>('deliveries', 'created_at', deliveryWhere(filter), limit);
    return pageOf(rows, limit, toDelivery, 'deliveries', (delivery) => delivery.createdAt);
  }

  /** Newest first; one row more than the page, to know whether another page follows. */
  private page<R>(table: 'events' | 'deliveries', timeColumn: string, where: SqlWhere, limit: number): R[] {
    const sql = `SELECT * FROM ${table} ${where.sql} ORDER BY ${timeColumn} DESC, id DESC LIMIT @pageLimit`;
    return this.filteredStatement<R>(sql).all({ ...where.params, pageLimit: limit + 1 });
  }

  async getEvent(id: string): Promise<EventWithDeliveries | null> {
    const p = this.p;
    return p.readEvent(p.s, id);
  }

  async getDelivery(id: string): Promise<DeliveryWithAttempts | null> {
    const p = this.p;
    return p.readDelivery(p.s, id);
  }

  async queueStats(now: number): Promise<TargetQueueStats[]> {
    return this.p.s.queueStats.all().map(function toStats(row): TargetQueueStats {
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
    const waits = this.filteredStatement<TargetWaitsRow>(TARGET_WAITS_SQL).all({ now: query.now });
    const delivered = anyFailing(waits)
      ? this.filteredStatement<TargetLastDeliveredRow>(TARGET_LAST_DELIVERED_SQL).all({ since: query.deliveredSince })
      : [];
    return mergeTargetHealth(waits, delivered);
  }

  async activity(query: ActivityQuery): Promise<ActivityBucket[]> {
    const params = activityParams(query);
    const events = this.filteredStatement<ActivityEventRow>(ACTIVITY_EVENTS_SQL).all(params);
    const deliveries = this.filteredStatement<ActivityDeliveryRow>(ACTIVITY_DELIVERIES_SQL).all(params);
    return mergeActivity(events, deliveries);
  }

  async purge(now: number, retentionMs: number, deadRetentionMs: number): Promise<number> {
    this.group.flush();
    const p = this.p;
    let deleted = 0;
    // Dead letters first: an old event whose only undelivered delivery was a purged dead letter is
    // then all delivered, and goes in the second pass.
    for (;;) {
      const batch = p.purgeDead.immediate(p.s, now - deadRetentionMs, PURGE_BATCH);
      deleted += batch.events;
      if (batch.rows < PURGE_BATCH) break;
      await yieldToEventLoop();
    }
    for (;;) {
      const events = p.s.purgeEvents.run({ cutoff: now - retentionMs, batch: PURGE_BATCH }).changes;
      deleted += events;
      if (events < PURGE_BATCH) break;
      await yieldToEventLoop();
    }
    await this.durable();
    return deleted;
  }

  async ping(): Promise<void> {
    // A failed WAL sync stops all writes until a restart: not ready.
    if (this.wal?.failed) throw this.wal.failed;
    this.p.s.ping.get();
    // A full disk refuses every write while reads still answer: say so before an event is refused.
    if (this.path !== ':memory:') {
      const fs = statfsSync(dirname(this.path));
      const free = Number(fs.bavail) * Number(fs.bsize);
      if (free < this.minFreeBytes) throw new StoreDiskFullError(this.path, free, this.minFreeBytes);
    }
  }

  /** The connection's effective settings, for tests and diagnostics. */
  settings(): { journalMode: string; synchronous: number; walSync: boolean; foreignKeys: number; busyTimeoutMs: number } {
    const db = this.db;
    function read(name: string): unknown {
      return db.pragma(name, { simple: true });
    }
    return {
      journalMode: String(read('journal_mode')),
      synchronous: Number(read('synchronous')),
      walSync: this.wal !== null,
      foreignKeys: Number(read('foreign_keys')),
      busyTimeoutMs: Number(read('busy_timeout')),
    };
  }

  /** Group-commit counters since open: transactions committed and the writes they held. */
  writeStats(): { commits: number; writes: number; syncs: number } {
    return { commits: this.group.commits, writes: this.group.writes, syncs: this.wal?.syncs ?? 0 };
  }

  /** Budget statements, prepared on first use (after migrate). */
  private get budgetStatements(): BudgetStatements {
    this.preparedBudgets ??= prepareBudgetStatements(this.db);
    return this.preparedBudgets;
  }

  /** One IMMEDIATE transaction after the queued group writes, resolved once it is on disk. */
  private async write<T>(body: (s: BudgetStatements) => T): Promise<T> {
    this.group.flush();
    const s = this.budgetStatements;
    const result = this.db.transaction(body).immediate(s);
    await this.durable();
    return result;
  }

  async claimBudget(request: BudgetClaimRequest): Promise<BudgetClaim> {
    return claimThroughBudget(request, {
      reserve: (req, token) => this.write((s) => reserveRows(s, req, token)),
      claim: (target, limit, req) =>
        this.claim({ target: target.target, limit, now: req.now, leaseMs: target.leaseMs, workerId: req.workerId }),
      bind: (token, ids, now) => this.write((s) => bindRows(s, token, ids, now)),
      release: (ids, workerId) => this.release(ids, workerId),
    });
  }

  async settleBudgetUnit(deliveryId: string, workerId: string, spent: boolean, at: number): Promise<void> {
    await this.write((s) => settleUnitRows(s, deliveryId, workerId, spent, at));
  }

  async pauseBudget(budget: string, until: number, reason: string, now: number): Promise<void> {
    await this.write((s) => s.pauseBudget.run({ budget, until, reason, now }));
  }

  async budgetStats(budgets: readonly { readonly name: string; readonly perMs: number }[], now: number): Promise<BudgetStats[]> {
    return budgetStatsRows(this.budgetStatements, budgets, now);
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.group.flush();
    // Writes committed by the flush settle once their sync is done; then the file is closed.
    await this.wal?.close();
    this.db.close();
  }
}

function byDueThenId(a: DeliveryRow, b: DeliveryRow): number {
  return a.next_attempt_at - b.next_attempt_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Lets requests run between purge batches (better-sqlite3 blocks the event loop while it works). */
function yieldToEventLoop(): Promise<void> {
  return new Promise(function later(resolve) {
    setImmediate(resolve);
  });
}

/** Opens (creating the folder and the file if needed) a SQLite store; call migrate() before use. */
export function openSqliteStore(path: string, options?: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(path, options);
}
