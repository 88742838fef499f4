/**
 * Durable commits without blocking the event loop. better-sqlite3 runs on the loop's thread, so
 * with synchronous=FULL every COMMIT waits there for the fsync of the WAL (~0.2 ms to several ms),
 * and no request is read, verified or mapped meanwhile. The store runs synchronous=NORMAL instead,
 * where a commit appends its frames to the WAL without syncing it, and syncs the WAL itself, with
 * fdatasync on libuv's thread pool, before any write's promise resolves.
 *
 * Why this is as durable as FULL: in WAL mode, FULL differs from NORMAL only by one sync of the WAL
 * after each commit (checkpoints and WAL resets are synced in both; https://sqlite.org/pragma.html
 * #pragma_synchronous). A commit's frames are in the WAL, in order, when COMMIT returns; a sync
 * begun after that covers them and every earlier commit. So a write resolves only after a sync
 * that *started* after its commit completed; one sync serves every commit made before it started
 * (the group commit's next batches meanwhile go into the WAL and wait for the following sync).
 *
 * Readers on this connection see a commit before its sync finished, but nothing leaves the process
 * on the strength of it: the worker sends a delivery only after its claim (a later write) resolved,
 * i.e. after a sync that covered the insert too, and the 2xx to a provider waits for the insert.
 *
 * A failed sync is not retried: after an fsync error Linux may have dropped the dirty pages and a
 * second fsync would report success for data that is gone. The syncer then fails every later call
 * too (writes answer "store unavailable", /readyz turns 503) until the process restarts and SQLite
 * recovers from what the WAL really holds.
 */
import { closeSync, fdatasync as fsFdatasync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

type SyncFn = (fd: number, callback: (err: NodeJS.ErrnoException | null) => void) => void;

export interface WalSyncOptions {
  /** The sync call (tests slow it down or make it fail). Default fs.fdatasync. */
  readonly fdatasync?: SyncFn;
}

interface Waiters {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

function waiters(): Waiters {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function nothing(): void {}

export class WalSyncError extends Error {
  constructor(
    readonly walPath: string,
    override readonly cause: Error,
  ) {
    super(`syncing ${walPath} failed (${cause.message}); the store refuses writes until restarted`);
    this.name = 'WalSyncError';
  }
}

export class WalSync {
  readonly walPath: string;
  readonly #fdatasync: SyncFn;
  #fd: number | null = null;
  /** The sync on the thread pool now, if any. */
  #running: Promise<void> | null = null;
  /** Callers that committed while #running was under way: they need the sync after it. */
  #next: Waiters | null = null;
  #failed: WalSyncError | null = null;
  /** Syncs completed since open (diagnostics and tests). */
  syncs = 0;

  constructor(walPath: string, options: WalSyncOptions = {}) {
    this.walPath = walPath;
    this.#fdatasync = options.fdatasync ?? fsFdatasync;
  }

  /** The error that stopped this syncer, or null while it works. */
  get failed(): WalSyncError | null {
    return this.#failed;
  }

  /** null when no sync is under way; else a promise that settles (never rejects) when it ends. */
  idle(): Promise<void> | null {
    if (this.#running === null) return null;
    return this.#running.then(nothing, nothing);
  }

  /** Resolves once everything committed before this call is on disk. */
  durable(): Promise<void> {
    if (this.#failed) return Promise.reject(this.#failed);
    if (this.#running === null) return this.#start();
    this.#next ??= waiters();
    return this.#next.promise;
  }

  #open(): number {
    if (this.#fd === null) {
      // Read-only is enough for fdatasync on Linux, and this descriptor never writes. The WAL exists
      // from the first commit and SQLite keeps it while a connection is open. Its directory entry
      // is synced once, since the file may just have been created.
      this.#fd = openSync(this.walPath, 'r');
      const dir = openSync(dirname(this.walPath), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    }
    return this.#fd;
  }

  #start(): Promise<void> {
    let fd: number;
    try {
      fd = this.#open();
    } catch (err) {
      return Promise.reject(this.#fail(err));
    }
    const done = waiters();
    this.#running = done.promise;
    this.#fdatasync(fd, (err) => {
      this.#running = null;
      const next = this.#next;
      this.#next = null;
      if (err) {
        const failure = this.#fail(err);
        done.reject(failure);
        next?.reject(failure);
        return;
      }
      this.syncs++;
      done.resolve();
      if (next) this.#start().then(next.resolve, next.reject);
    });
    return done.promise;
  }

  #fail(err: unknown): WalSyncError {
    this.#failed ??= new WalSyncError(this.walPath, err instanceof Error ? err : new Error(String(err)));
    return this.#failed;
  }

  /** After the database closed: waits for a sync under way, then drops the descriptor. */
  async close(): Promise<void> {
    const pending = [this.#running, this.#next?.promise].filter((p): p is Promise<void> => p !== null && p !== undefined);
    await Promise.allSettled(pending);
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }
}
