/**
 * Test helper for the provider-specific verifier types (imported by *.test.ts files only): plain
 * requests, the refusal a verifier throws, and a clock offset. Each test signs with the provider's
 * SDK, its published vector or node:crypto as the provider documents it, never with the module's
 * own sign() alone, so a verifier and its signer cannot share a bug unnoticed.
 */
import { VerificationError } from '../errors.ts';
import type { Verifier, WebhookRequest } from './types.ts';

export interface RequestParts {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
  readonly receivedAt?: Date;
  /** Request target (path and query), e.g. `/webhooks/twilio?bodySHA256=...`. */
  readonly url?: string;
  readonly method?: string;
}

export function request(parts: RequestParts): WebhookRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(parts.headers)) headers[name.toLowerCase()] = value;
  const url = parts.url ?? '/webhooks/p';
  const mark = url.indexOf('?');
  const query = mark === -1 ? {} : Object.fromEntries(new URLSearchParams(url.slice(mark + 1)));
  return {
    method: parts.method ?? 'POST',
    headers,
    query,
    url,
    rawBody: typeof parts.body === 'string' ? Buffer.from(parts.body, 'utf8') : parts.body,
    receivedAt: parts.receivedAt ?? new Date(),
  };
}

/** The VerificationError the verifier throws; fails the test when the request is accepted. */
export async function refusal(verifier: Verifier, req: WebhookRequest): Promise<VerificationError> {
  try {
    await verifier.verify(req);
  } catch (error) {
    if (error instanceof VerificationError) return error;
    throw error;
  }
  throw new Error(`expected ${verifier.type} to refuse the request`);
}

/** A copy of the request with one header replaced (or removed with undefined). */
export function withHeader(req: WebhookRequest, name: string, value: string | undefined): WebhookRequest {
  const headers: Record<string, string> = { ...req.headers };
  if (value === undefined) delete headers[name.toLowerCase()];
  else headers[name.toLowerCase()] = value;
  return { ...req, headers };
}

/** A copy of the request with one bit of the body flipped. */
export function tampered(req: WebhookRequest): WebhookRequest {
  const rawBody = Buffer.from(req.rawBody);
  rawBody[rawBody.length - 2] = (rawBody[rawBody.length - 2] ?? 0) ^ 0x01;
  return { ...req, rawBody };
}

export const MINUTE = 60_000;

export function minutesFromNow(minutes: number): Date {
  return new Date(Date.now() + minutes * MINUTE);
}

/** A sample payload shipped in samples/<type>/<event>.json, as bytes. */
export async function sample(type: string, event: string): Promise<Buffer> {
  const { readFile } = await import('node:fs/promises');
  return readFile(new URL(`../../samples/${type}/${event}.json`, import.meta.url));
}
