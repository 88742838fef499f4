/**
 * Group commit for the SQLite store. better-sqlite3 runs every statement on the event loop's
 * thread, and a transaction costs a BEGIN, a COMMIT and (for durability) a sync of the WAL: one
 * transaction per request makes that overhead the ceiling. Writes that arrive while the loop is
 * busy are queued instead and committed together on the next turn of the loop (setImmediate), in
 * one BEGIN IMMEDIATE transaction, followed by one sync (`durable`, sqlite-wal-sync.ts).
 *
 * While a sync is under way, the queue is not committed at each turn but once that sync is done
 * (`idle`): a write committed during a sync would have waited for the next sync anyway, so it
 * loses nothing by committing just before it, and every commit saved is a BEGIN, a COMMIT and the
 * tail page of every b-tree the batch touched written to the WAL again. Under load the batches
 * grow to whatever arrived during one sync.
 *
 * Every caller's promise settles only after the shared COMMIT returned and the sync that followed
 * it finished, so a resolved write is on disk. Writes stay atomic one by one: when a write throws, the batch is rolled back
 * and its writes run again each in a transaction of its own, so only the failing one's caller sees
 * the error. (A savepoint per write would do the same without the rerun, but costs ~30 us each,
 * as much as the write.) When BEGIN or COMMIT fails, nothing of the batch was stored and every
 * caller gets that error.
 */
import type { Database, Transaction } from 'better-sqlite3';

type Write = () => unknown;

/** Resolves once everything committed so far is on disk (the store's WAL sync). */
export type Durable = () => Promise<void>;

/** null when no sync is under way; else settles (never rejects) when the one under way ends. */
export type Idle = () => Promise<void> | null;

function alreadyDurable(): Promise<void> {
  return Promise.resolve();
}

function neverBusy(): null {
  return null;
}

interface Queued {
  readonly write: Write;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** Thrown out of a batch when one of its writes failed (as opposed to BEGIN or COMMIT). */
class WriteFailed extends Error {
  constructor(readonly failure: unknown) {
    super('a write of the batch failed');
  }
}

export class GroupCommit {
  readonly #batch: Transaction<(queued: readonly Queued[]) => unknown[]>;
  readonly #single: Transaction<(write: Write) => unknown>;
  readonly #durable: Durable;
  readonly #idle: Idle;
  #queue: Queued[] = [];
  #scheduled: NodeJS.Immediate | null = null;
  /** A flush is due once the sync under way ends. */
  #waiting = false;
  /** Transactions committed and the writes they held, since open (diagnostics and tests). */
  commits = 0;
  writes = 0;

  /**
   * `durable`: the sync to wait for after a commit; none when COMMIT itself syncs (FULL).
   * `idle`: the sync under way, to commit after it rather than during it.
   */
  constructor(db: Database, durable: Durable = alreadyDurable, idle: Idle = neverBusy) {
    this.#durable = durable;
    this.#idle = idle;
    this.#single = db.transaction(function runWrite(write: Write): unknown {
      return write();
    });
    this.#batch = db.transaction(function runBatch(queued: readonly Queued[]): unknown[] {
      return queued.map(function runOne(entry): unknown {
        try {
          return entry.write();
        } catch (error) {
          throw new WriteFailed(error);
        }
      });
    });
  }

  /** Queue a write (a synchronous function of prepared statements); settles once it is on disk. */
  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#waiting) this.#scheduled ??= setImmediate(() => this.#flushWhenIdle());
    });
  }

  /** The scheduled flush: now, or when the sync under way is done (then without asking again, so a stream of syncs cannot starve the queue). */
  #flushWhenIdle(): void {
    this.#scheduled = null;
    const busy = this.#idle();
    if (busy === null) {
      this.flush();
      return;
    }
    this.#waiting = true;
    void busy.then(() => {
      this.#waiting = false;
      this.flush();
    });
  }

  get pending(): number {
    return this.#queue.length;
  }

  /** Commit whatever is queued, now: before a write that bypasses the queue, and before close. */
  flush(): void {
    if (this.#scheduled) {
      clearImmediate(this.#scheduled);
      this.#scheduled = null;
    }
    const queued = this.#queue;
    if (queued.length === 0) return;
    this.#queue = [];
    let results: unknown[];
    try {
      results = this.#batch.immediate(queued);
    } catch (error) {
      if (error instanceof WriteFailed && queued.length > 1) this.#oneByOne(queued);
      else for (const entry of queued) entry.reject(error instanceof WriteFailed ? error.failure : error);
      return;
    }
    this.commits++;
    this.writes += queued.length;
    settleWhenDurable(this.#durable, queued, results);
  }

  #oneByOne(queued: readonly Queued[]): void {
    const committed: Queued[] = [];
    const results: unknown[] = [];
    for (const entry of queued) {
      let result: unknown;
      try {
        result = this.#single.immediate(entry.write);
      } catch (error) {
        entry.reject(error);
        continue;
      }
      this.commits++;
      this.writes++;
      committed.push(entry);
      results.push(result);
    }
    if (committed.length > 0) settleWhenDurable(this.#durable, committed, results);
  }
}

/** One sync for the whole batch, then each caller gets its own result (or the sync's error). */
function settleWhenDurable(durable: Durable, queued: readonly Queued[], results: readonly unknown[]): void {
  durable().then(
    function resolveAll() {
      for (let i = 0; i < queued.length; i++) queued[i]!.resolve(results[i]);
    },
    function rejectAll(error: unknown) {
      for (const entry of queued) entry.reject(error);
    },
  );
}
