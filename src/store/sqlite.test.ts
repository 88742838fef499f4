import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeContract } from '../../test/support/store/contract.ts';
import { aDelivery, anEvent, DAY, T0 } from '../../test/support/store/contract-fixtures.ts';
import { SQLITE_MIGRATIONS } from './migrations/sqlite.ts';
import { StoreNotReadyError } from './not-ready.ts';
import type { SqliteStore } from './sqlite.ts';
import { openSqliteStore } from './sqlite.ts';
import type { Store } from './types.ts';

let contractDir = '';
let serial = 0;

storeContract(
  'sqlite file',
  async function openTempStore(): Promise<Store> {
    contractDir = mkdtempSync(join(tmpdir(), 'hookgate-store-'));
    const store = openSqliteStore(join(contractDir, `store-${++serial}.db`));
    await store.migrate();
    return store;
  },
  async function removeTempDir(): Promise<void> {
    rmSync(contractDir, { recursive: true, force: true });
  },
);

storeContract('sqlite :memory:', async function openMemoryStore(): Promise<Store> {
  const store = openSqliteStore(':memory:');
  await store.migrate();
  return store;
});

const CHILD = fileURLToPath(new URL('../../test/support/store/sqlite-child.ts', import.meta.url));

interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  /** The child's next stdout line; rejects, with its stderr, if it exits first. */
  readonly nextLine: () => Promise<string>;
}

function startChild(args: readonly string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: 'pipe' });
  let stderr = '';
  child.stderr.on('data', function collect(chunk: Buffer) {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    process: child,
    async nextLine() {
      const result = await lines.next();
      if (result.done) throw new Error(`child exited without output: ${stderr}`);
      return result.value;
    },
  };
}

