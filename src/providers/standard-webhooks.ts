/**
 * Standard Webhooks (also Svix, Clerk, Resend): `webhook-id`, `webhook-timestamp` and
 * `webhook-signature: v1,<base64 hmac of "id.timestamp.body">`, checked with the `standardwebhooks`
 * library. Svix brands the same headers `svix-*`; they are mapped to the `webhook-*` names first.
 * The library computes the signature; the 5-minute tolerance (the library's own) is checked here
 * against the request's received time rather than the library's clock, so `hookgate test`
 * sequences on a simulated clock verify as `serve` does.
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { SetupError, VerificationError } from '../errors.ts';
import { defineVerifier } from './define.ts';
import { sha256Hex } from './hmac-core.ts';
import { verifyOptionsSchema } from './options.ts';
import { bodyString, header } from './request-fields.ts';
import { assertFresh } from './scheme-kit.ts';
import { resolveSecrets } from './secrets.ts';
import type { Normalized, SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from './types.ts';
import { assertUtf8Body } from './utf8-body.ts';

interface Brand {
  readonly id: string;
  readonly timestamp: string;
  readonly signature: string;
}
const STANDARD: Brand = { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' };
const SVIX: Brand = { id: 'svix-id', timestamp: 'svix-timestamp', signature: 'svix-signature' };
const TIMESTAMP = /^\d+$/;
/** The tolerance the library applies, either way from the received time. */
const TOLERANCE_MS = 5 * 60_000;
const HAS_V1 = /(^| )v1,\S+/;

/** The header family the request uses: `webhook-*` unless only `svix-*` headers are present. */
function brandOf(req: WebhookRequest): Brand {
  const h = req.headers;
  if (h[STANDARD.id] !== undefined || h[STANDARD.timestamp] !== undefined || h[STANDARD.signature] !== undefined) {
    return STANDARD;
  }
  if (h[SVIX.id] !== undefined || h[SVIX.timestamp] !== undefined || h[SVIX.signature] !== undefined) return SVIX;
  return STANDARD;
}

/** One library instance per secret; it throws a plain Error on a secret that is not base64. */
function webhookFor(secret: string, index: number): Webhook {
  try {
    return new Webhook(secret);
  } catch {
    throw new SetupError(`verify.secret: standard-webhooks secret #${index + 1} (empty ones dropped) is not "whsec_" followed by base64`);
  }
}

/** A `whsec_` secret (the library's format) from readable text, for the example block. */
function exampleSecret(seed: string): string {
  return `whsec_${Buffer.from(seed, 'utf8').toString('base64')}`;
}

function create(options: VerifyOptionsBase): Verifier {
  const webhooks = resolveSecrets(options).map(webhookFor);

  async function verifyStandardWebhooks(req: WebhookRequest): Promise<void> {
    const brand = brandOf(req);
    const id = header(req, brand.id);
    const timestamp = header(req, brand.timestamp);
    const signature = header(req, brand.signature);
    if (signature === undefined) throw new VerificationError('SIGNATURE_MISSING', brand.signature);
    if (id === undefined) throw new VerificationError('SIGNATURE_MISSING', brand.id);
    if (timestamp === undefined) throw new VerificationError('TIMESTAMP_MISSING', brand.timestamp);
    if (!TIMESTAMP.test(timestamp)) throw new VerificationError('SIGNATURE_MALFORMED', brand.timestamp);
    if (!HAS_V1.test(signature)) throw new VerificationError('SIGNATURE_MALFORMED', brand.signature);
    assertUtf8Body(req.rawBody, brand.signature);
    const signedAt = new Date(Number(timestamp) * 1000);
    // Every `v1,` entry of the space-separated list may match (secret rotation on the sender's side).
    const offered = signature
      .split(' ')
      .filter((entry) => entry.startsWith('v1,'))
      .map((entry) => Buffer.from(entry));
    const matches = webhooks.some(function signedWith(webhook) {
      const expected = Buffer.from(webhook.sign(id, signedAt, req.rawBody));
      return offered.some((entry) => entry.length === expected.length && timingSafeEqual(entry, expected));
    });
    if (!matches) throw new VerificationError('SIGNATURE_INVALID', brand.signature);
    assertFresh(req.receivedAt, signedAt.getTime(), TOLERANCE_MS, brand.timestamp);
  }

  function normalizeStandardWebhooks(req: WebhookRequest, body: unknown): Normalized {
    return {
      eventType: bodyString(body, 'type') ?? '',
      dedupKey: header(req, STANDARD.id) ?? header(req, SVIX.id) ?? sha256Hex(req.rawBody),
    };
  }

  return { type: 'standard-webhooks', verify: verifyStandardWebhooks, normalize: normalizeStandardWebhooks };
}

async function sign(_options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  const at = input.timestamp ?? new Date();
  const id = input.deliveryId ?? `msg_${randomUUID()}`;
  return {
    [STANDARD.id]: id,
    [STANDARD.timestamp]: String(Math.floor(at.getTime() / 1000)),
    [STANDARD.signature]: webhookFor(input.secret, 0).sign(id, at, input.rawBody),
  };
}

export const standardWebhooksVerifier = defineVerifier({
  type: 'standard-webhooks',
  kind: 'signature',
  optionsSchema: verifyOptionsSchema(
    'standard-webhooks',
    'Standard Webhooks (also Svix, Clerk, Resend): webhook-id/timestamp/signature or svix-* headers; secrets are whsec_ base64.',
    {},
  ),
  docs: {
    provider: 'Standard Webhooks (Svix, Clerk, Resend)',
    url: 'https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md',
    scheme: 'HMAC-SHA256 (base64, `v1,`) of `id.timestamp.body`, signature computed with the standardwebhooks library; 5 min tolerance',
    headers: ['webhook-signature', 'webhook-id', 'webhook-timestamp', 'svix-*'],
    eventType: 'body `type`',
    dedupKey: '`webhook-id` (or `svix-id`)',
  },
  secretHeaders: function standardWebhooksSecretHeaders() {
    return [STANDARD.signature, SVIX.signature];
  },
  // The library's fixed tolerance, kept; it is not configurable.
  timestamp: { location: STANDARD.timestamp, defaultToleranceMs: TOLERANCE_MS },
  example: {
    options: { type: 'standard-webhooks', secrets: [exampleSecret('SW-current-secret-9d0f'), exampleSecret('SW-previous-secret-2c7a')] },
    malformedSignature: 'v2,c2lnbmF0dXJl',
  },
  create,
  sign,
});
