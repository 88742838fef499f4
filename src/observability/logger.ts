/**
 * The one pino logger. Authorization, cookies, signature headers and every configured secret are
 * redacted; secret *values* never reach a log call in the first place (see pipeline), so this is
 * the last line of defence.
 *
 * Redaction is two plain functions rather than pino's path-based `redact`: its wildcard paths
 * (`*.token`, ...) walk every key of every line and cost more than the rest of the line (3 µs of
 * 6 per "event received" line, bench `logging`). `headers` gets a serializer that censors the
 * known credential headers; every line's top-level fields and the objects one level down are
 * checked for the four secret field names, copying only when one is present.
 */
import { type Logger, pino } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { knownSecretHeaders } from '../providers/redaction.ts';
import { createSafeDestination, type SafeDestination, type SafeDestinationOptions } from './log-destination.ts';

export type { Logger };

const CENSOR = '[redacted]';

/** Field names whose values are secrets wherever they appear, at the top level or one object down. */
const SECRET_FIELDS = ['token', 'secret', 'secrets', 'password'] as const;

/**
 * What is redacted, as paths: header names come from the verifier registry (every type's signature
 * and token headers, plus Authorization, Cookie and Proxy-Authorization); values under these keys
 * are secrets anywhere.
 */
export const REDACT_PATHS = [
  ...knownSecretHeaders().map((name) => `headers[${JSON.stringify(name)}]`),
  ...SECRET_FIELDS.map((name) => `*.${name}`),
];

const SECRET_HEADERS: ReadonlySet<string> = new Set(knownSecretHeaders());

/** A copy of `headers` with the credential headers censored, or `headers` itself when it has none. */
export function redactHeaders(headers: unknown): unknown {
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) return headers;
  let out: Record<string, unknown> | null = null;
  for (const name in headers) {
    if (!SECRET_HEADERS.has(name.toLowerCase())) continue;
    out ??= { ...(headers as Record<string, unknown>) };
    out[name] = CENSOR;
  }
  return out ?? headers;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value) && !(value instanceof Error);
}

/** `object` with a secret field censored, copied; null when it has none. */
function censored(object: Record<string, unknown>): Record<string, unknown> | null {
  let out: Record<string, unknown> | null = null;
  for (const field of SECRET_FIELDS) {
    if (!Object.hasOwn(object, field)) continue;
    out ??= { ...object };
    out[field] = CENSOR;
  }
  return out;
}

/** The line's fields with secret fields censored at the top level and one object down; the caller's objects are never changed. */
export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  let out = censored(fields);
  for (const key in fields) {
    const value = fields[key];
    if (!isPlainObject(value)) continue;
    const copy = censored(value);
    if (copy === null) continue;
    out ??= { ...fields };
    out[key] = copy;
  }
  return out ?? fields;
}

export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  readonly level?: string;
  readonly destination?: NodeJS.WritableStream | SafeDestination;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const opts = {
    level,
    base: { app: 'hookgate' },
    serializers: { headers: redactHeaders },
    formatters: { log: redactFields },
  };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}

/**
 * LOG_FORMAT: `pretty` (pino-pretty, one readable line per entry) or `json`; by default pretty on a
 * terminal and JSON anywhere else (a pipe, a file, a log shipper). Anything else is a mistake to
 * name, not to guess.
 */
export function logFormatFrom(value: string | undefined, isTerminal: boolean): LogFormat | string {
  if (value === undefined || value.trim() === '') return isTerminal ? 'pretty' : 'json';
  const format = value.trim().toLowerCase();
  if (format === 'json' || format === 'pretty') return format;
  return `LOG_FORMAT "${value}" is not json or pretty`;
}

export interface RouterLogger {
  readonly logger: Logger;
  readonly destination: SafeDestination;
}

/**
 * The router's logger: LOG_LEVEL and LOG_FORMAT from the environment, written through a
 * destination that drops and counts lines rather than block or crash when output fails.
 */
export function createRouterLogger(
  env: Readonly<Record<string, string | undefined>>,
  destination: Omit<SafeDestinationOptions, 'format'> = {},
): RouterLogger | string {
  const isTerminal = destination.stream === undefined && (destination.fd ?? 1) === 1 && process.stdout.isTTY === true;
  const format = logFormatFrom(env.LOG_FORMAT, isTerminal);
  if (format !== 'json' && format !== 'pretty') return format;
  const pretty = format === 'pretty' ? prettyFactory({ colorize: isTerminal, ignore: 'app,pid,hostname' }) : undefined;
  const safe = createSafeDestination({ ...destination, ...(pretty ? { format: pretty } : {}) });
  return { logger: createLogger({ level: env.LOG_LEVEL ?? 'info', destination: safe }), destination: safe };
}

/** A logger that discards everything (tests, `hookgate test`). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