function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('SqliteStore', () => {
  let dir = '';
  const children: ChildProcessWithoutNullStreams[] = [];
  const stores: SqliteStore[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hookgate-sqlite-'));
  });

  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited(child);
    }
    for (const store of stores.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(path: string): Promise<SqliteStore> {
    const store = openSqliteStore(path);
    stores.push(store);
    await store.migrate();
    return store;
  }

  it('runs durable settings: WAL synced by the store after each commit (NORMAL + WAL sync), foreign keys, a busy timeout', async () => {
    const store = await open(join(dir, 'a.db'));
    expect(store.settings()).toEqual({ journalMode: 'wal', synchronous: 1, walSync: true, foreignKeys: 1, busyTimeoutMs: 5000 });
  });

  it('lets COMMIT sync (FULL) where there is no WAL file to sync: an in-memory store', async () => {
    const store = await open(':memory:');
    expect(store.settings()).toMatchObject({ synchronous: 2, walSync: false });
  });

  it('creates a missing parent folder', async () => {
    const path = join(dir, 'x', 'y', 'hookgate.db');
    await open(path);
    expect(existsSync(path)).toBe(true);
  });

  it('records each migration once, and migrating again changes nothing', async () => {
    const path = join(dir, 'm.db');
    const first = await open(path);
    await first.insertEvent(anEvent({ dedupKey: 'kept' }), [aDelivery()]);
    await first.migrate();
    const second = await open(path);
    expect((await second.listEvents({})).items.map((e) => e.dedupKey)).toEqual(['kept']);

    const raw = new Database(path, { readonly: true });
    try {
      const versions = raw.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
      expect(versions).toEqual(SQLITE_MIGRATIONS.map((m) => m.version));
    } finally {
      raw.close();
    }
  });

  it('keeps in-flight deliveries of a process that died, for recoverInFlight at the next start', async () => {
    const path = join(dir, 'r.db');
    const crashed = await open(path);
    const delivery = aDelivery({ target: 't', nextAttemptAt: T0 });
    await crashed.insertEvent(anEvent(), [delivery]);
    await crashed.claim({ target: 't', limit: 1, now: T0, leaseMs: DAY, workerId: 'gone' });
    await crashed.close();

    const restarted = await open(path);
    expect(await restarted.recoverInFlight(T0 + 1)).toBe(1);
    expect(await restarted.getDelivery(delivery.id)).toMatchObject({ status: 'pending', nextAttemptAt: T0 + 1, leaseOwner: null });
  });

  it('purges in batches past the batch size', async () => {
    const store = await open(':memory:');
    for (let i = 0; i < 1101; i++) {
      await store.insertEvent(anEvent({ receivedAt: T0, status: 'ignored' }), []);
    }
    await store.insertEvent(anEvent({ receivedAt: T0 + 10 * DAY, status: 'ignored' }), []);
    expect(await store.purge(T0 + 10 * DAY, 7 * DAY, 30 * DAY)).toBe(1101);
    expect((await store.listEvents({})).items).toHaveLength(1);
  });

  it('stores each key once when two processes insert the same keys into one file at the same time', async () => {
    const path = join(dir, 'shared.db');
    const keys = 60;
    const pair = [startChild(['insert', path, 'stripe', String(keys)]), startChild(['insert', path, 'stripe', String(keys)])];
    children.push(...pair.map((child) => child.process));
    // Both open and migrate the new file together, then start inserting on one signal.
    expect(await Promise.all(pair.map((child) => child.nextLine()))).toEqual(['ready', 'ready']);
    for (const child of pair) child.process.stdin.write('go\n');
    const outputs = await Promise.all(pair.map((child) => child.nextLine()));
    expect(await Promise.all(pair.map((child) => exited(child.process)))).toEqual([0, 0]);

    type Result = { key: string; ownId: string; duplicate: boolean; eventId: string };
    const [a, b] = outputs.map((line) => JSON.parse(line) as Result[]);
    expect(a).toHaveLength(keys);
    expect(b).toHaveLength(keys);
    for (let i = 0; i < keys; i++) {
      const ra = a![i]!;
      const rb = b![i]!;
      expect(ra.key).toBe(rb.key);
      // Exactly one of the two stored it; both answer with the stored id.
      expect(ra.duplicate !== rb.duplicate).toBe(true);
      const winner = ra.duplicate ? rb.ownId : ra.ownId;
      expect(ra.eventId).toBe(winner);
      expect(rb.eventId).toBe(winner);
    }

    const store = await open(path);
    const events = (await store.listEvents({ limit: 500 })).items;
    expect(events).toHaveLength(keys);
    expect(new Set(events.map((e) => e.dedupKey)).size).toBe(keys);
    expect((await store.listDeliveries({ limit: 500 })).items).toHaveLength(keys);
  });

  it('keeps an acknowledged event when the process is killed the next instant', async () => {
    const path = join(dir, 'kill.db');
    const child = startChild(['ack', path, 'survivor']);
    children.push(child.process);
    const line = await child.nextLine();
    child.process.kill('SIGKILL');
    await exited(child.process);

    expect(line).toMatch(/^acked evt_/);
    const eventId = line.slice('acked '.length);
    const store = await open(path);
    const event = await store.getEvent(eventId);
    expect(event).toMatchObject({ dedupKey: 'survivor', status: 'accepted' });
    expect(event?.deliveries).toHaveLength(1);
  });
});

describe('SQLite readiness and free disk space', () => {
  let dir = '';
  afterEach(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  it('ping fails with the free bytes when the disk holding the file has less than minFreeBytes free; a disk with room passes', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookgate-free-'));
    const roomy = openSqliteStore(join(dir, 'roomy.db'));
    // The threshold above any real disk's free space stands for a disk that filled up: statfs is real.
    const full = openSqliteStore(join(dir, 'full.db'), { minFreeBytes: Number.MAX_SAFE_INTEGER });
    try {
      await roomy.migrate();
      await full.migrate();
      await expect(roomy.ping()).resolves.toBeUndefined();
      const refused = await full.ping().then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(StoreNotReadyError);
      expect((refused as StoreNotReadyError).reason).toMatch(/^the store's disk is full: \d+ bytes free, under \d+$/);
      // The public reason names no path; the message (for logs) does.
      expect((refused as StoreNotReadyError).reason).not.toContain(dir);
      expect((refused as Error).message).toContain(join(dir, 'full.db'));
    } finally {
      await roomy.close();
      await full.close();
    }
  });

  it(':memory: has no disk to check', async () => {
    const store = openSqliteStore(':memory:', { minFreeBytes: Number.MAX_SAFE_INTEGER });
    await store.migrate();
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
  });
});
