/**
 * Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex hmac>` checked with the official SDK's
 * static `Stripe.webhooks` helpers (no API key, no network).
 * https://docs.stripe.com/webhooks#verify-events
 */

import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { VerificationError } from '../errors.ts';
import { DEFAULTS } from '../pipeline/types.ts';
import { defineVerifier } from './define.ts';
import { sha256Hex } from './hmac-core.ts';
import { toleranceMs } from './option-readers.ts';
import { tolerance, verifyOptionsSchema } from './options.ts';
import { bodyString, header } from './request-fields.ts';
import { resolveSecrets } from './secrets.ts';
import type { Normalized, SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from './types.ts';
import { assertUtf8Body } from './utf8-body.ts';

const HEADER = 'Stripe-Signature';
const HEADER_LC = 'stripe-signature';
/** The SDK reads `t=` with parseInt and would accept `t=abc`; we insist on digits. */
const HAS_TIMESTAMP = /(^|,)\s*t=\d+(,|$)/;
const HAS_V1 = /(^|,)\s*v1=[^,]+/;
const FIRST_TIMESTAMP = /(?:^|,)\s*t=(\d+)/;

function signatureHelper(): NonNullable<typeof Stripe.webhooks.signature> {
  const helper = Stripe.webhooks.signature;
  if (helper === null) throw new Error('stripe SDK: Stripe.webhooks.signature is not initialised');
  return helper;
}

/** Which failure the SDK reported. Its errors carry no code, so their messages are the only hint. */
function failureKind(error: unknown): 'stale' | 'malformed' | 'invalid' {
  const message = error instanceof Error ? error.message : '';
  if (/tolerance/i.test(message)) return 'stale';
  if (/expected scheme|extract timestamp/i.test(message)) return 'malformed';
  return 'invalid';
}

/** Whether the header's signed time (the first `t=`, as the SDK reads it) is beyond the tolerance ahead of receipt. */
function signedInFuture(signature: string, receivedAt: Date, toleranceSeconds: number): boolean {
  const match = FIRST_TIMESTAMP.exec(signature);
  if (match === null) return false;
  return Number(match[1]) - Math.floor(receivedAt.getTime() / 1000) > toleranceSeconds;
}

function create(options: VerifyOptionsBase): Verifier {
  const secrets = resolveSecrets(options);
  const toleranceSeconds = toleranceMs(options, DEFAULTS.stripeToleranceMs) / 1000;
  const helper = signatureHelper();

  async function verifyStripe(req: WebhookRequest): Promise<void> {
    const signature = header(req, HEADER_LC);
    if (signature === undefined) throw new VerificationError('SIGNATURE_MISSING', HEADER);
    if (!HAS_TIMESTAMP.test(signature) || !HAS_V1.test(signature)) {
      throw new VerificationError('SIGNATURE_MALFORMED', HEADER);
    }
    assertUtf8Body(req.rawBody, HEADER);
    let stale = false;
    let malformed = false;
    for (const secret of secrets) {
      try {
        helper.verifyHeader(req.rawBody, signature, secret, toleranceSeconds, undefined, req.receivedAt.getTime());
        // The SDK refuses only an old timestamp; one signed far in the future is refused here.
        if (signedInFuture(signature, req.receivedAt, toleranceSeconds)) {
          throw new VerificationError('TIMESTAMP_OUT_OF_TOLERANCE', HEADER);
        }
        return;
      } catch (error) {
        if (error instanceof VerificationError) throw error;
        const kind = failureKind(error);
        // The SDK checks the tolerance only once a signature matched: this secret is the right one.
        if (kind === 'stale') stale = true;
        if (kind === 'malformed') malformed = true;
      }
    }
    if (stale) throw new VerificationError('TIMESTAMP_OUT_OF_TOLERANCE', HEADER);
    if (malformed) throw new VerificationError('SIGNATURE_MALFORMED', HEADER);
    throw new VerificationError('SIGNATURE_INVALID', HEADER);
  }

  function normalizeStripe(req: WebhookRequest, body: unknown): Normalized {
    return { eventType: bodyString(body, 'type') ?? '', dedupKey: bodyString(body, 'id') ?? sha256Hex(req.rawBody) };
  }

  return { type: 'stripe', verify: verifyStripe, normalize: normalizeStripe };
}

async function sign(_options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  const at = input.timestamp ?? new Date();
  const value = Stripe.webhooks.generateTestHeaderString({
    payload: input.rawBody.toString('utf8'),
    secret: input.secret,
    timestamp: Math.floor(at.getTime() / 1000),
  });
  return { [HEADER_LC]: value };
}

/** A sample's event id and creation time made new, so each send is a new event to the router. */
function freshSample(rawBody: Buffer, at: Date): Buffer {
  const parsed = JSON.parse(rawBody.toString('utf8')) as Record<string, unknown>;
  parsed.id = `evt_${randomBytes(12).toString('hex')}`;
  parsed.created = Math.floor(at.getTime() / 1000);
  return Buffer.from(JSON.stringify(parsed, null, 2));
}

export const stripeVerifier = defineVerifier({
  type: 'stripe',
  kind: 'signature',
  optionsSchema: verifyOptionsSchema('stripe', 'Stripe: Stripe-Signature (t=,v1=) checked with the stripe SDK.', { tolerance }),
  docs: {
    provider: 'Stripe',
    url: 'https://docs.stripe.com/webhooks#verify-events',
    scheme: 'HMAC-SHA256 (hex) of `t.body`, checked with the stripe SDK; `tolerance` (default 5m)',
    headers: ['Stripe-Signature'],
    eventType: 'body `type`',
    dedupKey: 'body `id`',
  },
  secretHeaders: function stripeSecretHeaders() {
    return [HEADER_LC];
  },
  timestamp: { location: HEADER, defaultToleranceMs: DEFAULTS.stripeToleranceMs },
  example: {
    options: { type: 'stripe', secrets: ['whsec_STRIPE-current-1f9a', 'whsec_STRIPE-previous-7c2e'], tolerance: '5m' },
    malformedSignature: 'v1=deadbeef',
  },
  create,
  sign,
  freshSample,
});
