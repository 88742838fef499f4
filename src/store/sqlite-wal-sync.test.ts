/**
 * The SQLite store's own WAL sync (synchronous=NORMAL + fdatasync off the event loop) must give
 * what synchronous=FULL gave: no write resolves before a sync of the WAL that began after its
 * commit, one sync serves every commit before it, and a failed sync fails writes from then on.
 */
import { fstatSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aDelivery, anAttempt, anEvent, T0 } from '../../test/support/store/contract-fixtures.ts';
import { countCommittedEvents } from '../../test/support/store/sqlite-helpers.ts';
import { openSqliteStore, type SqliteStore } from './sqlite.ts';
import { WalSync, WalSyncError } from './sqlite-wal-sync.ts';

type Callback = (err: NodeJS.ErrnoException | null) => void;

/** An fdatasync that finishes only when the test says so. */
function heldSync() {
  const calls: Array<{ fd: number; done: Callback }> = [];
  return {
    calls,
    fdatasync(fd: number, done: Callback): void {
      calls.push({ fd, done });
    },
    finish(index: number, err: NodeJS.ErrnoException | null = null): void {
      calls[index]!.done(err);
    },
  };
}

/** Lets pending promise callbacks and immediates run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function ioError(): NodeJS.ErrnoException {
  return Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO', errno: -5 });
}

describe('WalSync', () => {
  let dir = '';
  let wal = '';

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hookgate-walsync-'));
    wal = join(dir, 'x.db-wal');
    writeFileSync(wal, 'frames');
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('syncs the WAL file itself, through a descriptor on the same inode', async () => {
    const held = heldSync();
    const sync = new WalSync(wal, { fdatasync: held.fdatasync });
    const done = sync.durable();
    expect(held.calls).toHaveLength(1);
    expect(fstatSync(held.calls[0]!.fd).ino).toBe(statSync(wal).ino);
    held.finish(0);
    await done;
    expect(sync.syncs).toBe(1);
    await sync.close();
  });

  it('makes callers that arrive while a sync runs wait for the next sync, and starts one for all of them', async () => {
    const held = heldSync();
    const sync = new WalSync(wal, { fdatasync: held.fdatasync });
    const order: string[] = [];
    const first = sync.durable().then(() => order.push('first'));
    const second = sync.durable().then(() => order.push('second'));
    const third = sync.durable().then(() => order.push('third'));
    expect(held.calls).toHaveLength(1);

    held.finish(0);
    await settle();
    // The first sync may have begun before the second and third commits: they are not done yet.
    expect(order).toEqual(['first']);
    expect(held.calls).toHaveLength(2);

    held.finish(1);
    await Promise.all([first, second, third]);
    expect(order).toEqual(['first', 'second', 'third']);
    expect(held.calls).toHaveLength(2);
    expect(sync.syncs).toBe(2);
    await sync.close();
  });

  it('after a failed sync, rejects the waiting callers and every later one, without syncing again', async () => {
    const held = heldSync();
    const sync = new WalSync(wal, { fdatasync: held.fdatasync });
    const first = sync.durable();
    const second = sync.durable();
    held.finish(0, ioError());
    await expect(first).rejects.toBeInstanceOf(WalSyncError);
    await expect(second).rejects.toThrow(/EIO/);
    await expect(sync.durable()).rejects.toThrow(/refuses writes until restarted/);
    expect(held.calls).toHaveLength(1);
    expect(sync.failed?.walPath).toBe(wal);
    await sync.close();
  });

  it('fails (and stays failed) when the WAL file cannot be opened', async () => {
    const sync = new WalSync(join(dir, 'missing.db-wal'));
    await expect(sync.durable()).rejects.toThrow(/ENOENT/);
    expect(sync.failed).not.toBeNull();
  });
});

describe('SqliteStore durability through the WAL sync', () => {
  let dir = '';
  let file = '';
  let store: SqliteStore | null = null;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hookgate-walstore-'));
    file = join(dir, 'store.db');
  });

  afterEach(async () => {
    await store?.close();
    store = null;
    rmSync(dir, { recursive: true, force: true });
  });

  function countEvents(): number {
    return countCommittedEvents(file);
  }

  it('resolves an insert only after a sync of the WAL that began once the insert was committed', async () => {
    const held = heldSync();
    store = openSqliteStore(file, { walSync: { fdatasync: held.fdatasync } });
    const migrated = store.migrate();
    held.finish(0);
    await migrated;

    let resolved = false;
    const insert = store.insertEvent(anEvent(), [aDelivery()]).then((r) => {
      resolved = true;
      return r;
    });
    // The group commit runs on the next turn of the loop and then asks for a sync.
    await settle();
    expect(held.calls).toHaveLength(2);
    // When the sync is asked for, the commit is already in the WAL (another connection sees it) ...
    expect(countEvents()).toBe(1);
    expect(fstatSync(held.calls[1]!.fd).ino).toBe(statSync(`${file}-wal`).ino);
    await settle();
    // ... but the caller (the 202) waits for the sync to finish.
    expect(resolved).toBe(false);
    held.finish(1);
    expect((await insert).duplicate).toBe(false);
  });

  it('commits the writes that arrive while a sync is under way together, once it is done, and syncs them once', async () => {
    const held = heldSync();
    store = openSqliteStore(file, { walSync: { fdatasync: held.fdatasync } });
    const migrated = store.migrate();
    held.finish(0);
    await migrated;
    const first = store.insertEvent(anEvent(), [aDelivery()]);
    await settle();
    expect(held.calls).toHaveLength(2);
    const commitsBefore = store.writeStats().commits;

    // Three inserts in three turns of the loop while the first one's sync has not returned.
    const later: Array<Promise<unknown>> = [];
    for (let i = 0; i < 3; i++) {
      later.push(store.insertEvent(anEvent(), [aDelivery()]));
      await settle();
    }
    expect(store.writeStats().commits).toBe(commitsBefore);
    expect(countEvents()).toBe(1);
    expect(held.calls).toHaveLength(2);

    held.finish(1);
    expect((await first).duplicate).toBe(false);
    await settle();
    // One commit for the three, then one sync that covers it; none resolves before that sync.
    expect(store.writeStats().commits).toBe(commitsBefore + 1);
    expect(countEvents()).toBe(4);
    expect(held.calls).toHaveLength(3);
    let resolved = 0;
    for (const p of later) void p.then(() => resolved++);
    await settle();
    expect(resolved).toBe(0);
    held.finish(2);
    await Promise.all(later);
    expect(resolved).toBe(3);
  });

  it('rejects the writes that waited for a sync that failed, and stores them as nothing acknowledged', async () => {
    const held = heldSync();
    store = openSqliteStore(file, { walSync: { fdatasync: held.fdatasync } });
    const migrated = store.migrate();
    held.finish(0);
    await migrated;
    const first = store.insertEvent(anEvent(), [aDelivery()]);
    await settle();
    const waiting = store.insertEvent(anEvent(), [aDelivery()]);
    await settle();
    held.finish(1, ioError());
    await expect(first).rejects.toThrow(/refuses writes until restarted/);
    await expect(waiting).rejects.toThrow(/EIO/);
    expect(held.calls).toHaveLength(2);
  });

  it('makes claims and completed attempts wait for the sync as well (a routine fire is sent only after its claim is on disk)', async () => {
    const held = heldSync();
    store = openSqliteStore(file, { walSync: { fdatasync: held.fdatasync } });
    const s = store;
    let next = 0;
    async function finishing<T>(work: Promise<T>): Promise<T> {
      for (;;) {
        await settle();
        while (next < held.calls.length) held.finish(next++);
        const done = await Promise.race([work.then(() => true), settle().then(() => false)]);
        if (done) return work;
      }
    }
    await finishing(s.migrate());
    const delivery = aDelivery({ target: 'walsync' });
    await finishing(s.insertEvent(anEvent(), [delivery]));

    const claimed = s.claim({ target: 'walsync', workerId: 'w', limit: 1, now: T0 + 1, leaseMs: 30_000 });
    let claimResolved = false;
    void claimed.then(() => (claimResolved = true));
    await settle();
    const syncsAsked = held.calls.length;
    expect(syncsAsked).toBe(next + 1);
    await settle();
    expect(claimResolved).toBe(false);
    expect(await finishing(claimed)).toHaveLength(1);

    const completed = s.completeAttempt(delivery.id, 'w', anAttempt(), { status: 'delivered' });
    let completeResolved = false;
    void completed.then(() => (completeResolved = true));
    await settle();
    await settle();
    expect(completeResolved).toBe(false);
    expect(await finishing(completed)).toBe(true);
  });

  it('resolves the sending mark of a routine only after a sync that began once the mark was committed, one sync for marks made together', async () => {
    const held = heldSync();
    store = openSqliteStore(file, { walSync: { fdatasync: held.fdatasync } });
    const s = store;
    let next = 0;
    async function finishing<T>(work: Promise<T>): Promise<T> {
      for (;;) {
        await settle();
        while (next < held.calls.length) held.finish(next++);
        const done = await Promise.race([work.then(() => true), settle().then(() => false)]);
        if (done) return work;
      }
    }
    await finishing(s.migrate());
    const a = aDelivery({ target: 'marks' });
    const b = aDelivery({ target: 'marks' });
    await finishing(s.insertEvent(anEvent(), [a, b]));
    await finishing(s.claim({ target: 'marks', workerId: 'w', limit: 2, now: T0 + 1, leaseMs: 30_000 }));
    const commits = s.writeStats().commits;

    const marks = [s.markSending(a.id, 'w', T0 + 2), s.markSending(b.id, 'w', T0 + 2)];
    let resolved = 0;
    for (const m of marks) void m.then(() => resolved++);
    await settle();
    expect(s.writeStats().commits).toBe(commits + 1);
    expect(held.calls.length).toBe(next + 1);
    await settle();
    expect(resolved).toBe(0);
    expect(await finishing(Promise.all(marks))).toEqual([true, true]);
  });

  it('after a failed sync answers writes with an error and is no longer ready (ping), and nothing was resolved as stored', async () => {
    const held = heldSync();
    store = openSqliteStore(file, { walSync: { fdatasync: held.fdatasync } });
    const migrated = store.migrate();
    held.finish(0);
    await migrated;

    const insert = store.insertEvent(anEvent(), [aDelivery()]);
    await settle();
    held.finish(1, ioError());
    await expect(insert).rejects.toThrow(/refuses writes until restarted/);
    await expect(store.insertEvent(anEvent(), [aDelivery()])).rejects.toThrow(/EIO/);
    await expect(store.ping()).rejects.toThrow(/EIO/);
    expect(held.calls).toHaveLength(2);
  });

  it('with the real fdatasync, counts one sync per batch of concurrent inserts', async () => {
    store = openSqliteStore(file);
    await store.migrate();
    const before = store.writeStats();
    await Promise.all(Array.from({ length: 20 }, () => store!.insertEvent(anEvent(), [aDelivery()])));
    const after = store.writeStats();
    expect(after.commits - before.commits).toBe(1);
    expect(after.syncs - before.syncs).toBe(1);
    expect(countEvents()).toBe(20);
  });
});
