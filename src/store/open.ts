/**
 * Opens the store a URL names, migrated and ready:
 *   sqlite:/abs/path.db, sqlite:///abs/path.db, sqlite:./rel.db (relative to process.cwd();
 *   callers resolve config-relative paths first), sqlite::memory:
 *   postgres://... and postgresql://... (optional `?pool=`, `?statement_timeout=`, `?schema=`).
 */
import { resolve } from 'node:path';
import { SetupError } from '../errors.ts';
import type { PostgresStoreOptions } from './postgres.ts';
import { openPostgresStore } from './postgres.ts';
import { openSqliteStore } from './sqlite.ts';
import type { Store } from './types.ts';

/** The file path of a sqlite: URL (`:memory:` kept as is), or null for any other URL. */
export function sqlitePath(url: string): string | null {
  if (!url.startsWith('sqlite:')) return null;
  let rest = url.slice('sqlite:'.length);
  if (rest === ':memory:') return rest;
  if (rest.startsWith('//')) rest = rest.slice(2);
  if (rest === '') {
    throw new SetupError('store URL sqlite: has no path: write sqlite:./data/hookgate.db, sqlite:/abs/file.db or sqlite::memory:');
  }
  return resolve(process.cwd(), rest);
}

async function migrated(store: Store): Promise<Store> {
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

export interface OpenStoreOptions {
  /** Passed to the PostgreSQL store (e.g. onIdleError for logging); ignored for SQLite. */
  readonly postgres?: PostgresStoreOptions;
}

export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const path = sqlitePath(url);
  if (path !== null) {
    return migrated(openSqliteStore(path));
  }
  if (/^postgres(ql)?:\/\//i.test(url)) {
    // The URL may hold a password: neither openPostgresStore nor the driver's errors echo it.
    return migrated(openPostgresStore(url, options.postgres));
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  throw new SetupError(
    `store URL ${scheme ? `scheme "${scheme}:"` : 'without a scheme'} is not supported: ` +
      'use sqlite:./data/hookgate.db, sqlite:/abs/file.db, sqlite::memory: or postgres://...',
  );
}
