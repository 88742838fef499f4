/**
 * Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex hmac>` checked with the official SDK's
 * static `Stripe.webhooks` helpers (no API key, no network).
 * https://docs.stripe.com/webhooks#verify-events
 */
import Stripe from 'stripe';
import { VerificationError } from '../errors.ts';
import { DEFAULTS } from '../pipeline/types.ts';
import { sha256Hex } from './hmac-core.ts';
import { toleranceMs } from './option-readers.ts';
import { bodyString, header } from './request-fields.ts';
import { schemaOf } from './schema-of.ts';
import { resolveSecrets } from './secrets.ts';
import type { Normalized, SignInput, Verifier, VerifierType, VerifyOptionsBase, WebhookRequest } from './types.ts';
import { assertUtf8Body } from './utf8-body.ts';

const HEADER = 'Stripe-Signature';
const HEADER_LC = 'stripe-signature';
/** The SDK reads `t=` with parseInt and would accept `t=abc`; we insist on digits. */
const HAS_TIMESTAMP = /(^|,)\s*t=\d+(,|$)/;
const HAS_V1 = /(^|,)\s*v1=[^,]+/;

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
        return;
      } catch (error) {
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

export const stripeVerifier: VerifierType = {
  type: 'stripe',
  ...schemaOf('stripe'),
  secretHeaders: function stripeSecretHeaders() {
    return [HEADER_LC];
  },
  create,
  sign,
};
