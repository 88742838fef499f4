/**
 * The one pino logger. Authorization, cookies, signature headers and every configured secret are
 * redacted by path; secret *values* never reach a log call in the first place (see pipeline).
 */
import { type Logger, pino } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { knownSecretHeaders } from '../providers/redaction.ts';
import { createSafeDestination, type SafeDestination, type SafeDestinationOptions } from './log-destination.ts';

export type { Logger };

/**
 * Header paths come from the verifier registry (every type's signature and token headers, plus
 * Authorization, Cookie and Proxy-Authorization); values under these keys are secrets anywhere.
 */
export const REDACT_PATHS = [
  ...knownSecretHeaders().map((name) => `headers[${JSON.stringify(name)}]`),
  '*.token',
  '*.secret',
  '*.secrets',
  '*.password',
];

export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  readonly level?: string;
  readonly destination?: NodeJS.WritableStream | SafeDestination;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const opts = { level, base: { app: 'hookgate' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
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
