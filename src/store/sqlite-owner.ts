/**
 * One `serve` per SQLite file. Start-up recovery re-queues whatever the previous run left in
 * flight, which is only safe when no other process is delivering from the same file: a second
 * router would re-send the first one's in-flight deliveries and could start a routine twice.
 *
 * The claim is a transaction that is opened and never committed on a small lock database beside
 * the store (`<file>-owner`): SQLite's RESERVED lock is a POSIX advisory lock that the kernel
 * drops when the process dies, so a kill -9 can never leave it stale. Who holds it is written to
 * `<file>-owner.json` for the message a second process prints; that file is advisory only.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';

export interface SqliteOwner {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
  readonly argv: string;
}

export interface SqliteOwnership {
  readonly file: string;
  release(): void;
}

/** Thrown when another process already serves from the file. */
export class SqliteStoreInUseError extends Error {
  readonly file: string;
  readonly owner: SqliteOwner | null;
  constructor(file: string, owner: SqliteOwner | null) {
    const who = owner ? `process ${owner.pid} on ${owner.host} (${owner.argv}, since ${owner.since})` : 'another process';
    super(`${file} is already served by ${who}; a SQLite store has one serve at a time (use PostgreSQL for replicas)`);
    this.name = 'SqliteStoreInUseError';
    this.file = file;
    this.owner = owner;
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

function readOwner(path: string): SqliteOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<SqliteOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return null;
    return { pid: parsed.pid, host: parsed.host, since: String(parsed.since ?? '?'), argv: String(parsed.argv ?? '?') };
  } catch {
    return null;
  }
}

function describeSelf(): SqliteOwner {
  const argv = process.argv
    .slice(1)
    .map((a) => a.split('/').pop() ?? a)
    .join(' ');
  return { pid: process.pid, host: hostname(), since: new Date().toISOString(), argv };
}

/** Claims the store file for this process; throws SqliteStoreInUseError when another process holds it. */
export function claimSqliteOwnership(file: string): SqliteOwnership {
  const lockPath = `${file}-owner`;
  const infoPath = `${file}-owner.json`;
  const db = new Database(lockPath);
  try {
    db.pragma('busy_timeout = 0');
    // A rollback journal (not WAL) so that RESERVED is one exclusive slot across processes.
    db.pragma('journal_mode = DELETE');
    db.exec('BEGIN IMMEDIATE');
  } catch (error) {
    db.close();
    if (isBusy(error)) throw new SqliteStoreInUseError(file, readOwner(infoPath));
    throw error;
  }
  const tmp = `${infoPath}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(describeSelf())}\n`);
    renameSync(tmp, infoPath);
  } catch {
    // Advisory only (a full disk must not stop a restart): a second process then names no holder.
    rmSync(tmp, { force: true });
  }
  let released = false;
  return {
    file,
    release: function releaseOwnership() {
      if (released) return;
      released = true;
      db.exec('ROLLBACK');
      db.close();
    },
  };
}
