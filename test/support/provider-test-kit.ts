/**
 * Test helper for the provider-specific verifier types (imported by *.test.ts files only): plain
 * requests, the refusal a verifier throws, and a clock offset. Each test signs with the provider's
 * SDK, its published vector or node:crypto as the provider documents it, never with the module's
 * own sign() alone, so a verifier and its signer cannot share a bug unnoticed.
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { VerificationError } from '../../src/errors.ts';
import type { Verifier, WebhookRequest } from '../../src/providers/types.ts';

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

export interface PresetCase {
  readonly verifier: import('../../src/providers/types.ts').VerifierType;
  /** Options with two secrets (rotation). */
  readonly options: import('../../src/providers/types.ts').VerifyOptionsBase;
  readonly secrets: readonly string[];
  /** A secret of the right shape that is not one of `secrets` (default: a plain string). */
  readonly wrongSecret?: string;
  /** The provider's own way of sending: SDK, documented HMAC, or the plain credential header. */
  readonly providerHeaders: (body: Buffer, secret: string, when: Date) => Record<string, string>;
  readonly credentialHeader: string;
  readonly signsBody: boolean;
  readonly timestamped: boolean;
  readonly sample: readonly [type: string, event: string];
  /** Headers the provider sends with the sample besides the credential (event name, delivery id). */
  readonly sampleHeaders?: Record<string, string>;
  readonly expected: import('../../src/providers/types.ts').Normalized;
}

/**
 * The cases every preset proves, each a separate test: the provider's request accepted with
 * either secret and normalized; hookgate's sign() accepted; a wrong secret, a missing credential,
 * an altered body (when signed), stale and future timestamps (when timed) refused.
 */
export function presetCases(c: PresetCase): Array<[string, () => Promise<void>]> {
  const cases: Array<[string, () => Promise<void>]> = [];
  const body = () => sample(c.sample[0], c.sample[1]);
  const build = async (secret: string, when = new Date(), receivedAt = new Date()) => {
    const raw = await body();
    return request({
      headers: { 'content-type': 'application/json', ...c.sampleHeaders, ...c.providerHeaders(raw, secret, when) },
      body: raw,
      receivedAt,
    });
  };
  cases.push([
    'accepts what the provider sends, with either secret, and normalizes the sample',
    async () => {
      const verifier = c.verifier.create(c.options);
      for (const secret of c.secrets) await verifier.verify(await build(secret));
      const req = await build(c.secrets[0]!);
      const normalized = verifier.normalize(req, JSON.parse(req.rawBody.toString('utf8')));
      if (JSON.stringify(normalized) !== JSON.stringify(c.expected)) {
        throw new Error(`normalized ${JSON.stringify(normalized)}, expected ${JSON.stringify(c.expected)}`);
      }
    },
  ]);
  cases.push([
    "accepts what hookgate's sign() produces",
    async () => {
      const raw = await body();
      const headers = await c.verifier.sign(c.options, {
        rawBody: raw,
        secret: c.secrets[1]!,
        deliveryId: 'delivery-1',
        eventType: c.expected.eventType,
      });
      await c.verifier.create(c.options).verify(request({ headers: { 'content-type': 'application/json', ...headers }, body: raw }));
    },
  ]);
  const refuses = (name: string, code: string, make: () => Promise<WebhookRequest>) =>
    cases.push([
      `refuses ${name} (${code})`,
      async () => {
        const error = await refusal(c.verifier.create(c.options), await make());
        if (error.code !== code) throw new Error(`refused with ${error.code}, expected ${code}`);
      },
    ]);
  refuses('a wrong secret', c.signsBody ? 'SIGNATURE_INVALID' : 'CREDENTIALS_INVALID', () =>
    build(c.wrongSecret ?? 'a-wrong-secret-of-the-same-shape'),
  );
  refuses('a request without the credential header', 'SIGNATURE_MISSING', async () =>
    withHeader(await build(c.secrets[0]!), c.credentialHeader, undefined),
  );
  if (c.signsBody) refuses('an altered body', 'SIGNATURE_INVALID', async () => tampered(await build(c.secrets[0]!)));
  if (c.timestamped) {
    refuses('a stale request', 'TIMESTAMP_OUT_OF_TOLERANCE', () => build(c.secrets[0]!, minutesFromNow(-10)));
    refuses('a future-dated request', 'TIMESTAMP_OUT_OF_TOLERANCE', () => build(c.secrets[0]!, minutesFromNow(10)));
  }
  return cases;
}

/** sha256 (hex) of a shipped sample's bytes: the dedup key of types that have no event id. */
export function sampleSha256(type: string, event: string): string {
  return createHash('sha256')
    .update(readFileSync(new URL(`../../samples/${type}/${event}.json`, import.meta.url)))
    .digest('hex');
}

/** A whsec_ secret made from a readable seed, as Standard Webhooks senders format theirs. */
export const whsec = (seed: string): string => `whsec_${Buffer.from(seed).toString('base64')}`;

/** The message id the Standard Webhooks helpers below sign with. */
export const STANDARD_WEBHOOKS_ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';

/**
 * Headers as a Standard Webhooks sender makes them, signed by the standardwebhooks library:
 * prefix `svix` as Svix (Clerk, Resend) sends them, `webhook` as incident.io does.
 */
export function standardWebhooksHeaders(prefix: 'svix' | 'webhook', body: Buffer, secret: string, when: Date): Record<string, string> {
  return {
    [`${prefix}-id`]: STANDARD_WEBHOOKS_ID,
    [`${prefix}-timestamp`]: String(Math.floor(when.getTime() / 1000)),
    [`${prefix}-signature`]: new Webhook(secret).sign(STANDARD_WEBHOOKS_ID, when, body),
  };
}
