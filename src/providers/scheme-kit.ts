/**
 * Small pieces the provider-specific verifier types share: schema fragments for their `verify:`
 * blocks, the two-sided timestamp check, signature-list parsing and the public URL that
 * URL-signing schemes (Twilio, HubSpot) cover. Each type's own rules stay in its own module.
 */
import { VerificationError } from '../errors.ts';
import { type Schema, tolerance } from './options.ts';
import type { WebhookRequest } from './types.ts';

export function toleranceSchema(fallback: string): Schema {
  return { ...tolerance, description: `How far the signed timestamp may be from now, in either direction (default ${fallback}).` };
}

export const URL_SCHEMA: Schema = {
  type: 'string',
  pattern: '^https?://',
  description: 'The public URL the provider calls (as entered in its dashboard); part of what it signs.',
};

/**
 * Refuses a signed time further than `toleranceMs` from the moment the request arrived, in the
 * past (a replay) or in the future (a forged or badly skewed clock). Called only after the
 * signature matched, so only an authentic request learns that its time was off.
 */
export function assertFresh(receivedAt: Date, signedAtMs: number, toleranceMs: number, headerName: string): void {
  if (!Number.isFinite(signedAtMs) || Math.abs(receivedAt.getTime() - signedAtMs) > toleranceMs) {
    throw new VerificationError('TIMESTAMP_OUT_OF_TOLERANCE', headerName);
  }
}

const DIGITS = /^\d{1,15}$/;

/** Unix seconds as sent in a header (digits only), in milliseconds; undefined when malformed. */
export function unixSecondsMs(text: string): number | undefined {
  return DIGITS.test(text) ? Number(text) * 1000 : undefined;
}

/**
 * The `key=value` items of a signature header such as `t=1,v1=ab,v1=cd` (Calendly, PagerDuty) or
 * `ts=1;h1=ab` (Paddle): every value per key, in order. Items without `=` are skipped.
 */
export function signatureItems(value: string, separator: string): ReadonlyMap<string, readonly string[]> {
  const items = new Map<string, string[]>();
  for (const raw of value.split(separator)) {
    const part = raw.trim();
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq);
    const list = items.get(key) ?? [];
    list.push(part.slice(eq + 1));
    items.set(key, list);
  }
  return items;
}

/**
 * The request's query string as received (without `?`). The ingress keeps the raw request
 * target when it can; otherwise the parsed query is re-encoded, which matches for the plain
 * ASCII parameters providers append.
 */
export function rawQuery(req: WebhookRequest): string {
  const target = req.url;
  if (target !== undefined) {
    const mark = target.indexOf('?');
    return mark === -1 ? '' : target.slice(mark + 1);
  }
  return new URLSearchParams(Object.entries(req.query)).toString();
}

/**
 * The URL a provider signed: the configured public URL's scheme, host, port and path (the
 * router may sit behind a proxy that rewrites them), plus the query string of this request
 * (providers add their own parameters, e.g. Twilio's bodySHA256).
 */
export function publicUrl(configured: string, req: WebhookRequest): string {
  const base = stripQuery(configured);
  const query = rawQuery(req);
  return query === '' ? base : `${base}?${query}`;
}

export function stripQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}

/** The parsed body as a plain object, or undefined. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 time as sent in a header (Zendesk, Twitch), in milliseconds; undefined when malformed. */
export function rfc3339Ms(text: string): number | undefined {
  if (!RFC3339.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** RFC 3339 in UTC with milliseconds, as signers put it in a header. */
export function isoSeconds(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}
