/**
 * The one pino logger. Authorization, cookies, signature headers and every configured secret are
 * redacted by path; secret *values* never reach a log call in the first place (see pipeline).
 */
import { type Logger, pino } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'headers.authorization',
  'headers.cookie',
  'headers["proxy-authorization"]',
  'headers["stripe-signature"]',
  'headers["x-hub-signature"]',
  'headers["x-hub-signature-256"]',
  'headers["sentry-hook-signature"]',
  'headers["webhook-signature"]',
  'headers["svix-signature"]',
  'headers["x-slack-signature"]',
  'headers["x-shopify-hmac-sha256"]',
  'headers["x-gitlab-token"]',
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
