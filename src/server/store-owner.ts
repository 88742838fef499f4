/**
 * A router serving from a SQLite file claims it first: a second `serve` on the same file would
 * re-queue the first one's in-flight deliveries at its start-up and could fire a routine twice.
 * Stores shared by design (PostgreSQL) and in-memory SQLite need no claim.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { sqlitePath } from '../store/open.ts';
import { claimSqliteOwnership, type SqliteOwnership, SqliteStoreInUseError } from '../store/sqlite-owner.ts';

/** The claim (release it on shutdown), null when the store needs none, or why it is refused. */
export function claimServingStore(url: string, logger: Logger): SqliteOwnership | null | { readonly error: string } {
  const file = sqlitePath(url);
  if (file === null || file === ':memory:') return null;
  mkdirSync(dirname(file), { recursive: true });
  try {
    return claimSqliteOwnership(file);
  } catch (error) {
    if (!(error instanceof SqliteStoreInUseError)) throw error;
    logger.error({ file, owner: error.owner }, 'the SQLite store is already served by another process');
    return { error: error.message };
  }
}
