/**
 * From a store URL and options to the pool's settings. hookgate's own query parameters
 * (`?pool=20&statement_timeout=5000&schema=hookgate`) are taken out of the URL before the rest goes
 * to the driver; explicit options win over them. The URL may hold a password, so no message here
 * ever contains it, or any part of it.
 */

import type { PoolConfig } from 'pg';
import { TypeOverrides } from 'pg';
import { SetupError } from '../errors.ts';

export interface PostgresStoreOptions {
  /** Connections in the pool; default 10 (or `?pool=` in the URL). */
  readonly poolMax?: number;
  /** Per-connection statement_timeout in ms; default 5000 (or `?statement_timeout=`). 0 turns it off. */
  readonly statementTimeoutMs?: number;
  /** Schema holding every table, created by migrate() if missing (or `?schema=`); default: the search_path's. */
  readonly schema?: string;
  /** Clock for the one time no caller passes (release's "due now"). Default Date.now. */
  readonly now?: () => number;
  /** Called when an idle pooled connection fails (database restarted, network cut); default: ignored, the pool replaces it. */
  readonly onIdleError?: (error: Error) => void;
  /** Time to wait for a new connection or a free pooled one, ms; default 5000. */
  readonly connectTimeoutMs?: number;
}

export interface ResolvedPostgresConfig {
  readonly pool: PoolConfig;
  /** The schema the tables live in, or null for the connection's default search_path. */
  readonly schema: string | null;
}

export const DEFAULT_POOL_MAX = 10;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 5000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
const QUERY_TIMEOUT_GRACE_MS = 5000;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const INT8_OID = 20;

/** bigint columns hold epoch milliseconds and counts, all far below 2^53: read them as numbers. */
function numericTypes(): TypeOverrides {
  const types = new TypeOverrides();
  types.setTypeParser(INT8_OID, 'text', Number);
  return types;
}

function integerParam(name: string, raw: string | null, min: number): number | undefined {
  if (raw === null) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
    throw new SetupError(`store URL parameter ${name} must be an integer of at least ${min}`);
  }
  return value;
}

function checkedInteger(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new SetupError(`PostgreSQL store option ${name} must be an integer of at least ${min}, got ${value}`);
  }
  return value;
}

export function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new SetupError(
      `PostgreSQL schema "${schema}" is not a plain name: use lower-case letters, digits and _ (not starting with a digit, at most 63)`,
    );
  }
  return schema;
}

export function resolvePostgresConfig(url: string, options: PostgresStoreOptions = {}): ResolvedPostgresConfig {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The URL is not shown: it may hold a password.
    throw new SetupError('store URL postgres://... could not be parsed: write postgres://user:password@host:5432/database');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new SetupError('store URL must start with postgres:// or postgresql://');
  }
  const params = parsed.searchParams;
  const urlPool = integerParam('pool', params.get('pool'), 1);
  const urlTimeout = integerParam('statement_timeout', params.get('statement_timeout'), 0);
  const urlSchema = params.get('schema');
  const urlOptions = params.get('options');
  for (const name of ['pool', 'statement_timeout', 'schema', 'options']) params.delete(name);

  const schemaName = options.schema ?? urlSchema;
  const schema = schemaName === null || schemaName === '' ? null : checkSchemaName(schemaName);
  const max = checkedInteger('poolMax', options.poolMax ?? urlPool ?? DEFAULT_POOL_MAX, 1);
  const statementTimeout = checkedInteger(
    'statementTimeoutMs',
    options.statementTimeoutMs ?? urlTimeout ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    0,
  );
  const connectTimeout = checkedInteger('connectTimeoutMs', options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, 1);
  // search_path travels in the startup packet, so every pooled connection has it from the start.
  const startup = [urlOptions, schema === null ? null : `-c search_path=${schema}`].filter(Boolean).join(' ');

  const pool: PoolConfig = {
    connectionString: parsed.toString(),
    max,
    // The server cancels a statement after statement_timeout; query_timeout is the client's own
    // bound, for a server that vanished without closing the connection (failover, network cut).
    ...(statementTimeout > 0 ? { statement_timeout: statementTimeout, query_timeout: statementTimeout + QUERY_TIMEOUT_GRACE_MS } : {}),
    ...(startup ? { options: startup } : {}),
    connectionTimeoutMillis: connectTimeout,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    application_name: 'hookgate',
    types: numericTypes(),
  };
  return { pool, schema };
}
