/** Test helpers for the SQLite store: look at a store file through a connection of its own. */
import Database from 'better-sqlite3';

/** Rows of `events` as another (read-only) connection sees them: what is committed. */
export function countCommittedEvents(file: string): number {
  const other = new Database(file, { readonly: true });
  try {
    return other.prepare<[], number>('SELECT COUNT(*) FROM events').pluck().get() ?? 0;
  } finally {
    other.close();
  }
}
