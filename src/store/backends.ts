/**
 * The store backends, in one place: which URLs each takes, what it can do, and how it opens.
 * Code outside src/store asks a store for its `capabilities` (or for what they provide, e.g.
 * `sharedLimiter()`), never for its class. Adding a backend: implement Store in its own module,
 * declare it here, and run the contract suites (test/support/store) against it.
 */
import { resolve } from 'node:path';
import { SetupError } from '../errors.ts';
import { openPostgresStore } from './postgres.ts';
import type { PostgresStoreOptions } from './postgres-config.ts';
import { openSqliteStore } from './sqlite.ts';
import type { Store, StoreCapabilities } from './types.ts';

export interface StoreBackend {
  readonly name: Store['kind'];
  /** The URL forms it takes, for error messages and the README. */
  readonly urls: readonly string[];
  readonly capabilities: StoreCapabilities;
  /** True when this backend takes the URL. */
  matches(url: string): boolean;
  /** Opens the store; not yet migrated. */
  open(url: string, options: { readonly postgres?: PostgresStoreOptions }): Store;
}

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

export const STORE_BACKENDS = {
  sqlite: {
    name: 'sqlite',
    urls: ['sqlite:./data/hookgate.db', 'sqlite:/abs/file.db', 'sqlite::memory:'],
    // A file belongs to one serve: what it left in flight is its own, recovered at the next start.
    capabilities: Object.freeze({ singleOwner: true, sharedLimits: false }),
    matches: (url: string) => url.startsWith('sqlite:'),
    open(url) {
      return openSqliteStore(sqlitePath(url) ?? url);
    },
  },
  postgres: {
    name: 'postgres',
    urls: ['postgres://...'],
    // Replicas share the database: leases recover a dead worker's deliveries, and per-target
    // pacing and concurrency are counted in the database.
    capabilities: Object.freeze({ singleOwner: false, sharedLimits: true }),
    matches: (url: string) => /^postgres(ql)?:\/\//i.test(url),
    open(url, options) {
      // The URL may hold a password: neither openPostgresStore nor the driver's errors echo it.
      return openPostgresStore(url, options.postgres);
    },
  },
} as const satisfies Record<Store['kind'], StoreBackend>;

export const STORE_BACKEND_LIST: readonly StoreBackend[] = Object.values(STORE_BACKENDS);
