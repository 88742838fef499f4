/**
 * Opens the store a URL names, migrated and ready:
 *   sqlite:/abs/path.db, sqlite:///abs/path.db, sqlite:./rel.db (relative to process.cwd();
 *   callers resolve config-relative paths first), sqlite::memory:
 *   postgres://... and postgresql://... (optional `?pool=`, `?statement_timeout=`, `?schema=`).
 */
import { SetupError } from '../errors.ts';
import { STORE_BACKEND_LIST } from './backends.ts';

export { sqlitePath } from './backends.ts';

import type { PostgresStoreOptions } from './postgres.ts';
import type { Store } from './types.ts';

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
  const backend = STORE_BACKEND_LIST.find((candidate) => candidate.matches(url));
  if (backend) {
    return migrated(backend.open(url, options));
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  throw new SetupError(
    `store URL ${scheme ? `scheme "${scheme}:"` : 'without a scheme'} is not supported: ` +
      `use ${STORE_BACKEND_LIST.flatMap((b) => b.urls).join(', ')}`,
  );
}
