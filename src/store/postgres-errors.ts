/**
 * Which failures mean "the database cannot be reached right now" (answer 503, retry later) as
 * opposed to a bug or a bad request. The process never exits on these: the pool drops the broken
 * connection and opens a new one on the next query, so service resumes when the database is back.
 */

/** SQLSTATE classes and codes that say the server is gone, going, not ready or overloaded. */
const UNAVAILABLE_SQLSTATES: ReadonlySet<string> = new Set([
  '57P01', // admin_shutdown: terminating connection due to administrator command
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the database system is starting up / shutting down
  '57P05', // idle_session_timeout
  '57014', // query_canceled: statement_timeout ran out
  '53300', // too_many_connections
  '53400', // configuration_limit_exceeded
  '58030', // io_error
]);

/** Node socket errors on connect or mid-query. */
const UNAVAILABLE_NODE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENOENT', // a Unix socket path that is not there (server stopped)
]);

/** The driver's own messages for a connection that broke or never came up (they carry no code). */
const UNAVAILABLE_MESSAGES: readonly RegExp[] = [
  /^Connection terminated/, // "Connection terminated unexpectedly", "... due to connection timeout"
  /^timeout exceeded when trying to connect/, // pool: no connection within connectionTimeoutMillis
  /is not queryable/, // "Client has encountered a connection error and is not queryable"
  /^Query read timeout/,
];

function codeOf(error: object): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function check(error: unknown, depth: number): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  const code = codeOf(error);
  if (code !== undefined) {
    // Class 08: connection exception (08000, 08003, 08006, 08001, 08004, ...).
    if (/^08[0-9A-Z]{3}$/.test(code) || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_NODE_CODES.has(code)) return true;
  }
  if (error instanceof Error && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(error.message))) return true;
  // Node reports a connect to a host with several addresses as one AggregateError.
  if (error instanceof AggregateError && error.errors.some((inner: unknown) => check(inner, depth + 1))) return true;
  return check((error as { cause?: unknown }).cause, depth + 1);
}

/** True when `err` says the PostgreSQL server is unreachable, restarting, or timed out: answer 503. */
export function isUnavailableError(err: unknown): boolean {
  return check(err, 0);
}
