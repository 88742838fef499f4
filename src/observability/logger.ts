/**
 * The one pino logger. Authorization, cookies, signature headers and every configured secret are
 * redacted by path; secret *values* never reach a log call in the first place (see pipeline).
 */
import { type Logger, pino } from 'pino';
import { knownSecretHeaders } from '../providers/redaction.ts';

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

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const opts = { level, base: { app: 'hookgate' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}

/** A logger that discards everything (tests, `hookgate test`). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
